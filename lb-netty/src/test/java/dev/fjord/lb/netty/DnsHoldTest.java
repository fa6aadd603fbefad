package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.haproxy.HaproxyImport;

/**
 * {@code hold timeout} is its own hold, as in HAProxy: while the name server does not answer, a named server found
 * before stays for {@code hold timeout}, whatever {@code hold other} says, then leaves. The name server here is a
 * UDP socket on loopback that never answers.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DnsHoldTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final RecordingHttpServer server = fjord.recordingServer();
    private final DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress());

    DnsHoldTest() throws IOException {}

    @AfterEach
    void closeSilentServer() {
        silent.close();
    }

    @Test
    void aServerLeavesAfterHoldTimeoutWhileTheNameServerIsSilent() throws Exception {
        FjordProxy proxy = fjord.start(config("hold timeout 200ms\n    hold other 1h"));

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (proxy.router().backend("app").server("web") != null && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        assertThat(proxy.router().backend("app").server("web"))
                .as("gone after hold timeout")
                .isNull();
    }

    @Test
    void holdOtherDoesNotApplyToTimeouts() throws Exception {
        FjordProxy proxy = fjord.start(config("hold timeout 1h\n    hold other 100ms"));

        TimeUnit.MILLISECONDS.sleep(1500); // several resolutions of 100 ms time out meanwhile

        assertThat(proxy.router().backend("app").server("web"))
                .as("held for hold timeout")
                .isNotNull();
    }

    private ProxyConfig config(String holds) {
        String cfg = """
                resolvers dns
                    nameserver silent 127.0.0.1:%d
                    resolve_retries 1
                    timeout retry 100ms
                    timeout resolve 100ms
                    hold valid 100ms
                    %s
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 5s
                    timeout server 5s
                frontend main
                    bind 127.0.0.1:0
                    default_backend app
                backend app
                    server web app.unresolved.test:%d resolvers dns init-addr 127.0.0.1
                """.formatted(silent.getLocalPort(), holds, server.port());
        return HaproxyImport.parse(cfg, "haproxy.cfg", Map.of()).builder().build();
    }
}
