package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code option smtpchk}, {@code ssl-hello-chk}, {@code mysql-check} and {@code pgsql-check} against servers that
 * answer as the real ones start a session, and side by side with HAProxy 2.6 on the same servers: the same servers
 * UP and DOWN in both stats pages.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProtocolChecksParityTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @TempDir
    Path dir;

    @Test
    void protocolChecksMarkTheSameServersUpAndDownAsHaproxy() throws Exception {
        try (ProtocolServer smtpGood = new ProtocolServer(ProtocolServer.smtp("220 mail.test ESMTP"));
                ProtocolServer smtpBad = new ProtocolServer(ProtocolServer.smtp("554 no service here"));
                ProtocolServer mysqlGood = new ProtocolServer(ProtocolServer.mysql(true, true));
                ProtocolServer mysqlDenied = new ProtocolServer(ProtocolServer.mysql(false, true));
                ProtocolServer mysqlBadLogin = new ProtocolServer(ProtocolServer.mysql(true, false));
                ProtocolServer pgsqlGood = new ProtocolServer(ProtocolServer.pgsql(true));
                ProtocolServer pgsqlBad = new ProtocolServer(ProtocolServer.pgsql(false));
                ProtocolServer tlsGood = new ProtocolServer(ProtocolServer.tls(true));
                ProtocolServer tlsBad = new ProtocolServer(ProtocolServer.tls(false))) {
            String servers = """
                    backend smtp
                        option smtpchk HELO lb.test
                        server good 127.0.0.1:%d check inter 200ms rise 1 fall 1
                        server bad 127.0.0.1:%d check inter 200ms rise 1 fall 1
                    backend mysql
                        option mysql-check user haproxy
                        server good 127.0.0.1:%d check inter 200ms rise 1 fall 1
                        server denied 127.0.0.1:%d check inter 200ms rise 1 fall 1
                        server badlogin 127.0.0.1:%d check inter 200ms rise 1 fall 1
                    backend mysqlgreeting
                        option mysql-check
                        server good 127.0.0.1:%d check inter 200ms rise 1 fall 1
                        server denied 127.0.0.1:%d check inter 200ms rise 1 fall 1
                    backend pgsql
                        option pgsql-check user haproxy
                        server good 127.0.0.1:%d check inter 200ms rise 1 fall 1
                        server bad 127.0.0.1:%d check inter 200ms rise 1 fall 1
                    backend tls
                        option ssl-hello-chk
                        server good 127.0.0.1:%d check inter 200ms rise 1 fall 1
                        server bad 127.0.0.1:%d check inter 200ms rise 1 fall 1
                    """.formatted(
                            smtpGood.port(),
                            smtpBad.port(),
                            mysqlGood.port(),
                            mysqlDenied.port(),
                            mysqlBadLogin.port(),
                            mysqlGood.port(),
                            mysqlDenied.port(),
                            pgsqlGood.port(),
                            pgsqlBad.port(),
                            tlsGood.port(),
                            tlsBad.port());
            Map<String, String> expected = new TreeMap<>(Map.of(
                    "smtp/good",
                    "UP",
                    "smtp/bad",
                    "DOWN",
                    "mysql/good",
                    "UP",
                    "mysql/denied",
                    "DOWN",
                    "mysql/badlogin",
                    "DOWN",
                    "mysqlgreeting/good",
                    "UP",
                    "mysqlgreeting/denied",
                    "DOWN",
                    "pgsql/good",
                    "UP",
                    "pgsql/bad",
                    "DOWN",
                    "tls/good",
                    "UP"));
            expected.put("tls/bad", "DOWN");

            FjordProxy proxy = fjord.start(config("127.0.0.1:0") + servers);
            assertThat(settledStates(proxy.address("stats"), expected)).isEqualTo(expected);

            HaproxyProcess.assumeInstalled();
            int port = HaproxyProcess.freePort();
            try (HaproxyProcess haproxy = HaproxyProcess.start(dir, config("127.0.0.1:" + port) + servers, port)) {
                assertThat(settledStates(new InetSocketAddress("127.0.0.1", port), expected))
                        .as("HAProxy's states (its output: %s)", haproxy.output())
                        .isEqualTo(expected);
            }
        }
    }

    private static String config(String stats) {
        return """
                defaults
                    mode tcp
                    timeout connect 1s
                    timeout check 1s
                    timeout client 5s
                    timeout server 5s
                listen stats
                    mode http
                    bind %s
                    stats enable
                    stats uri /stats
                """.formatted(stats);
    }

    /** The servers' states on the stats page once they are {@code expected}, or as they are after 10 s. */
    private static Map<String, String> settledStates(InetSocketAddress stats, Map<String, String> expected)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Map<String, String> states = states(stats);
        while (!states.equals(expected) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
            states = states(stats);
        }
        return states;
    }

    private static Map<String, String> states(InetSocketAddress stats) throws IOException, InterruptedException {
        HttpResponse<String> csv = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stats.getPort() + "/stats;csv"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, String> states = new TreeMap<>();
        for (String row : csv.body().split("\n")) {
            String[] fields = row.split(",", -1);
            if (fields.length > 17
                    && !row.startsWith("#")
                    && !fields[1].equals("FRONTEND")
                    && !fields[1].equals("BACKEND")
                    && !fields[0].equals("stats")) {
                states.put(fields[0] + "/" + fields[1], fields[17].startsWith("UP") ? "UP" : fields[17]);
            }
        }
        return states;
    }
}
