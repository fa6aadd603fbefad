package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code unique-id-format} with {@code unique-id-header}, side by side with HAProxy ({@link HaproxyProcess}; that half
 * skipped where it is not installed): the manual's format, {@code %{+X}o %ci:%cp_%fi:%fp_%Ts_%rt:%pid}, makes an ID
 * of the same shape from the same facts in both, sent to the server in the header; Fjord logs the same ID as
 * {@code %ID}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UniqueIdProxyTest {
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
                    unique-id-format %%{+X}o\\ %%ci:%%cp_%%fi:%%fp_%%Ts_%%rt:%%pid
                    unique-id-header X-Unique-ID
                    log-format "%%ID %%ST"
                    default_backend be
                backend be
                    server web1 %s
                """.formatted(bind, web.address());
    }

    /** Sends one request to {@code proxy}; the ID the server got, checked against what the client knows. */
    private String idThrough(InetSocketAddress proxy, long pid) throws Exception {
        long before = System.currentTimeMillis() / 1000;
        int clientPort;
        try (RawClient client = new RawClient(proxy)) {
            clientPort = client.localAddress().getPort();
            assertThat(client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").readResponse())
                    .startsWith("HTTP/1.1 200");
        }
        long after = System.currentTimeMillis() / 1000;
        List<RecordingHttpServer.Received> received = web.received();
        String id = received.get(received.size() - 1).request().header("X-Unique-ID");
        String expectedStart = String.format(Locale.ROOT, "7F000001:%04X_7F000001:%04X_", clientPort, proxy.getPort());
        assertThat(id).startsWith(expectedStart).endsWith(String.format(Locale.ROOT, ":%04X", pid));
        String[] rest = id.substring(expectedStart.length()).split("[_:]");
        assertThat(Long.parseLong(rest[0], 16)).as("%Ts in hex").isBetween(before, after);
        assertThat(rest[1]).as("%rt in hex, 4 digits at least").matches("[0-9A-F]{4,}");
        return id;
    }

    @Test
    void theIdHasHaproxysShapeReachesTheServerAndIsLogged() throws Exception {
        HaproxyProcess.assumeInstalled();
        int port = HaproxyProcess.freePort();
        try (HaproxyProcess haproxy = HaproxyProcess.start(dir, config("127.0.0.1:" + port), port)) {
            idThrough(new InetSocketAddress("127.0.0.1", port), haproxy.pid());
        }

        FjordProxy proxy = fjord.start(config("127.0.0.1:0"), b -> b.accessLog((entry, line) -> lines.add(line)));
        String id =
                idThrough(proxy.addresses("fe").get(0), ProcessHandle.current().pid());

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (lines.isEmpty() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(5); // the log line follows the exchange's end: a bounded wait for it
        }
        assertThat(lines).containsExactly(id + " 200");
    }
}
