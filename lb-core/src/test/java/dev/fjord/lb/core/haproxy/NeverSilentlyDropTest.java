package dev.fjord.lb.core.haproxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.ConfigException;

/**
 * Every line of a haproxy.cfg is applied, reported as ignored, or an error naming its file and line: a keyword
 * HAProxy knows and Fjord lacks says "not supported yet", one HAProxy does not know says "unknown", and all of them
 * come in one exception.
 */
class NeverSilentlyDropTest {
    @Test
    void everyUnsupportedKeywordIsListedWithItsLineAtOnce() {
        String text = """
                global
                    daemon
                    lua-load /etc/haproxy/hello.lua
                    maxsslrate 100
                defaults
                    mode http
                    option logasap
                    option splice-auto
                    compression algo brotli
                frontend main
                    bind :80
                    unique-id-header X:Unique
                    monitor fail if FALSE
                    unique-id-format %{+X}o%ST
                    description the public site
                    rate-limit sessions 10
                    no option http-buffer-request
                    reqadd X-Old:\\ yes
                    frobnicate on
                    default_backend app
                backend app
                    http-reuse safe
                    option prefer-last-server
                    server web1 10.0.0.1:80
                """;

        ConfigException error = null;
        try {
            HaproxyImport.parse(text, "haproxy.cfg", Map.of());
        } catch (ConfigException e) {
            error = e;
        }

        assertThat(error).as("the import fails").isNotNull();

        String supported = " is not supported yet (see the README's table of supported keywords)";
        assertThat(error.errors())
                .containsExactly(
                        "haproxy.cfg:3: 'lua-load' in global" + supported,
                        "haproxy.cfg:4: 'maxsslrate' in global" + supported,
                        "haproxy.cfg:7: 'option logasap' in defaults" + supported,
                        "haproxy.cfg:9: 'compression' in defaults: compression algo 'brotli' (expected: identity, "
                                + "gzip, deflate or raw-deflate)",
                        "haproxy.cfg:12: 'unique-id-header' in frontend 'main': unique-id-header "
                                + "'X:Unique' (expected: a header name)",
                        "haproxy.cfg:14: 'unique-id-format' in frontend 'main': unique-id-format: "
                                + "'%ST' is not known when the request is routed (expected in a unique ID: text, "
                                + "%[SAMPLE], %ci, %cp, %fi, %fp, %t, %T, %Tl, %Ts, %ms, %rt, %pid, %ID, %% for %)",
                        "haproxy.cfg:16: 'rate-limit sessions' in frontend 'main'" + supported,
                        "haproxy.cfg:17: 'no option http-buffer-request' in frontend 'main'" + supported,
                        "haproxy.cfg:18: 'reqadd' in frontend 'main'" + supported,
                        "haproxy.cfg:19: unknown keyword 'frobnicate' in frontend 'main' (see the README's table of "
                                + "supported keywords)",
                        "haproxy.cfg:23: 'option prefer-last-server' in backend 'app'" + supported);
    }

    @Test
    void harmlessKeywordsAreReportedAsIgnoredWithTheirLines() {
        HaproxyImport imported = HaproxyImport.parse("""
                global
                    daemon
                    nbthread 4
                    noreuseport
                defaults
                    mode http
                    option splice-auto
                    option tcp-smart-accept
                frontend main
                    bind :80
                    description the public site
                    option http-no-delay
                    default_backend app
                backend app
                    id 3
                    option srvtcpka
                    fullconn 1000
                    server web1 10.0.0.1:80
                """, "haproxy.cfg", Map.of());

        assertThat(imported.report().ignored())
                .containsExactly(
                        "haproxy.cfg:2: daemon",
                        "haproxy.cfg:3: nbthread 4",
                        "haproxy.cfg:4: noreuseport",
                        "haproxy.cfg:7: option splice-auto (in defaults)",
                        "haproxy.cfg:8: option tcp-smart-accept (in defaults)",
                        "haproxy.cfg:11: description the public site (in frontend 'main')",
                        "haproxy.cfg:12: option http-no-delay (in frontend 'main')",
                        "haproxy.cfg:15: id 3 (in backend 'app')",
                        "haproxy.cfg:16: option srvtcpka (in backend 'app')",
                        "haproxy.cfg:17: fullconn 1000 (in backend 'app')");
        assertThat(imported.builder().build().frontends()).containsKey("main");
    }
}
