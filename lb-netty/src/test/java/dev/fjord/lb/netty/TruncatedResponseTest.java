package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A server that dies mid-body, with a reset or a plain close: the client gets the head and the bytes that came, then
 * its connection closes at once (the body can no longer be completed), not at {@code timeout client}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TruncatedResponseTest {
    private static final int BODY = 64 << 10;

    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aResponseCutMidBodyClosesTheClientAtOnce(boolean reset) throws Exception {
        try (CuttingServer server = new CuttingServer(reset)) {
            FjordProxy proxy = fjord.start("""
                    defaults
                        mode http
                        timeout connect 2s
                        timeout client 20s
                        timeout server 20s
                    frontend main
                        bind 127.0.0.1:0
                        default_backend app
                    backend app
                        server web1 127.0.0.1:%d
                    """.formatted(server.port()));

            long start = System.nanoTime();
            String answer;
            try (RawClient client = new RawClient(proxy.address("main")).timeout(15_000)) {
                answer = client.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n").readUntilClose();
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(answer.substring(0, 15)).isEqualTo("HTTP/1.1 200 OK");
            assertThat(answer.endsWith("<timeout>"))
                    .as("the client's read timed out: the proxy never closed")
                    .isFalse();
            int body = answer.length() - answer.indexOf("\r\n\r\n") - 4;
            assertThat(body).as("truncated").isLessThan(BODY);
            assertThat(millis)
                    .as("closed at once, not at timeout client (20 s)")
                    .isLessThan(10_000);
        }
    }

    /** Answers each request with a 64 KiB body of which it sends half, then resets or closes the connection. */
    private static final class CuttingServer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        private final ExecutorService thread = Executors.newSingleThreadExecutor();

        CuttingServer(boolean reset) throws IOException {
            thread.execute(() -> {
                while (!socket.isClosed()) {
                    try (Socket connection = socket.accept()) {
                        readHead(connection.getInputStream());
                        OutputStream out = connection.getOutputStream();
                        out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + BODY + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                        out.write(new byte[BODY / 2]);
                        out.flush();
                        if (reset) {
                            connection.setSoLinger(true, 0);
                        }
                    } catch (IOException e) {
                        // closed by the test
                    }
                }
            });
        }

        int port() {
            return socket.getLocalPort();
        }

        private static void readHead(InputStream in) throws IOException {
            int matched = 0;
            int b;
            while (matched < 4 && (b = in.read()) >= 0) {
                matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            thread.shutdownNow();
        }
    }
}
