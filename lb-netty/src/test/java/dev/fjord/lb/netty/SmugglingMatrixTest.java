package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.fjord.lb.netty.RecordingHttpServer.Received;

/**
 * Every header name a {@code Connection} field may list, with every body framing, from clients that keep their
 * connection or close it, over server connections that are reused or fresh, through a running proxy to a strict
 * recording server. Each case is either refused with a 4xx and the server sees nothing of it, or the server sees
 * exactly the request the client sent, with a byte-identical body; either way the next request on that server
 * connection arrives intact, and the server never reads anything that is not HTTP.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SmugglingMatrixTest {
    /** A request as a body: if a framing header were lost, the server would read it as a request of its own. */
    private static final String BODY = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";

    private static final List<String> OPTIONS = List.of(
            "Content-Length",
            "content-length",
            "Transfer-Encoding",
            "Content-Length, Transfer-Encoding",
            "Host",
            "Connection",
            "Keep-Alive",
            "TE",
            "Trailer",
            "Upgrade",
            "Proxy-Connection",
            "Expect",
            "Cookie",
            "X-Forwarded-For",
            "Content-Type",
            "X-Custom");

    enum Framing {
        NONE,
        CONTENT_LENGTH,
        CHUNKED
    }

    @RegisterExtension
    static final ProxyExtension FJORD = ProxyExtension.perClass();

    private static RecordingHttpServer server;
    private static FjordProxy proxy;

    @BeforeAll
    static void start() {
        server = FJORD.recordingServer();
        String cfg = "defaults\n    mode http\n    timeout connect 1s\n    timeout client 5s\n    timeout server 5s\n"
                + "    timeout http-request 5s\n"
                + "frontend pooled\n    bind 127.0.0.1:0\n    default_backend pooled\n"
                + "frontend fresh\n    bind 127.0.0.1:0\n    default_backend fresh\n"
                + "backend pooled\n    server web1 " + server.address() + "\n"
                + "backend fresh\n    option http-server-close\n    server web1 " + server.address() + "\n";
        proxy = FJORD.start(cfg);
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (String option : OPTIONS) {
            for (Framing framing : Framing.values()) {
                for (boolean clientKeepAlive : new boolean[] {true, false}) {
                    for (boolean reused : new boolean[] {true, false}) {
                        cases.add(Arguments.of(option, framing, clientKeepAlive, reused));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "Connection: {0}, body {1}, client keep-alive {2}, server connection reused {3}")
    @MethodSource("cases")
    void eitherRefusedOrForwardedExactly(String option, Framing framing, boolean clientKeepAlive, boolean reused)
            throws Exception {
        String frontend = reused ? "pooled" : "fresh";
        server.clear();
        if (reused) {
            assertThat(exchange(frontend, "GET /prime HTTP/1.1\r\nHost: x\r\n\r\n"))
                    .startsWith("HTTP/1.1 200");
        }
        String request = (framing == Framing.NONE ? "GET" : "POST") + " /case HTTP/1.1\r\nHost: x\r\n"
                + "Connection: " + (clientKeepAlive ? "" : "close, ") + option + "\r\n"
                + (option.contains("Keep-Alive") ? "Keep-Alive: timeout=5\r\n" : "")
                + (option.contains("Upgrade") ? "Upgrade: example/1\r\n" : "")
                + (option.contains("Cookie") ? "Cookie: a=1\r\n" : "") + body(framing);

        String response = exchange(frontend, request);
        String after = exchange(frontend, "GET /after HTTP/1.1\r\nHost: x\r\n\r\n");

        List<Received> received = server.await(reused ? 3 : 2, 2000);
        assertThat(after).startsWith("HTTP/1.1 200");
        assertThat(server.errors()).isEmpty();
        List<String> targets = received.stream().map(r -> r.request().target()).toList();
        int status = Integer.parseInt(response.substring(9, 12));
        if (status >= 400 && status < 500) {
            assertThat(targets)
                    .as("refused with %s: the server sees nothing of it", status)
                    .containsExactlyElementsOf(reused ? List.of("/prime", "/after") : List.of("/after"));
            return;
        }
        assertThat(status).isEqualTo(200);
        assertThat(targets)
                .containsExactlyElementsOf(reused ? List.of("/prime", "/case", "/after") : List.of("/case", "/after"));
        ReferenceHttp.Request forwarded = received.get(reused ? 1 : 0).request();
        assertThat(forwarded.bodyText()).isEqualTo(framing == Framing.NONE ? "" : BODY);
        assertThat(forwarded.header("Host")).isEqualTo("x");
        if (reused) {
            assertThat(received.get(1).connection())
                    .as("the case went on the primed connection")
                    .isEqualTo(received.get(0).connection());
            assertThat(received.get(2).connection())
                    .as("the next request used it again, intact")
                    .isEqualTo(received.get(1).connection());
        }
    }

    private static String body(Framing framing) {
        return switch (framing) {
            case NONE -> "\r\n";
            case CONTENT_LENGTH -> "Content-Length: " + BODY.length() + "\r\n\r\n" + BODY;
            case CHUNKED ->
                "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(10) + "\r\n"
                        + BODY.substring(0, 10) + "\r\n" + Integer.toHexString(BODY.length() - 10) + ";ext=1\r\n"
                        + BODY.substring(10) + "\r\n0\r\n\r\n";
        };
    }

    private static String exchange(String frontend, String request) throws IOException {
        try (RawClient client = new RawClient(proxy.address(frontend))) {
            return client.send(request).readResponse();
        }
    }
}
