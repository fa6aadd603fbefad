package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code set-var}, {@code set-var-fmt} and {@code var()} through the proxy, side by side with HAProxy
 * ({@link HaproxyProcess}; that half skipped where it is not installed): a variable set from the request routes it and
 * fills a request header, one set from the response fills a response header, and Fjord logs them.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class VariablesProxyTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @TempDir
    Path dir;

    private final RecordingHttpServer web = fjord.recordingServer();
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private String config(String bind) {
        return HaproxyProcess.HTTP_DEFAULTS + """
                frontend fe
                    log global
                    bind %s
                    log-format "%%[var(txn.host)] %%[var(txn.len)] %%ST"
                    http-request set-var(txn.host) req.hdr(host),lower
                    http-request set-var-fmt(txn.who) "via %%[dst_port]"
                    http-request set-header X-Host %%[var(txn.host)]
                    http-response set-var(txn.len) res.hdr(content-length)
                    http-response set-header X-Echo "%%[var(txn.host)] %%[var(txn.len)] %%[var(txn.who)]"
                    use_backend special if { var(txn.host) -m str special.example }
                    default_backend app
                backend app
                    server web1 %s
                backend special
                    http-response set-header X-Special yes
                    server web1 %s
                """.formatted(bind, web.address(), web.address());
    }

    /** For Host values: the X- headers the client got, and the X-Host the server got; the port as P. */
    private List<String> run(InetSocketAddress proxy) throws Exception {
        List<String> seen = new ArrayList<>();
        for (String host : List.of("Special.Example", "www.example")) {
            try (RawClient client = new RawClient(proxy)) {
                String response = client.send("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
                        .readResponse();
                for (String line : response.split("\r\n")) {
                    if (line.regionMatches(true, 0, "X-", 0, 2)) {
                        String name = line.substring(0, line.indexOf(':')).toLowerCase(Locale.ROOT);
                        seen.add(name + line.substring(line.indexOf(':')).replace(" " + proxy.getPort(), " P"));
                    }
                }
            }
            List<RecordingHttpServer.Received> received = web.received();
            seen.add("server got " + received.get(received.size() - 1).request().header("X-Host"));
        }
        return seen;
    }

    @Test
    void variablesRouteFillHeadersAndReachTheLogAsInHaproxy() throws Exception {
        FjordProxy proxy = fjord.start(config("127.0.0.1:0"), b -> b.accessLog((entry, line) -> lines.add(line)));
        List<String> byFjord = run(proxy.addresses("fe").get(0));

        assertThat(byFjord)
                .containsExactly(
                        "x-special: yes",
                        "x-echo: special.example 2 via P",
                        "server got special.example",
                        "x-echo: www.example 2 via P",
                        "server got www.example");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (lines.size() < 2 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(5); // the log line follows the exchange's end: a bounded wait for it
        }
        assertThat(lines).containsExactly("special.example 2 200", "www.example 2 200");

        HaproxyProcess.assumeInstalled();
        int port = HaproxyProcess.freePort();
        try (HaproxyProcess haproxy = HaproxyProcess.start(dir, config("127.0.0.1:" + port), port)) {
            assertThat(run(new InetSocketAddress("127.0.0.1", port)))
                    .as("HAProxy's headers (its output: %s)", haproxy.output())
                    .isEqualTo(byFjord);
        }
    }
}
