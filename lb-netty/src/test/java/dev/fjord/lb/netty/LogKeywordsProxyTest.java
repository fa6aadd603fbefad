package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;

/**
 * The logging keywords on a running proxy, each line read from a UDP syslog server on loopback: {@code log ...
 * format}, {@code log-format}, {@code set-log-level}, {@code option dontlog-normal}, {@code log-separate-errors},
 * and server events on the backend's targets with {@code option log-health-checks}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LogKeywordsProxyTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @Test
    void formatLogFormatAndSetLogLevelShapeEachLine() throws IOException {
        MockWebServer web = fjord.mockServer();
        for (int i = 0; i < 3; i++) {
            web.enqueue(new MockResponse.Builder().body("hello").build());
        }
        try (DatagramSocket syslog = syslogServer(5000)) {
            FjordProxy proxy = fjord.start("""
                    global
                        log 127.0.0.1:%d format rfc5424 local0
                    defaults
                        mode http
                        log global
                    frontend main
                        bind 127.0.0.1:0
                        log-format "%%ci %%ft %%b/%%s %%ST %%{+Q}r"
                        http-request set-log-level silent if { path /health }
                        http-request set-log-level notice if { path /notice }
                        default_backend app
                    backend app
                        server web1 %s
                    """.formatted(syslog.getLocalPort(), ProxyExtension.address(web)));

            get(proxy, "/health");
            get(proxy, "/notice");
            get(proxy, "/other");

            // /health sent nothing: the first line is /notice's, at notice (local0: 16 * 8 + 5)
            assertThat(receive(syslog))
                    .matches("<133>1 \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}[+-]\\d\\d:\\d\\d"
                            + " - fjord \\d+ - - "
                            + "127\\.0\\.0\\.1 main app/web1 200 \"GET /notice HTTP/1\\.1\"");
            assertThat(receive(syslog)).startsWith("<134>1 ").endsWith(" main app/web1 200 \"GET /other HTTP/1.1\"");
        }
    }

    @Test
    void dontlogNormalLogsOnlyFailuresAndSeparateErrorsSendsThemAtErr() throws IOException {
        MockWebServer web = fjord.mockServer();
        web.enqueue(new MockResponse.Builder().body("hello").build());
        web.enqueue(new MockResponse.Builder().code(500).body("oops").build());
        try (DatagramSocket syslog = syslogServer(5000)) {
            FjordProxy proxy = fjord.start("""
                    defaults
                        mode http
                    frontend main
                        bind 127.0.0.1:0
                        log 127.0.0.1:%d format short local0
                        option httplog
                        option dontlog-normal
                        option log-separate-errors
                        default_backend app
                    backend app
                        server web1 %s
                    """.formatted(syslog.getLocalPort(), ProxyExtension.address(web)));

            get(proxy, "/fine");
            get(proxy, "/broken");

            assertThat(receive(syslog))
                    .startsWith("<3>127.0.0.1:")
                    .contains(" 500 ")
                    .endsWith("\"GET /broken HTTP/1.1\"");
            syslog.setSoTimeout(300);
            assertThatThrownBy(() -> receive(syslog)).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void serverEventsAndChangedCheckResultsGoToTheBackendsTargets() throws IOException {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort(); // closed below: nothing listens there, the checks fail
        }
        try (DatagramSocket syslog = syslogServer(5000)) {
            fjord.start("""
                    defaults
                        mode http
                    frontend main
                        bind 127.0.0.1:0
                        default_backend app
                    backend app
                        log 127.0.0.1:%d format raw local0
                        option log-health-checks
                        server web1 127.0.0.1:%d check inter 100ms fall 2 rise 1
                    """.formatted(syslog.getLocalPort(), port));

            // each check that moves the health counter, in HAProxy's words, then the state change
            assertThat(receive(syslog))
                    .startsWith("Health check for server app/web1 failed, reason: Layer4 connection problem")
                    .endsWith(", status: 1/2 UP.");
            assertThat(receive(syslog))
                    .startsWith("Health check for server app/web1 failed, reason: Layer4 connection problem")
                    .endsWith(", status: 0/1 DOWN.");
            assertThat(receive(syslog)).startsWith("Server app/web1 is DOWN, reason: Layer4 connection problem");
            assertThat(receive(syslog)).isEqualTo("backend app has no server available!");
            // the next failed checks leave the counter at 0: not logged
            syslog.setSoTimeout(400);
            assertThatThrownBy(() -> receive(syslog)).isInstanceOf(SocketTimeoutException.class);
        }
    }

    private static void get(FjordProxy proxy, String path) throws IOException {
        try (RawClient client = new RawClient(proxy.address("main"))) {
            client.send("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(client.readUntilClose()).startsWith("HTTP/1.1 ");
        }
    }

    private static DatagramSocket syslogServer(int timeoutMillis) throws IOException {
        DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        socket.setSoTimeout(timeoutMillis);
        return socket;
    }

    private static String receive(DatagramSocket socket) throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[4096], 4096);
        socket.receive(packet);
        return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
    }
}
