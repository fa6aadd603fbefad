package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stick tables through a real proxy: rate limiting by client address with {@code http-request track-sc0} and a 429,
 * {@code tcp-request connection} rejecting before anything is read, and the counters the transport feeds, read on
 * the stats socket with {@code show table}. Clients come from 127.0.0.1 and 127.0.0.2 (loopback is a /8 on Linux).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StickTableProxyTest {
    private static final String GET = "GET / HTTP/1.1\r\nHost: fjord\r\n\r\n";
    private static final Pattern IN_USE = Pattern.compile(" use=[1-9]");

    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @TempDir
    Path dir;

    private static InetAddress loopback(int last) throws IOException {
        return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
    }

    /**
     * {@code show table NAME} once no entry is in use: a client's close reaches the proxy a moment after the client
     * returns, so the entries it tracked are released a moment later too (polled every 10 ms, at most 5 s).
     */
    private static String tableOnceIdle(Path socket, String name) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String table = command(socket, "show table " + name);
        while (IN_USE.matcher(table).find() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            table = command(socket, "show table " + name);
        }
        return table;
    }

    private static String command(Path socket, String line) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (channel.read(buffer) >= 0) {
                out.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    private static String status(String response) {
        return response.length() >= 12 && response.startsWith("HTTP/1.1 ") ? response.substring(9, 12) : response;
    }

    @Test
    void aClientOverItsRequestRateGets429WhileAnotherIsServed() throws IOException {
        RecordingHttpServer web = fjord.recordingServer();
        Path socket = dir.resolve("fjord.sock");
        FjordProxy proxy = fjord.start("""
                global
                    stats socket %s
                defaults
                    mode http
                    timeout client 10s
                    timeout server 10s
                    timeout connect 2s
                frontend fe
                    bind 127.0.0.1:0
                    stick-table type ip size 100k expire 30s store http_req_rate(10s),http_req_cnt,http_err_cnt
                    http-request track-sc0 src
                    http-request deny deny_status 429 if { sc_http_req_rate(0) gt 5 }
                    default_backend be
                backend be
                    server web1 %s
                """.formatted(socket, web.address()));
        InetSocketAddress address = proxy.addresses("fe").get(0);

        List<String> first = new ArrayList<>();
        try (RawClient alice = new RawClient(address, loopback(1))) { // one keep-alive connection
            for (int i = 0; i < 8; i++) {
                first.add(status(alice.send(GET).readResponse()));
            }
        }
        String other;
        try (RawClient bob = new RawClient(address, loopback(2))) {
            other = status(bob.send(GET).readResponse());
        }

        assertThat(first).containsExactly("200", "200", "200", "200", "200", "429", "429", "429");
        assertThat(other).isEqualTo("200");
        assertThat(web.received()).hasSize(6); // the denied requests never reached the server
        assertThat(tableOnceIdle(socket, "fe"))
                .startsWith("# table: fe, type: ip, size:102400, used:2\n")
                .containsPattern("0x[0-9a-f]+: key=127\\.0\\.0\\.1 use=0 exp=\\d+ http_req_cnt=8 "
                        + "http_req_rate\\(10000\\)=8 http_err_cnt=3\n")
                .containsPattern("0x[0-9a-f]+: key=127\\.0\\.0\\.2 use=0 exp=\\d+ http_req_cnt=1 "
                        + "http_req_rate\\(10000\\)=1 http_err_cnt=0\n")
                .endsWith("\n\n");

        assertThat(command(socket, "clear table fe key 127.0.0.1")).isEqualTo("\n");
        try (RawClient alice = new RawClient(address, loopback(1))) {
            assertThat(status(alice.send(GET).readResponse())).isEqualTo("200"); // unblocked by the operator
        }
    }

    @Test
    void tcpRequestConnectionRejectsBeforeReadingAndCountsConnections() throws IOException {
        RecordingHttpServer web = fjord.recordingServer();
        Path socket = dir.resolve("fjord.sock");
        FjordProxy proxy = fjord.start("""
                global
                    stats socket %s
                defaults
                    mode http
                    timeout client 10s
                    timeout server 10s
                    timeout connect 2s
                frontend fe
                    bind 127.0.0.1:0
                    stick-table type ip size 1k expire 1m store conn_cur,conn_cnt,conn_rate(10s),sess_cnt,http_req_cnt
                    tcp-request connection reject if { src 127.0.0.3 }
                    tcp-request connection track-sc1 src
                    tcp-request connection reject if { sc1_conn_rate gt 2 }
                    default_backend be
                backend be
                    server web1 %s
                """.formatted(socket, web.address()));
        InetSocketAddress address = proxy.addresses("fe").get(0);

        try (RawClient banned = new RawClient(address, loopback(3))) {
            assertThat(banned.send(GET).readUntilClose()).isIn("", "<Connection reset>");
        }
        for (int i = 0; i < 2; i++) {
            try (RawClient client = new RawClient(address, loopback(1))) {
                assertThat(status(client.send(GET).send(GET).readUntil("\r\n\r\nok", 2)))
                        .isEqualTo("200");
            }
        }
        try (RawClient third = new RawClient(address, loopback(1))) {
            assertThat(third.send(GET).readUntilClose()).isIn("", "<Connection reset>");
        }

        assertThat(web.received()).hasSize(4); // two requests on each accepted connection; none from the others
        assertThat(tableOnceIdle(socket, "fe"))
                .startsWith("# table: fe, type: ip, size:1024, used:1\n") // 127.0.0.3 was rejected before tracking
                .containsPattern("key=127\\.0\\.0\\.1 use=0 exp=\\d+ conn_cnt=3 conn_rate\\(10000\\)=3 conn_cur=0 "
                        + "sess_cnt=2 http_req_cnt=4\n");
    }

    @Test
    void bytesAreCountedAsTheyGoInTcpMode() throws Exception {
        try (EchoServer echo = new EchoServer("echo")) {
            Path socket = dir.resolve("fjord.sock");
            FjordProxy proxy = fjord.start("""
                    global
                        stats socket %s
                    defaults
                        mode tcp
                        timeout client 10s
                        timeout server 10s
                        timeout connect 2s
                    frontend fe
                        bind 127.0.0.1:0
                        stick-table type ip size 1k store bytes_in_cnt,bytes_out_cnt,conn_cur
                        tcp-request connection track-sc0 src
                        default_backend be
                    backend be
                        server echo 127.0.0.1:%d
                    """.formatted(socket, echo.port()));
            InetSocketAddress address = proxy.addresses("fe").get(0);
            String payload = "x".repeat(1000) + "\n";
            try (RawClient client = new RawClient(address, loopback(1))) {
                assertThat(client.send(payload).readUntil("\n", 2)).isEqualTo("echo\n" + payload);
                assertThat(command(socket, "show table fe")).contains(" use=1 ").contains(" conn_cur=1 ");
            }
            assertThat(tableOnceIdle(socket, "fe"))
                    .containsPattern(
                            "key=127\\.0\\.0\\.1 use=0 exp=0 conn_cur=0 bytes_in_cnt=1001 " + "bytes_out_cnt=1006\n");
        }
    }

    @Test
    void behindAProxyConnectionRulesSeeThePeerAndRequestRulesTheClient() throws IOException {
        RecordingHttpServer web = fjord.recordingServer();
        Path socket = dir.resolve("fjord.sock");
        FjordProxy proxy = fjord.start("""
                global
                    stats socket %s
                defaults
                    mode http
                    timeout client 10s
                    timeout server 10s
                    timeout connect 2s
                frontend fe
                    bind 127.0.0.1:0 accept-proxy
                    stick-table type ip size 1k store conn_cnt,http_req_cnt
                    tcp-request connection track-sc1 src
                    http-request track-sc0 src
                    default_backend be
                backend be
                    server web1 %s
                """.formatted(socket, web.address()));
        try (RawClient balancer = new RawClient(proxy.addresses("fe").get(0), loopback(1))) {
            balancer.send("PROXY TCP4 203.0.113.9 127.0.0.1 5000 80\r\n" + GET);
            assertThat(status(balancer.readResponse())).isEqualTo("200");
        }
        assertThat(command(socket, "show table fe"))
                .containsPattern("key=127\\.0\\.0\\.1 use=\\d exp=0 conn_cnt=1 http_req_cnt=1\n") // the peer
                .containsPattern("key=203\\.0\\.113\\.9 use=0 exp=0 conn_cnt=1 http_req_cnt=1\n"); // the client
    }
}
