package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code http-reuse}: by default ({@code safe}) an idle server connection serves whichever client asks next;
 * {@code never} keeps each server connection to the client connection it served, for its next request, and closes
 * it with that client.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpReuseTest {
    private static final String GET = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final RecordingHttpServer server = fjord.recordingServer();

    private FjordProxy start(String reuse) {
        return fjord.start("defaults\n    mode http\n    option http-keep-alive\n    timeout client 10s\n"
                + "    timeout server 10s\nfrontend main\n    bind 127.0.0.1:0\n    default_backend app\n"
                + "backend app\n" + reuse + "    server web1 " + server.address() + "\n");
    }

    /** The server connection numbers of requests from Alice, Bob, Alice, Bob, each answered before the next. */
    private List<Integer> alternate(FjordProxy proxy) throws Exception {
        try (RawClient alice = new RawClient(proxy.address("main"));
                RawClient bob = new RawClient(proxy.address("main"))) {
            for (RawClient client : List.of(alice, bob, alice, bob)) {
                assertThat(client.send(GET).readResponse()).startsWith("HTTP/1.1 200");
            }
        }
        return server.received().stream()
                .map(RecordingHttpServer.Received::connection)
                .toList();
    }

    @Test
    void safeSharesAnIdleConnectionBetweenClients() throws Exception {
        List<Integer> connections = alternate(start("    http-reuse safe\n"));

        assertThat(connections).containsExactly(1, 1, 1, 1);
    }

    @Test
    void neverKeepsEachServerConnectionToItsClientAndClosesItWithTheClient() throws Exception {
        List<Integer> connections = alternate(start("    http-reuse never\n"));

        assertThat(connections).containsExactly(1, 2, 1, 2);
        assertThat(server.awaitClosedByProxy(2, 5000))
                .as("both private connections closed with their clients")
                .isEqualTo(2);
    }

    @Test
    void neverClosesTheKeptConnectionWhenTheNextRequestGoesToAnotherServer() throws Exception {
        try (RecordingHttpServer other = new RecordingHttpServer()) {
            FjordProxy proxy = fjord.start("defaults\n    mode http\n    option http-keep-alive\n"
                    + "    timeout client 10s\n    timeout server 10s\nfrontend main\n    bind 127.0.0.1:0\n"
                    + "    use_backend second if { path_beg /second }\n    default_backend app\n"
                    + "backend app\n    http-reuse never\n    server web1 " + server.address() + "\n"
                    + "backend second\n    http-reuse never\n    server web2 " + other.address() + "\n");
            try (RawClient alice = new RawClient(proxy.address("main"))) {
                assertThat(alice.send(GET).readResponse()).startsWith("HTTP/1.1 200");
                assertThat(alice.send("GET /second HTTP/1.1\r\nHost: x\r\n\r\n").readResponse())
                        .startsWith("HTTP/1.1 200");
                assertThat(server.awaitClosedByProxy(1, 5000))
                        .as("the first server's connection, closed once Alice went elsewhere")
                        .isEqualTo(1);
                assertThat(alice.send(GET).readResponse()).startsWith("HTTP/1.1 200");
            }
            assertThat(server.received().stream().map(RecordingHttpServer.Received::connection))
                    .containsExactly(1, 2);
        }
    }

    @Test
    void aBadValueIsRefusedWithWhatIsExpected() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> start("    http-reuse sometimes\n"))
                .hasMessageContaining("http-reuse")
                .hasMessageContaining("'sometimes' (expected: never, safe, aggressive or always)");
    }
}
