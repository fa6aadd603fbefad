package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.fjord.lb.core.LogFormat;
import dev.fjord.lb.core.LogTarget;
import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.ProxyConfig;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;

/** The reference file's {@code log 127.0.0.1 local2}: access lines reach a syslog server over UDP. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SyslogAccessLogTest {
    private static ProxyConfig.Builder config(int webPort, LogTarget... targets) {
        return ProxyConfig.builder()
                .global(g -> {
                    for (LogTarget target : targets) {
                        g.log(target);
                    }
                })
                .defaults(d -> d.mode(Mode.HTTP).logGlobal(true).logFormat(LogFormat.HTTP))
                .frontend("main", f -> f.bind("127.0.0.1:0").defaultBackend("app"))
                .backend("app", b -> b.server("web1", "127.0.0.1:" + webPort));
    }

    @Test
    void accessLinesGoToTheGlobalSyslogTargetsAtInfo() throws IOException {
        try (MockWebServer web = web(1);
                DatagramSocket syslog = syslogServer(5000);
                DatagramSocket noticeOnly = syslogServer(300)) {
            FjordProxy proxy = FjordProxy.start(config(
                            web.getPort(),
                            LogTarget.of("127.0.0.1:" + syslog.getLocalPort(), "local2"),
                            new LogTarget("udp@127.0.0.1:" + noticeOnly.getLocalPort(), "local0", "notice"))
                    .build());

            try {
                try (RawClient client = new RawClient(proxy.address("main"))) {
                    client.send("GET /cart HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                    assertThat(client.readUntilClose()).contains("hello");
                }

                DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
                syslog.receive(packet);
                String message = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
                assertThat(message)
                        .matches("<150>[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d fjord\\[\\d+\\]: "
                                + "127\\.0\\.0\\.1:\\d+ \\[.*\\] main app/web1 .* 200 .* \"GET /cart HTTP/1\\.1\"");
                // the level of the second target is notice: an info line is not for it
                assertThatThrownBy(() -> noticeOnly.receive(new DatagramPacket(new byte[2048], 2048)))
                        .isInstanceOf(SocketTimeoutException.class);
            } finally {
                proxy.close(Duration.ofSeconds(1));
            }
        }
    }

    @Test
    void aFrontendsOwnTargetsFollowTheGlobalOnesAndAFrontendWithoutLogSendsNothing() throws IOException {
        try (MockWebServer web = web(2);
                DatagramSocket global = syslogServer(5000);
                DatagramSocket own = syslogServer(5000)) {
            FjordProxy proxy = FjordProxy.start(config(
                            web.getPort(), LogTarget.of("127.0.0.1:" + global.getLocalPort(), "local2"))
                    .editFrontend("main", f -> f.log(LogTarget.of("127.0.0.1:" + own.getLocalPort(), "local3")))
                    .frontend(
                            "quiet",
                            f -> f.bind("127.0.0.1:0").defaultBackend("app").logGlobal(false))
                    .build());
            try {
                for (String frontend : java.util.List.of("quiet", "main")) {
                    try (RawClient client = new RawClient(proxy.address(frontend))) {
                        client.send("GET /" + frontend + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                        assertThat(client.readUntilClose()).contains("hello");
                    }
                }
                // the first datagram on each socket is main's: quiet sent none
                assertThat(receive(global)).startsWith("<150>").contains("\"GET /main HTTP/1.1\"");
                assertThat(receive(own)).startsWith("<158>").contains("\"GET /main HTTP/1.1\"");
            } finally {
                proxy.close(Duration.ofSeconds(1));
            }
        }
    }

    /** A web server on loopback with {@code responses} "hello" answers queued. */
    private static MockWebServer web(int responses) throws IOException {
        MockWebServer web = new MockWebServer();
        web.start(InetAddress.getLoopbackAddress(), 0);
        for (int i = 0; i < responses; i++) {
            web.enqueue(new MockResponse.Builder().body("hello").build());
        }
        return web;
    }

    /** A UDP socket on loopback standing for a syslog server. */
    private static DatagramSocket syslogServer(int timeoutMillis) throws IOException {
        DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        socket.setSoTimeout(timeoutMillis);
        return socket;
    }

    private static String receive(DatagramSocket socket) throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
        socket.receive(packet);
        return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
    }

    @Test
    void aTargetWhoseHostDoesNotResolveStopsTheStart() {
        assertThatThrownBy(() -> FjordProxy.start(
                        config(1, LogTarget.of("logs.invalid", "local2")).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("log: address 'logs.invalid': unknown host");
    }
}
