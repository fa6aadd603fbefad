package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code http-request capture SAMPLE len N} beside {@code capture request header}, side by side with HAProxy
 * ({@link HaproxyProcess}, logging to its standard output; that half skipped where it is not installed): the same
 * {@code %hr} for the same requests.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SampleCaptureProxyTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @TempDir
    Path dir;

    private final RecordingHttpServer web = fjord.recordingServer();
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private String config(String bind) {
        return "global\n    log stdout format raw local0\n" + HaproxyProcess.HTTP_DEFAULTS
                + """
                frontend fe
                    log global
                    bind %s
                    log-format "hr=%%hr"
                    capture request header Host len 9
                    http-request set-var(txn.user) req.hdr(X-User)
                    http-request capture req.hdr(User-Agent) len 10
                    http-request capture var(txn.user) len 32 if { path_beg /account }
                    http-request capture src len 15
                    default_backend app
                backend app
                    server web1 %s
                """.formatted(bind, web.address());
    }

    private static final String[] REQUESTS = {
        "GET /account/7 HTTP/1.1\r\nHost: shop.example.com\r\nUser-Agent: Mozilla/5.0 (X11)\r\nX-User: alice\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
    };

    private static void send(InetSocketAddress proxy) throws Exception {
        for (String request : REQUESTS) {
            try (RawClient client = new RawClient(proxy).timeout(5_000)) {
                assertThat(client.send(request).readResponse()).startsWith("HTTP/1.1 200");
            }
        }
    }

    @Test
    void theCapturedValuesAreLoggedAsHaproxyLogsThem() throws Exception {
        FjordProxy proxy = fjord.start(config("127.0.0.1:0"), b -> b.accessLog((entry, line) -> lines.add(line)));
        send(proxy.addresses("fe").get(0));
        awaitLines(lines, REQUESTS.length);

        assertThat(lines).containsExactly("hr={shop.exam|Mozilla/5.|alice|127.0.0.1}", "hr={a|||127.0.0.1}");

        HaproxyProcess.assumeInstalled();
        int port = HaproxyProcess.freePort();
        try (HaproxyProcess haproxy = HaproxyProcess.start(dir, config("127.0.0.1:" + port), port)) {
            send(new InetSocketAddress("127.0.0.1", port));
            List<String> logged = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (logged.size() < REQUESTS.length && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(20); // HAProxy logs after each exchange: a bounded wait for the lines
                logged = haproxy.output()
                        .lines()
                        .filter(line -> line.startsWith("hr={")) // not the start-up probe, which sent nothing
                        .toList();
            }
            assertThat(logged).as("HAProxy's output: %s", haproxy.output()).isEqualTo(lines);
        }
    }

    private static void awaitLines(List<String> lines, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (lines.size() < count && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(5); // the log line follows the exchange's end: a bounded wait for it
        }
    }
}
