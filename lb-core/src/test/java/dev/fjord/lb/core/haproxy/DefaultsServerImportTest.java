package dev.fjord.lb.core.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.BackendConfig;
import dev.fjord.lb.core.ConfigException;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.ServerConfig;

/**
 * {@code default-server} in a {@code defaults} section, as HAProxy reads it: the servers of every backend and listen
 * after it start from it, a backend's own {@code default-server} and each server line override it, and the next
 * {@code defaults} section replaces it.
 */
class DefaultsServerImportTest {

    private static ProxyConfig parse(String text) {
        return HaproxyImport.parse(text, "haproxy.cfg", Map.of()).builder().build();
    }

    @Test
    void serversOfLaterBackendsStartFromTheDefaultsServerLine() {
        ProxyConfig config = parse("""
                defaults
                    mode http
                    default-server inter 3s fall 3 rise 2 maxconn 50
                backend app
                    default-server rise 5
                    server web1 127.0.0.1:9001 check
                    server web2 127.0.0.1:9002 check fall 7
                listen web
                    bind 127.0.0.1:8080
                    server web3 127.0.0.1:9003 check
                defaults
                    mode http
                backend later
                    server web4 127.0.0.1:9004 check
                """);

        ServerConfig web1 = server(config.backends().get("app"), 0);
        assertThat(web1.inter()).isEqualTo(Duration.ofSeconds(3));
        assertThat(web1.fall()).isEqualTo(3);
        assertThat(web1.rise())
                .as("the backend's default-server overrides the defaults'")
                .isEqualTo(5);
        assertThat(web1.maxConn()).isEqualTo(50);
        assertThat(server(config.backends().get("app"), 1).fall())
                .as("the server line wins")
                .isEqualTo(7);

        ServerConfig web3 = server(config.backends().get("web"), 0);
        assertThat(web3.inter()).isEqualTo(Duration.ofSeconds(3));
        assertThat(web3.rise()).isEqualTo(2);

        ServerConfig web4 = server(config.backends().get("later"), 0);
        ServerConfig plain = parse("backend b\n    server s 127.0.0.1:1 check\n")
                .backends()
                .get("b")
                .servers()
                .get(0);
        assertThat(web4.inter())
                .as("a new defaults section forgets the last one's")
                .isEqualTo(plain.inter());
        assertThat(web4.maxConn()).isEqualTo(plain.maxConn());
    }

    @Test
    void aBadDefaultsServerLineIsReportedOnceWithItsLine() {
        assertThatThrownBy(() -> parse("""
                        defaults
                            mode http
                            default-server weight 300
                        backend a
                            server a1 127.0.0.1:9001
                        backend b
                            server b1 127.0.0.1:9002
                        """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("haproxy.cfg:3")
                .hasMessageContaining("weight 300")
                .satisfies(
                        e -> assertThat(e.getMessage().split("weight 300", -1)).hasSize(2));
    }

    private static ServerConfig server(BackendConfig backend, int index) {
        return backend.servers().get(index);
    }
}
