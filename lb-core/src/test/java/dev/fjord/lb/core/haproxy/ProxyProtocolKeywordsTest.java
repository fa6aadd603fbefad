package dev.fjord.lb.core.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.Address;
import dev.fjord.lb.core.ConfigException;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.ProxyProtocol;
import dev.fjord.lb.core.ServerConfig;

/** {@code bind ... accept-proxy}, {@code send-proxy}, {@code send-proxy-v2}, {@code check-send-proxy}, imported. */
class ProxyProtocolKeywordsTest {

    private static ProxyConfig parse(String text) {
        return HaproxyImport.parse(text, "haproxy.cfg", Map.of()).builder().build();
    }

    @Test
    void acceptProxyIsABindOptionAndSendProxyAServerOne() {
        ProxyConfig config = parse("""
                defaults
                    mode http
                frontend main
                    bind 127.0.0.1:8080 accept-proxy
                    bind 127.0.0.1:8081
                    default_backend app
                backend app
                    server plain 127.0.0.1:9000 check
                    server v1 127.0.0.1:9001 send-proxy check
                    server v2 127.0.0.1:9002 send-proxy-v2 check port 9100
                    server checks 127.0.0.1:9003 check-send-proxy check
                """);

        var main = config.frontends().get("main");
        assertThat(main.bindOptions(Address.parse("127.0.0.1:8080")).acceptProxy())
                .isTrue();
        assertThat(main.bindOptions(Address.parse("127.0.0.1:8081")).acceptProxy())
                .isFalse();
        var servers = config.backends().get("app").servers();
        assertThat(servers)
                .extracting(ServerConfig::sendProxy)
                .containsExactly(ProxyProtocol.NONE, ProxyProtocol.V1, ProxyProtocol.V2, ProxyProtocol.NONE);
        assertThat(servers)
                .as("checks send the header by default only where they go where requests go (HAProxy's rule)")
                .extracting(ServerConfig::checkSendProxy)
                .containsExactly(false, true, false, true);
    }

    @Test
    void anUnsupportedBindOptionNamesItselfAndItsLine() {
        assertThatThrownBy(() -> parse("""
                        frontend main
                            mode http
                            bind :443 interface eth0
                            default_backend app
                        backend app
                            server web1 127.0.0.1:9000
                        """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("haproxy.cfg:3:")
                .hasMessageContaining("bind option 'interface' is not supported yet");
    }
}
