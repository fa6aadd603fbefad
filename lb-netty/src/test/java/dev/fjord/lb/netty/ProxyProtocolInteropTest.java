package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.fjord.lb.core.OperationalState;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * The PROXY protocol between Fjord and a real HAProxy 2.6, both ways: HAProxy in front sending v2 to Fjord's
 * {@code accept-proxy} bind, and Fjord sending v1 (requests and health checks) to HAProxy's. The client connects
 * from 127.0.0.5, so that its address differs from the proxies' (127.0.0.1) all the way to the server.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyProtocolInteropTest {
    private static final String CLIENT = "127.0.0.5";
    /** The defaults section of every configuration here, HAProxy's and Fjord's alike. */
    private static final String DEFAULTS = """
            defaults
                mode http
                timeout connect 2s
                timeout client 5s
                timeout server 5s
            """;

    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @TempDir
    Path dir;

    private MockWebServer web;

    @BeforeEach
    void server() {
        HaproxyProcess.assumeInstalled();
        web = fjord.mockServer();
        web.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return new MockResponse.Builder().body("web").build();
            }
        });
    }

    @Test
    void haproxyInFrontSendsV2AndFjordForwardsTheClientsAddress() throws Exception {
        FjordProxy proxy = fjord.start(DEFAULTS + """
                frontend main
                    bind 127.0.0.1:0 accept-proxy
                    option forwardfor
                    default_backend app
                backend app
                    server web1 %s
                """.formatted(ProxyExtension.address(web)));
        int front = HaproxyProcess.freePort();
        try (HaproxyProcess haproxy = HaproxyProcess.start(
                dir, DEFAULTS + """
                frontend front
                    bind 127.0.0.1:%d
                    default_backend fjord
                backend fjord
                    server fjord 127.0.0.1:%d send-proxy-v2
                """.formatted(front, proxy.address("main").getPort()), front)) {

            assertThat(getFrom(CLIENT, front))
                    .as("HAProxy: %s", haproxy.output())
                    .endsWith("web");
            RecordedRequest request = web.takeRequest(5, TimeUnit.SECONDS);
            assertThat(request).isNotNull();
            assertThat(request.getHeaders().get("X-Forwarded-For")).isEqualTo(CLIENT);
        }
    }

    @Test
    void fjordInFrontSendsV1ToHaproxyWithItsHealthChecksToo() throws Exception {
        int behind = HaproxyProcess.freePort();
        try (HaproxyProcess haproxy =
                HaproxyProcess.start(dir, DEFAULTS + """
                frontend behind
                    bind 127.0.0.1:%d accept-proxy
                    option forwardfor
                    default_backend web
                backend web
                    server web1 %s
                """.formatted(behind, ProxyExtension.address(web)), behind)) {
            FjordProxy proxy = fjord.start(DEFAULTS + """
                    frontend main
                        bind 127.0.0.1:0
                        default_backend app
                    backend app
                        option httpchk GET /health
                        server haproxy 127.0.0.1:%d send-proxy check inter 100ms rise 1 fall 1
                    """.formatted(behind));

            assertThat(getFrom(CLIENT, proxy.address("main").getPort()))
                    .as("HAProxy: %s", haproxy.output())
                    .endsWith("web");
            // checks through HAProxy's accept-proxy bind pass: each starts with a PROXY header of its own
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            var server = proxy.router().backend("app").requireServer("haproxy");
            while (proxy.healthChecks().lastCheck(server) == null && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertThat(proxy.healthChecks().lastCheck(server)).isNotNull();
            assertThat(proxy.healthChecks().lastCheck(server).status().name()).isEqualTo("L7OK");
            assertThat(server.operationalState()).isEqualTo(OperationalState.UP);
            String forwardedFor = null;
            for (int i = 0; i < 20 && forwardedFor == null; i++) {
                RecordedRequest request = web.takeRequest(5, TimeUnit.SECONDS);
                assertThat(request).isNotNull();
                if (request.getUrl().encodedPath().equals("/")) {
                    forwardedFor = request.getHeaders().get("X-Forwarded-For");
                }
            }
            assertThat(forwardedFor).isEqualTo(CLIENT);
        }
    }

    /** {@code GET /} from a socket bound to {@code source}; the whole response. */
    private static String getFrom(String source, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            socket.setSoTimeout(5000);
            socket.getOutputStream()
                    .write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
