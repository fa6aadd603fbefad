package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code http-request set-header X-Request-Start t=%Ts%ms}, as APM agents read queue time: the server gets the
 * request's accept time in milliseconds since the epoch.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RequestStartHeaderTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final RecordingHttpServer server = fjord.recordingServer();

    @Test
    void theServerGetsTheAcceptTimeInMilliseconds() throws Exception {
        FjordProxy proxy = fjord.start("defaults\n    mode http\n    timeout client 5s\n    timeout server 5s\n"
                + "frontend main\n    bind 127.0.0.1:0\n"
                + "    http-request set-header X-Request-Start t=%Ts%ms\n    default_backend app\n"
                + "backend app\n    server web1 " + server.address() + "\n");

        long before = System.currentTimeMillis();
        try (RawClient client = new RawClient(proxy.address("main"))) {
            client.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readResponse()).startsWith("HTTP/1.1 200");
        }
        long after = System.currentTimeMillis();

        String header = server.received().get(0).request().header("X-Request-Start");
        assertThat(header).matches("t=\\d{13}");
        assertThat(Long.parseLong(header.substring(2))).isBetween(before, after);
    }
}
