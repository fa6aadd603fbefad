package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.AdminState;
import dev.fjord.lb.core.ConfigException;

/**
 * {@code init-addr} on servers without {@code resolvers}, as Docker setups write {@code default-server init-addr
 * last,libc,none}: a name that does not resolve starts its server in MAINT ({@code none}) or at the IP address given,
 * and with no method left the start is refused, naming the server.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PlainInitAddrTest {
    private static final String GET = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final RecordingHttpServer web = fjord.recordingServer();

    private String config(String defaultServer, String serverLines) {
        return HaproxyProcess.HTTP_DEFAULTS + "frontend main\n    bind 127.0.0.1:0\n    default_backend app\n"
                + "backend app\n    default-server " + defaultServer + "\n" + serverLines;
    }

    @Test
    void noneStartsAServerWhoseNameDoesNotResolveInMaint() throws Exception {
        FjordProxy proxy = fjord.start(config(
                "init-addr last,libc,none",
                "    server gone app.unresolved.test:" + web.port() + "\n    server web " + web.address() + "\n"));

        assertThat(proxy.router().backend("app").requireServer("gone").adminState())
                .isEqualTo(AdminState.MAINT);
        for (int i = 0; i < 3; i++) {
            try (RawClient client = new RawClient(proxy.address("main"))) {
                assertThat(client.send(GET).readResponse()).startsWith("HTTP/1.1 200");
            }
        }
        assertThat(web.received()).hasSize(3);
    }

    @Test
    void anIpAddressMethodMovesTheServerThere() throws Exception {
        FjordProxy proxy = fjord.start(
                config("init-addr last,libc,127.0.0.1", "    server web app.unresolved.test:" + web.port() + "\n"));

        try (RawClient client = new RawClient(proxy.address("main"))) {
            assertThat(client.send(GET).readResponse()).startsWith("HTTP/1.1 200");
        }
        assertThat(proxy.router()
                        .backend("app")
                        .requireServer("web")
                        .config()
                        .address()
                        .host())
                .isEqualTo("127.0.0.1");
    }

    @Test
    void withNoMethodLeftTheStartIsRefusedNamingTheServer() {
        assertThatThrownBy(() -> fjord.start(config("init-addr libc", "    server web app.unresolved.test:80\n")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "backend 'app': server 'web': init-addr libc: no address for " + "'app.unresolved.test'");
    }
}
