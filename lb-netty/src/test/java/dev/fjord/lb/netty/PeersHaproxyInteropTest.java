package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fjord and a real HAProxy 2.6 ({@link HaproxyProcess}; skipped where it is not installed) as the two peers of one
 * {@code peers} section on loopback, sharing a rate table and a {@code stick on src} table: an entry made on either
 * shows in the other's {@code show table} within a second, and a restarted side learns every entry back from the
 * other by a full resync. The times measured are printed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
final class PeersHaproxyInteropTest {
    private static final String GET = "GET / HTTP/1.1\r\nHost: fjord\r\n\r\n";
    private static final Duration WITHIN = Duration.ofSeconds(1);

    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @TempDir
    Path dir;

    private int haproxyPeer;
    private int fjordPeer;
    private int haproxyHttp;
    private String web = "";

    @BeforeEach
    void ports() throws IOException {
        HaproxyProcess.assumeInstalled();
        haproxyPeer = HaproxyProcess.freePort();
        fjordPeer = HaproxyProcess.freePort();
        haproxyHttp = HaproxyProcess.freePort();
        web = fjord.recordingServer().address();
    }

    private String config(String localPeer, Path socket, String bind) {
        return """
                global
                    localpeer %s
                    stats socket %s mode 600 level admin
                peers mypeers
                    peer hap 127.0.0.1:%d
                    peer fjord 127.0.0.1:%d
                defaults
                    mode http
                    timeout client 10s
                    timeout server 10s
                    timeout connect 2s
                frontend fe
                    bind %s
                    stick-table type ip size 1k expire 30s store conn_cnt,gpc0,http_req_rate(10s) peers mypeers
                    http-request track-sc0 src
                    default_backend app
                backend app
                    stick-table type ip size 1k expire 30s peers mypeers
                    stick on src
                    server web1 %s
                    server web2 %s
                """.formatted(localPeer, socket, haproxyPeer, fjordPeer, bind, web, web);
    }

    private HaproxyProcess haproxy() throws IOException, InterruptedException {
        Path run = Files.createTempDirectory(dir, "haproxy");
        return HaproxyProcess.start(run, config("hap", haproxySocket(), "127.0.0.1:" + haproxyHttp), haproxyHttp);
    }

    private FjordProxy fjordProxy() {
        return fjord.start(config("fjord", dir.resolve("fjord.sock"), "127.0.0.1:0"));
    }

    private Path haproxySocket() {
        return dir.resolve("haproxy.sock");
    }

    private static void request(InetSocketAddress proxy, String client) throws IOException {
        try (RawClient raw = new RawClient(proxy, InetAddress.getByName(client))) {
            assertThat(raw.send(GET).readResponse()).startsWith("HTTP/1.1 200");
        }
    }

    private String haproxyTable(String table) {
        return command(haproxySocket(), "show table " + table);
    }

    private String fjordTable(String table) {
        return command(dir.resolve("fjord.sock"), "show table " + table);
    }

