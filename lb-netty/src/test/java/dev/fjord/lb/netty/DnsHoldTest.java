package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.ProxyConfig;

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
        return ResolvedConfigs.of(
                silent.getLocalPort(),
                "    resolve_retries 1\n    timeout retry 100ms\n    timeout resolve 100ms\n    hold valid 100ms\n    "
                        + holds,
                "server web app.unresolved.test:" + server.port() + " resolvers dns init-addr 127.0.0.1");
    }
}
