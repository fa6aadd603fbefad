package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.Settings;

/**
 * {@code option http-buffer-request}: the body is read (whole, or its first {@link Settings#BUFFERED_BODY_BYTES})
 * before the server is connected to, so a slow upload holds no server connection; without it, the server is
 * connected to as soon as the request is routed.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BufferRequestTest {
    /** How long a slow client waits between two parts of its body: long against a connect on loopback. */
    private static final long PAUSE_MILLIS = 300;

    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final RecordingHttpServer server = fjord.recordingServer();

    private FjordProxy proxy(String backendOptions) {
        return fjord.start("defaults\n    mode http\n    timeout connect 1s\n    timeout client 5s\n"
                + "    timeout server 5s\nfrontend main\n    bind 127.0.0.1:0\n    default_backend app\n"
                + "backend app\n" + backendOptions + "    server web1 " + server.address() + "\n");
    }

    @Test
    void aSlowUploadReachesTheServerOnlyOnceWhole() throws Exception {
        FjordProxy proxy = proxy("    option http-buffer-request\n");
        try (RawClient client = new RawClient(proxy.address("main"))) {
            client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
            TimeUnit.MILLISECONDS.sleep(PAUSE_MILLIS); // the client pauses mid-body
            assertThat(server.connections())
                    .as("no server connection while the body is read")
                    .isZero();

            client.send("defghij");
            assertThat(client.readResponse()).startsWith("HTTP/1.1 200");
        }
        assertThat(server.await(1, 5000).get(0).request().body())
                .isEqualTo("abcdefghij".getBytes(StandardCharsets.US_ASCII));
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void aBodyLargerThanTheBufferConnectsOnceTheBufferIsFull() throws Exception {
        FjordProxy proxy = proxy("    option http-buffer-request\n");
        int length = Settings.BUFFERED_BODY_BYTES * 2;
        try (RawClient client = new RawClient(proxy.address("main"))) {
            client.send("POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + "\r\n\r\n");
            client.send("a".repeat(Settings.BUFFERED_BODY_BYTES));
            awaitConnections(1); // a full buffer: the server is connected to without the rest

            client.send("a".repeat(length - Settings.BUFFERED_BODY_BYTES));
            assertThat(client.readResponse()).startsWith("HTTP/1.1 200");
        }
        assertThat(server.await(1, 5000).get(0).request().body()).hasSize(length);
    }

    @Test
    void withoutTheOptionTheServerIsConnectedToBeforeTheBodyArrives() throws Exception {
        FjordProxy proxy = proxy("");
        try (RawClient client = new RawClient(proxy.address("main"))) {
            client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
            awaitConnections(1);

            client.send("defghij");
            assertThat(client.readResponse()).startsWith("HTTP/1.1 200");
        }
    }

    private void awaitConnections(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.connections() < count && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(5);
        }
        assertThat(server.connections()).isEqualTo(count);
    }
}
