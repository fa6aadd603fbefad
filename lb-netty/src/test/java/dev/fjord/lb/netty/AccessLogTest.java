package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.Cookie;
import dev.fjord.lb.core.HttpRequestRule;
import dev.fjord.lb.core.LogFormat;
import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.ProxyConfig;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AccessLogTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final MockWebServer web = fjord.mockServer();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private FjordProxy proxy;

    @BeforeEach
    void start() {
        proxy = fjord.start(
                ProxyConfig.builder()
                        .defaults(d -> d.mode(Mode.HTTP)
                                .logGlobal(true)
                                .logFormat(LogFormat.HTTP)
                                .timeoutServer(Duration.ofSeconds(5)))
                        .frontend(
                                "main",
                                f -> f.bind("127.0.0.1:0")
                                        .defaultBackend("app")
                                        .logMask(8, 64)
                                        .httpRequest(HttpRequestRule.deny().when("{ path_beg /admin }")))
                        .backend(
                                "app",
                                b -> b.cookie(Cookie.insert("SERVERID")
                                                .indirect()
                                                .noCache())
                                        .server("web1", ProxyExtension.address(web), s -> s.cookie("s1")))
                        .build(),
                b -> b.accessLog((entry, line) -> lines.add(line)));
    }

    private String exchange(String request) throws IOException {
        try (RawClient client = new RawClient(proxy.address("main"))) {
            client.send(request);
            return client.readUntilClose();
        }
    }

    /** The {@code count}th line, once it is there (lines are written as exchanges end, on the proxy's thread). */
    private String line(int count) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (lines.size() < count && System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        assertThat(lines).hasSize(count);
        return lines.get(count - 1);
    }

    @Test
    void forwardedRequestsAreLoggedInHttplogFormatWithMaskedClients() throws IOException {
        web.enqueue(new MockResponse.Builder().body("hello").build());

        assertThat(exchange("GET /cart?x=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                .contains("hello");

        assertThat(line(1))
                .matches("127\\.0\\.0\\.0:\\d+ \\[\\d\\d/[A-Z][a-z]{2}/\\d{4}:\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\] "
                        + "main app/web1 \\d+/0/\\d+/\\d+/\\d+ 200 \\d+ - - --NI 1/1/\\d/\\d/0 0/0 \"GET "
                        + "/cart\\?x=1 HTTP/1\\.1\"");
    }

    @Test
    void deniedAndRejectedRequestsAreLoggedWithTheirTermination() throws IOException {
        assertThat(exchange("GET /admin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 403");
        assertThat(line(1))
                .contains(" main main/<NOSRV> ")
                .contains(" 403 ")
                .contains(" PR-- ")
                .endsWith("\"GET /admin HTTP/1.1\"");

        assertThat(exchange("GET / HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\n\r\n"))
                .startsWith("HTTP/1.1 400");
        assertThat(line(2))
                .contains(" main main/<NOSRV> -1/-1/-1/-1/")
                .contains(" 400 ")
                .contains(" PR-- ")
                .endsWith("\"<BADREQ>\"");
    }
}
