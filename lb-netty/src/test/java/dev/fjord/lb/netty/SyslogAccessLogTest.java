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
        try (MockWebServer web = new MockWebServer();
                DatagramSocket syslog = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                DatagramSocket noticeOnly = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            web.start(InetAddress.getLoopbackAddress(), 0);
            web.enqueue(new MockResponse.Builder().body("hello").build());
            syslog.setSoTimeout(5000);
            noticeOnly.setSoTimeout(300);
            FjordProxy proxy = FjordProxy.start(config(web.getPort(),
                    LogTarget.of("127.0.0.1:" + syslog.getLocalPort(), "local2"),
                    new LogTarget("udp@127.0.0.1:" + noticeOnly.getLocalPort(), "local0", "notice")).build());

            try {
                try (RawClient client = new RawClient(proxy.address("main"))) {
                    client.send("GET /cart HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                    assertThat(client.readUntilClose()).contains("hello");
                }

                DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
                syslog.receive(packet);
                String message = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
                assertThat(message).matches("<150>[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d fjord\\[\\d+\\]: "
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
    void aTargetWhoseHostDoesNotResolveStopsTheStart() {
        assertThatThrownBy(() -> FjordProxy.start(config(1, LogTarget.of("logs.invalid", "local2")).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("log: address 'logs.invalid': unknown host");
    }
}
