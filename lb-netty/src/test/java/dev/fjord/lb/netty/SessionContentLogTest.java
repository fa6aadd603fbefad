package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.haproxy.HaproxyImport;

/**
 * Through a real proxy on loopback: {@code tcp-request session} rules behind {@code accept-proxy} (they see the
 * header's client), {@code tcp-request content track-sc} in mode tcp, and {@code log-format} sample expressions
 * and variables as the transport records them.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SessionContentLogTest {
    private static final String GET = "GET /a?b=1 HTTP/1.1\r\nHost: Shop.Example\r\n\r\n";

    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final List<String> lines = new CopyOnWriteArrayList<>();

    private FjordProxy start(String cfg) {
        return fjord.start(
                HaproxyImport.parse(cfg, "haproxy.cfg", java.util.Map.of())
                        .builder()
                        .build(),
                b -> b.accessLog((entry, line) -> lines.add(line)));
    }

    private static InetAddress loopback(int last) throws IOException {
        return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
    }

    /** The {@code count}th log line, once written (as exchanges end, on the proxy's thread); at most 5 s. */
    private String line(int count) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (lines.size() < count && System.nanoTime() < end) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        assertThat(lines).hasSizeGreaterThanOrEqualTo(count);
        return lines.get(count - 1);
    }

    @Test
    void sessionRulesJudgeTheClientThePROXYHeaderNames() throws IOException {
        RecordingHttpServer web = fjord.recordingServer();
        FjordProxy proxy = start("""
                defaults
                    mode http
                    timeout client 10s
                    timeout server 10s
                    timeout connect 2s
                frontend fe
                    bind 127.0.0.1:0 accept-proxy
                    tcp-request session reject if { src 203.0.113.0/24 }
                    default_backend be
                backend be
                    server web1 %s
                """.formatted(web.address()));
        InetSocketAddress address = proxy.addresses("fe").get(0);

        String blocked;
        try (RawClient balancer = new RawClient(address, loopback(1))) {
            blocked = balancer.send("PROXY TCP4 203.0.113.9 127.0.0.1 5000 80\r\n" + GET)
                    .readUntilClose();
        }
        String served;
        try (RawClient balancer = new RawClient(address, loopback(1))) {
            served = balancer.send("PROXY TCP4 198.51.100.7 127.0.0.1 5000 80\r\n" + GET)
                    .readResponse();
        }

        assertThat(blocked).isEmpty();
        assertThat(served).startsWith("HTTP/1.1 200");
        assertThat(web.received()).hasSize(1);
    }

    @Test
    void contentRulesLimitConcurrentConnectionsPerClientInTcpMode() throws IOException {
        try (EchoServer echo = new EchoServer("echo")) {
            FjordProxy proxy = start("""
                    defaults
                        mode tcp
                        timeout client 10s
                        timeout server 10s
                        timeout connect 2s
                    frontend fe
                        bind 127.0.0.1:0
                        stick-table type ip size 1k store conn_cur
                        tcp-request inspect-delay 2s
                        tcp-request content track-sc0 src
                        tcp-request content reject if { sc0_conn_cur gt 1 }
                        tcp-request content accept
                        default_backend be
                    backend be
                        server echo 127.0.0.1:%d
                    """.formatted(echo.port()));
            InetSocketAddress address = proxy.addresses("fe").get(0);
            try (RawClient first = new RawClient(address, loopback(1))) {
                assertThat(first.send("hi\n").readUntil("\n", 2)).isEqualTo("echo\nhi\n");
                try (RawClient second = new RawClient(address, loopback(1));
                        RawClient other = new RawClient(address, loopback(2))) {
                    // its second at once: closed unanswered (reset, since its bytes were not read)
                    assertThat(second.send("hi\n").readUntilClose()).doesNotContain("echo");
                    assertThat(other.send("hi\n").readUntil("\n", 2)).isEqualTo("echo\nhi\n");
                }
            }
        }
    }

    @Test
    void logFormatSamplesReadTheRequestTheResponseAndTheTrackedCounters() throws IOException {
        RecordingHttpServer web = fjord.recordingServer();
        web.respond(request -> ("HTTP/1.1 201 Created\r\nX-Id: 42\r\nContent-Length: 2\r\n\r\nok")
                .getBytes(StandardCharsets.US_ASCII));
        FjordProxy proxy = start("""
                defaults
                    mode http
                    timeout client 10s
                    timeout server 10s
                    timeout connect 2s
                frontend fe
                    bind 127.0.0.1:0
                    stick-table type ip size 1k store http_req_rate(10s)
                    http-request track-sc0 src
                    log global
                    http-request set-header X-Real-IP %%[src]
                    log-format "%s"
                    default_backend be
                backend be
                    server web1 %s
                """.formatted(
                        "%[src] %[req.hdr(host),lower] %[path] %[method] %[status] %[res.hdr(x-id)] "
                                + "%[sc_http_req_rate(0)] %fi %si %sp %U %rt %Ti",
                        web.address()));
        InetSocketAddress address = proxy.addresses("fe").get(0);
        String serverPort = web.address().substring(web.address().lastIndexOf(':') + 1);

        try (RawClient client = new RawClient(address, loopback(1))) {
            assertThat(client.send(GET).readResponse()).startsWith("HTTP/1.1 201");
            assertThat(client.send(GET).readResponse()).startsWith("HTTP/1.1 201");
        }

        assertThat(line(1))
                .matches("127\\.0\\.0\\.1 shop\\.example /a GET 201 42 1 127\\.0\\.0\\.1 127\\.0\\.0\\.1 " + serverPort
                        + " 43 \\d+ \\d+");
        assertThat(line(2)).contains(" 201 42 2 ");
        assertThat(web.received().get(0).request().header("X-Real-IP")).isEqualTo("127.0.0.1");
    }
}
