package dev.fjord.lb.core.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.ConfigException;

/** A haproxy.cfg with mistakes: each error names its file, line, keyword and section, and all come at once. */
class ImportErrorsTest {

    private static HaproxyImport parse(String text) {
        return HaproxyImport.parse(text, "haproxy.cfg", Map.of("WEB1", "10.0.0.11:80"));
    }

    @Test
    void badTimeUnitNamesTheKeyword() {
        assertThatThrownBy(() -> parse("""
                defaults
                    timeout connect 10x
                """))
                .hasMessage("haproxy.cfg:2: 'timeout connect' in defaults: '10x' "
                        + "(expected: a time such as 100ms, 10s or 1m)");
    }

    @Test
    void backendUsedButNotDefined() {
        assertThatThrownBy(() -> parse("""
                frontend main
                    bind :80
                    default_backend apps
                backend app
                    server web1 10.0.0.1:80
                """))
                .hasMessage("haproxy.cfg:3: 'default_backend' in frontend 'main': backend 'apps' is not defined "
                        + "(defined: [app])");
    }

    @Test
    void serverWithoutAddress() {
        assertThatThrownBy(() -> parse("""
                backend app
                    server web1 check
                """))
                .hasMessage("haproxy.cfg:2: 'server' in backend 'app': server 'web1' has no address "
                        + "(expected: server NAME ADDRESS [options])");
    }

    @Test
    void invalidValuesKeepTheBuilderMessageBehindTheLine() {
        assertThatThrownBy(() -> parse("""
                backend app
                    server web1 10.0.0.1:80 weight 300
                """))
                .hasMessage(
                        "haproxy.cfg:2: 'server' in backend 'app': server 'web1': weight 300 " + "(expected: 0-256)");
        assertThatThrownBy(() -> parse("""
                mailers alerts
                """))
                .hasMessage("haproxy.cfg:1: section 'mailers' is not supported "
                        + "(expected: global, defaults, frontend, backend, listen, resolvers, peers, userlist or "
                        + "http-errors)");
        assertThatThrownBy(() -> parse("""
                frontend main
                    bind :443 ssl crt /etc/ssl/no-such-site.pem
                """))
                .hasMessage("haproxy.cfg:2: 'bind' in frontend 'main': crt '/etc/ssl/no-such-site.pem': no such file "
                        + "(expected: a readable PEM file or directory)");
        // a variable that is not set expands to nothing, as in HAProxy: here the server has no address left
        assertThatThrownBy(() -> HaproxyImport.parse("backend app\n    server web1 \"${NOPE}\"\n", "x.cfg", Map.of()))
                .hasMessage("x.cfg:2: 'server' in backend 'app': server 'web1' has no address "
                        + "(expected: server NAME ADDRESS [options])");
        assertThatThrownBy(() -> HaproxyImport.parse("backend app\n    server web1 \"${NOPE\"\n", "x.cfg", Map.of()))
                .hasMessage("x.cfg:2: unclosed '${' (expected: \"${VAR}\")");
    }

    @Test
    void everyErrorOfAFileIsReportedAtOnceWithItsLine() {
        assertThatThrownBy(() -> parse("""
                global
                    maxconn lots
                defaults
                    mode http
                    timeout connect 5parsecs
                frontend main
                    bind :80
                    balanse roundrobin
                    use_backend apps if { path_beg /api }
                    default_backend app
                mailers alerts
                    mailer smtp1 192.0.2.1:25
                backend app
                    server web1 127.0.0.1:80 weight 300
                """))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.errors())
                                .containsExactly(
                                        "haproxy.cfg:2: 'maxconn' in global: 'lots' (expected: a whole number)",
                                        "haproxy.cfg:5: 'timeout connect' in defaults: '5parsecs' (expected: a time "
                                                + "such as 100ms, 10s or 1m)",
                                        "haproxy.cfg:8: unknown keyword 'balanse' in frontend 'main' (see the "
                                                + "README's table of "
                                                + "supported keywords)",
                                        "haproxy.cfg:9: 'use_backend' in frontend 'main': backend 'apps' is not "
                                                + "defined (defined: [app])",
                                        "haproxy.cfg:11: section 'mailers' is not supported (expected: global, "
                                                + "defaults, frontend, backend, listen, resolvers, peers, userlist "
                                                + "or http-errors)",
                                        "haproxy.cfg:14: 'server' in backend 'app': server 'web1': weight 300 "
                                                + "(expected: 0-256)"));
    }
}
