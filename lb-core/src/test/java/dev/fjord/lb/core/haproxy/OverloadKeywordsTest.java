package dev.fjord.lb.core.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.ProxyConfig;

/** {@code backlog} and {@code option abortonclose}: what keeps goodput under overload, imported as HAProxy reads it. */
class OverloadKeywordsTest {

    private static ProxyConfig parse(String text) {
        return HaproxyImport.parse(text, "haproxy.cfg", Map.of()).builder().build();
    }

    @Test
    void backlogIsAFrontendSettingAndAbortOnCloseABackendOne() {
        ProxyConfig config = parse("""
                defaults
                    mode http
                    option abortonclose
                frontend main
                    bind 127.0.0.1:8080
                    backlog 256
                    default_backend app
                frontend other
                    bind 127.0.0.1:8081
                    default_backend app
                backend app
                    server web1 127.0.0.1:9000
                """);

        assertThat(config.frontends().get("main").settings().backlog()).isEqualTo(256);
        assertThat(config.frontends().get("other").settings().backlog())
                .as("derived when the proxy starts")
                .isZero();
        assertThat(config.backends().get("app").settings().abortOnClose()).isTrue();
    }

    @Test
    void aBacklogOutOfRangeNamesItsLine() {
        assertThatThrownBy(() -> parse("""
                frontend main
                    bind 127.0.0.1:8080
                    backlog 2000000
                """))
                .hasMessage("haproxy.cfg:3: 'backlog' in frontend 'main': backlog 2000000 " + "(expected: 0-1000000)");
    }
}