    private static String command(Path socket, String line) {
        try {
            return HaproxyStickParityTest.command(socket, line);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** The line of {@code key} in a {@code show table} answer, without its address and expiry. */
    private static String entry(String table, String key) {
        return table.lines()
                .filter(line -> line.contains(" key=" + key + " "))
                .map(line -> line.replaceAll("^0x[0-9a-f]+:", "").replaceAll(" exp=\\d+", ""))
                .findFirst()
                .orElse("no entry " + key + " in " + table);
    }

    /** Waits (at most 10 s) until HAProxy reports its session with Fjord established. */
    private void awaitSession() {
        Waits.until(
                () -> command(haproxySocket(), "show peers")
                        .lines()
                        .anyMatch(l -> l.contains("id=fjord(") && l.contains("last_status=ESTA")),
                "HAProxy's session with peer fjord established",
                Duration.ofSeconds(10));
    }

    /** Polls {@code tables} (at most 10 s) until both tables hold both entries, 127.0.0.4 and 127.0.0.5. */
    private static void untilBoth(java.util.function.Supplier<String> tables) {
        Waits.until(
                () -> {
                    String shown = tables.get();
                    return count(shown, "key=127.0.0.4 ") == 2 && count(shown, "key=127.0.0.5 ") == 2;
                },
                "both entries in both tables",
                Duration.ofSeconds(10));
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    /** Polls {@code show} until it contains {@code expected}; returns the milliseconds it took. */
    private static long millisUntil(java.util.function.Supplier<String> show, String expected, Duration limit) {
        long start = System.nanoTime();
        Waits.until(() -> show.get().contains(expected), "'" + expected + "' shown", limit);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    @Test
    void entries_madeOnEitherPeer_showOnTheOtherWithinASecond() throws Exception {
        try (HaproxyProcess haproxy = haproxy()) {
            FjordProxy proxy = fjordProxy();
            awaitSession();

            request(proxy.addresses("fe").get(0), "127.0.0.2");
            long toHaproxy = millisUntil(() -> haproxyTable("fe"), "key=127.0.0.2 use=0", WITHIN);
            assertThat(haproxyTable("fe")).contains("conn_cnt=1 http_req_rate(10000)=1");
            assertThat(haproxyTable("app")).contains("key=127.0.0.2 use=0").contains("server_id=1 server_key=web1");

            request(new InetSocketAddress("127.0.0.1", haproxyHttp), "127.0.0.3");
            long toFjord = millisUntil(() -> fjordTable("fe"), "key=127.0.0.3 use=0", WITHIN);
            assertThat(fjordTable("fe")).contains("key=127.0.0.3 use=0").contains("http_req_rate(10000)=1");
            millisUntil(() -> fjordTable("app"), "key=127.0.0.3", WITHIN);
            assertThat(entry(fjordTable("app"), "127.0.0.3"))
                    .isEqualTo(entry(haproxyTable("app"), "127.0.0.3"))
                    .contains("server_id=1 server_key=web1"); // HAProxy's first pick

            System.out.printf("peers: Fjord -> HAProxy %d ms, HAProxy -> Fjord %d ms (polled)%n", toHaproxy, toFjord);
            assertThat(haproxy.output()).doesNotContain("rror");
        }
    }

    @Test
    void restartedPeers_learnEveryEntryBackByAFullResync() throws Exception {
        FjordProxy proxy;
        try (HaproxyProcess haproxy = haproxy()) {
            proxy = fjordProxy();
            awaitSession();
            request(new InetSocketAddress("127.0.0.1", haproxyHttp), "127.0.0.4");
            millisUntil(() -> fjordTable("fe"), "key=127.0.0.4", WITHIN);
            millisUntil(() -> fjordTable("app"), "key=127.0.0.4", WITHIN); // stored after the server answered
            assertThat(haproxy.output()).doesNotContain("rror");
        }
        // HAProxy restarts: it asks Fjord, the only peer up, for everything
        request(proxy.addresses("fe").get(0), "127.0.0.5");
        long started = System.nanoTime();
        try (HaproxyProcess haproxy = haproxy()) {
            // 127.0.0.5 was made on Fjord; 127.0.0.4 Fjord learnt from the HAProxy before: it comes with the resync
            try {
                untilBoth(() -> haproxyTable("fe") + haproxyTable("app"));
            } catch (AssertionError e) {
                throw new AssertionError(
                        e.getMessage() + "\n" + haproxyTable("fe") + haproxyTable("app")
                                + command(haproxySocket(), "show peers") + "\nFjord:\n" + fjordTable("fe"),
                        e);
            }
            long learnt = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertThat(entry(haproxyTable("app"), "127.0.0.4")).contains("server_id=");

            // Fjord restarts: it asks HAProxy
            proxy.close(Duration.ofSeconds(1));
            started = System.nanoTime();
            FjordProxy restarted = fjordProxy();
            untilBoth(() -> fjordTable("fe") + fjordTable("app"));
            long relearnt = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertThat(entry(fjordTable("app"), "127.0.0.5")).isEqualTo(entry(haproxyTable("app"), "127.0.0.5"));
            assertThat(restarted.addresses("fe")).isNotEmpty();
            assertThat(haproxy.output()).doesNotContain("rror");
            System.out.printf(
                    "peers resync: restarted HAProxy %d ms, restarted Fjord %d ms after start%n", learnt, relearnt);
        }
    }
}
