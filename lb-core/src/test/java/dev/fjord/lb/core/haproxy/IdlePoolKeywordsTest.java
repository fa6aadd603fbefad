package dev.fjord.lb.core.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.BackendConfig;
import dev.fjord.lb.core.ConfigException;
import dev.fjord.lb.core.HttpReuse;
import dev.fjord.lb.core.IdlePool;
import dev.fjord.lb.core.ProxyConfig;

/** {@code pool-max-conn} and {@code pool-purge-delay}: the idle server connections kept, as HAProxy reads them. */
class IdlePoolKeywordsTest {

    private static ProxyConfig parse(String text) {
        return HaproxyImport.parse(text, "haproxy.cfg", Map.of()).builder().build();
    }

    @Test
    void aServerTakesWhatItsDefaultServerSaysAndOverridesEitherSetting() {
        BackendConfig app = parse("""
                        backend app
                            default-server pool-max-conn 32 pool-purge-delay 10s
                            server web1 127.0.0.1:9001
                            server web2 127.0.0.1:9002 pool-purge-delay 500ms
                            server web3 127.0.0.1:9003 pool-max-conn 0
                            server web4 127.0.0.1:9004 pool-max-conn -1
                        backend plain
                            server web1 127.0.0.1:9001
                        """).backends().get("app");

        assertThat(app.servers().get(0).idlePool()).isEqualTo(new IdlePool(32, Duration.ofSeconds(10)));
        assertThat(app.servers().get(1).idlePool()).isEqualTo(new IdlePool(32, Duration.ofMillis(500)));
        assertThat(app.servers().get(2).idlePool()).isEqualTo(new IdlePool(0, Duration.ofSeconds(10)));
        assertThat(app.servers().get(2).idlePool().keepsAny()).isFalse();
        assertThat(app.servers().get(3).idlePool()).isEqualTo(new IdlePool(-1, Duration.ofSeconds(10)));
    }

    @Test
    void haproxysDefaultsKeepEveryIdleConnectionAndPurgeEveryFiveSeconds() {
        ProxyConfig config = parse("""
                backend plain
                    server web1 127.0.0.1:9001
                """);

        IdlePool pool = config.backends().get("plain").servers().get(0).idlePool();
        assertThat(pool).isEqualTo(IdlePool.DEFAULT);
        assertThat(pool.maxConn()).isEqualTo(-1);
        assertThat(pool.purgeDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(pool.keepsAny()).isTrue();
    }

    @Test
    void aZeroPurgeDelayKeepsNone() {
        assertThat(IdlePool.DEFAULT.purgeDelay(Duration.ZERO).keepsAny()).isFalse();
    }

    @Test
    void badValuesNameTheServerAndTheLine() {
        assertThatThrownBy(() -> parse("""
                        backend app
                            server web1 127.0.0.1:9001 pool-max-conn -2
                        """))
                .hasMessage("haproxy.cfg:2: 'server' in backend 'app': server 'web1': pool-max-conn -2"
                        + " (expected: >= -1)");
        assertThatThrownBy(() -> ProxyConfig.builder()
                        .backend(
                                "app",
                                b -> b.server(
                                        "web1",
                                        "127.0.0.1:9001",
                                        s -> s.idlePool(p -> p.purgeDelay(Duration.ofSeconds(-1)))))
                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("backend 'app': server 'web1': pool-purge-delay PT-1S (expected: >= 0)");
    }

    @Test
    void httpReuseIsReadInDefaultsAndBackendsAndRefusedInFrontends() {
        ProxyConfig config = parse("""
                defaults
                    mode http
                    http-reuse always
                backend shared
                    server web1 127.0.0.1:9001
                backend ntlm
                    http-reuse never
                    server web1 127.0.0.1:9001
                """);

        assertThat(config.backends().get("shared").settings().httpReuse()).isEqualTo(HttpReuse.ALWAYS);
        assertThat(config.backends().get("ntlm").settings().httpReuse()).isEqualTo(HttpReuse.NEVER);
        assertThat(HttpReuse.NEVER.shared()).isFalse();
        assertThat(HttpReuse.SAFE.shared()).isTrue();
        assertThatThrownBy(() -> parse("""
                frontend main
                    bind :80
                    http-reuse safe
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessage("haproxy.cfg:3: 'http-reuse' in frontend 'main': not allowed in a frontend (allowed in: "
                        + "defaults, backend, listen)");
        assertThatThrownBy(() -> parse("backend app\n    http-reuse sometimes\n"))
                .hasMessage("haproxy.cfg:2: 'http-reuse' in backend 'app': 'sometimes' (expected: never, safe, "
                        + "aggressive or always)");
    }

    @Test
    void timeoutTarpitIsRead() {
        ProxyConfig config = parse(
                "defaults\n    mode http\n    timeout tarpit 60s\nbackend app\n" + "    server web1 127.0.0.1:9001\n");

        assertThat(config.backends().get("app").settings().timeouts().tarpit()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void initAddrIsReadOnPlainServersAndFromTheDefaultServer() {
        BackendConfig app = parse("""
                        backend app
                            default-server init-addr last,libc,none
                            server web1 web1.local:80
                            server web2 web2.local:80 init-addr 10.0.0.2
                        """).backends().get("app");

        assertThat(app.servers().get(0).initAddr()).containsExactly("last", "libc", "none");
        assertThat(app.servers().get(1).initAddr()).containsExactly("10.0.0.2");
        assertThatThrownBy(() -> parse("backend app\n    server web1 web1.local:80 init-addr dns\n"))
                .hasMessageContaining("haproxy.cfg:2")
                .hasMessageContaining("init-addr 'dns' (expected: last, libc, none or IP addresses");
    }
}
