package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.ConfigException;
import dev.fjord.lb.core.ProxyConfig;

/**
 * {@code init-addr}: a named server DNS keeps up to date starts with an address from the system resolver or the
 * config before its resolvers ever answer (here they never do: nothing listens at the nameserver's port), and a
 * server no method gives an address stops the start, or the reconfiguration, naming it. The system resolver is only
 * asked for {@code localhost} (in {@code /etc/hosts}): no DNS query leaves the machine.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InitAddrTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final RecordingHttpServer server = fjord.recordingServer();

    @Test
    void libcGivesANamedServerItsAddressAtStartAndItServesAtOnce() throws Exception {
        FjordProxy proxy = fjord.start(config("server web localhost:%d resolvers dns init-addr last,libc"));

        assertThat(proxy.router()
                        .backend("app")
                        .requireServer("web")
                        .config()
                        .address()
                        .toString())
                .isEqualTo("127.0.0.1:" + server.port());
        assertThat(get(proxy)).startsWith("HTTP/1.1 200");
    }

    @Test
    void anIpAddressIsTakenAsItIs() throws Exception {
        FjordProxy proxy = fjord.start(config("server web app.unresolved.test:%d resolvers dns init-addr 127.0.0.1"));

        assertThat(get(proxy)).startsWith("HTTP/1.1 200");
    }

    @Test
    void noneStartsTheServerWithoutAnAddress() throws Exception {
        FjordProxy proxy = fjord.start(config("server web app.unresolved.test:%d resolvers dns init-addr last,none"));

        assertThat(proxy.router().backend("app").server("web")).isNull();
        assertThat(get(proxy)).startsWith("HTTP/1.1 503");
    }

    @Test
    void aServerNoMethodGivesAnAddressStopsTheStartNamingIt() throws Exception {
        ProxyConfig config = config("server web app.unresolved.test:%d resolvers dns init-addr last");

        assertThatThrownBy(() -> fjord.start(config))
                .isInstanceOf(ConfigException.class)
                .hasMessage("backend 'app': server 'web': init-addr last: no address for 'app.unresolved.test'"
                        + " (expected: a name the system resolver knows, an IP address, or 'none' to start without"
                        + " one)");
    }

    @Test
    void aReconfigurationAddingSuchAServerIsRefusedAndChangesNothing() throws Exception {
        FjordProxy proxy = fjord.start(config("server web localhost:%d resolvers dns init-addr libc"));

        assertThatThrownBy(() -> proxy.reconfigure(config("server web localhost:%d resolvers dns init-addr libc\n"
                        + "    server other app.unresolved.test:%<d resolvers dns init-addr last")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("backend 'app': server 'other': init-addr last: no address");
        assertThat(proxy.router().backend("app").server("other")).isNull();
        assertThat(proxy.router().backend("app").server("web")).isNotNull();
        assertThat(get(proxy)).startsWith("HTTP/1.1 200");
    }

    /** The cfg with {@code serverLine} (its {@code %d} the server's port) and resolvers no server answers. */
    private ProxyConfig config(String serverLine) throws IOException {
        int silentPort;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            silentPort = probe.getLocalPort(); // closed again: queries there are refused
        }
        return ResolvedConfigs.of(silentPort, "    timeout resolve 1s", serverLine.formatted(server.port()));
    }

    private static String get(FjordProxy proxy) throws IOException {
        try (RawClient client = new RawClient(proxy.address("main"))) {
            return client.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .readResponse();
        }
    }
}
