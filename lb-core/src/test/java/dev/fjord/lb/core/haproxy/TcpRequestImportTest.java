package dev.fjord.lb.core.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.Condition;
import dev.fjord.lb.core.ConfigException;
import dev.fjord.lb.core.ContentInspection;
import dev.fjord.lb.core.FrontendConfig;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.TcpConnectionRule;
import dev.fjord.lb.core.TcpContentRule;

class TcpRequestImportTest {

    private static ProxyConfig resource(String name) throws IOException {
        try (InputStream in = TcpRequestImportTest.class.getResourceAsStream("/compat/" + name)) {
            String text = new String(Objects.requireNonNull(in, name).readAllBytes(), StandardCharsets.UTF_8);
            return HaproxyImport.parse(text, name, Map.of()).builder().build();
        }
    }

    private static ProxyConfig parse(String text) {
        return HaproxyImport.parse(text, "haproxy.cfg", Map.of()).builder().build();
    }

    @Test
    void theSniRoutingConfigurationImportsUnchanged() throws IOException {
        FrontendConfig frontend = resource("06-sni-routing-tcp.cfg").frontends().get("tls-in");

        assertThat(frontend.contentInspection())
                .isEqualTo(new ContentInspection(
                        Duration.ofSeconds(5), List.of(TcpContentRule.accept().when("{ req.ssl_hello_type 1 }"))));
        assertThat(frontend.useBackendRules().get(0).condition())
                .isEqualTo(Condition.parse("{ req.ssl_sni -i a.example.com }"));
    }

    @Test
    void rulesKeepTheirOrderAndAListenSectionInspectsOnItsFrontendSide() throws IOException {
        ProxyConfig config = resource("07-tcp-content-inspection.cfg");

        assertThat(config.frontends().get("tls-only").contentInspection().rules())
                .containsExactly(
                        TcpContentRule.reject().when("{ req.ssl_sni -i blocked.example.com }"),
                        TcpContentRule.accept().when("tls"),
                        TcpContentRule.reject());
        assertThat(config.frontends().get("smtp").contentInspection().delay()).isEqualTo(Duration.ofSeconds(3));
        ContentInspection listen = config.frontends().get("https-speakers").contentInspection();
        assertThat(listen.delay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(listen.rules())
                .containsExactly(TcpContentRule.accept().when("content_present"), TcpContentRule.reject());
    }

    @Test
    void unlessNegatesTheCondition() {
        ProxyConfig config = parse("""
                frontend f
                    mode tcp
                    bind :443
                    tcp-request content reject unless { req.ssl_hello_type 1 }
                    default_backend b
                backend b
                    mode tcp
                    server s 127.0.0.1:1
                """);

        assertThat(config.frontends().get("f").contentInspection().rules())
                .containsExactly(TcpContentRule.reject().unless("{ req.ssl_hello_type 1 }"));
    }

    @Test
    void whatIsNotSupportedYetIsAnErrorWithItsLineAllAtOnce() {
        String text = """
                defaults
                    mode tcp
                    tcp-request inspect-delay 5s
                frontend f
                    bind :443
                    tcp-request connection reject if { src 10.0.0.0/8 }
                    tcp-request content track-sc0 src
                    tcp-request content accept if { req.ssl_hello_type 1 }
                    tcp-request content accept when x
                    tcp-request content
                    tcp-request inspect-delay
                    tcp-request inspect-delay 5x
                    tcp-request session silent-drop
                    tcp-request contents accept
                    default_backend b
                backend b
                    tcp-request content accept
                    server s 127.0.0.1:1
                """;

        List<String> expected = List.of(
                "haproxy.cfg:3: 'tcp-request inspect-delay' in defaults: not supported yet in defaults and "
                        + "backend sections (expected: tcp-request inspect-delay and tcp-request content rules in "
                        + "the frontend or listen section)",
                "haproxy.cfg:7: 'tcp-request content track-sc0' in frontend 'f': no stick-table in frontend 'f' "
                        + "(expected: a stick-table in it, or table NAME)",
                "haproxy.cfg:9: 'tcp-request content' in frontend 'f': 'when' after accept (expected: if "
                        + "CONDITION or unless CONDITION)",
                "haproxy.cfg:10: 'tcp-request content' in frontend 'f': missing action (expected: accept, "
                        + "reject or track-sc0|1|2 KEY)",
                "haproxy.cfg:11: 'tcp-request inspect-delay' in frontend 'f': expected: tcp-request "
                        + "inspect-delay TIMEOUT",
                "haproxy.cfg:12: 'tcp-request inspect-delay' in frontend 'f': '5x' (expected: a time such "
                        + "as 100ms, 10s or 1m)",
                "haproxy.cfg:13: 'tcp-request session' in frontend 'f': action 'silent-drop' is not supported "
                        + "yet (expected: accept, reject, track-sc0|1|2 KEY [table T] or sc-inc-gpc0|1(N))",
                "haproxy.cfg:14: 'tcp-request contents' in frontend 'f': 'contents' (expected: tcp-request "
                        + "inspect-delay TIMEOUT, or tcp-request content|connection|session ACTION)",
                "haproxy.cfg:17: 'tcp-request content' in backend 'b': not supported yet in defaults and "
                        + "backend sections (expected: tcp-request inspect-delay and tcp-request content rules in "
                        + "the frontend or listen section)");

        assertThatThrownBy(() -> parse(text))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.errors()).containsExactlyElementsOf(expected));
    }

    @Test
    void contentAndSessionRulesTrackInStickTables() {
        ProxyConfig config = parse("""
                frontend f
                    mode tcp
                    bind :443
                    stick-table type ip size 1k expire 1m store conn_rate(10s)
                    tcp-request inspect-delay 5s
                    tcp-request session track-sc1 src
                    tcp-request session reject if { sc1_conn_rate gt 50 }
                    tcp-request content track-sc0 src table f if { req.ssl_hello_type 1 }
                    tcp-request content reject if { sc0_conn_rate gt 10 }
                    tcp-request content accept
                    default_backend b
                backend b
                    mode tcp
                    server s 127.0.0.1:1
                """);

        FrontendConfig frontend = config.frontends().get("f");
        assertThat(frontend.tcpSessionRules())
                .containsExactly(
                        TcpConnectionRule.trackSc(1, "src"),
                        TcpConnectionRule.reject().when("{ sc1_conn_rate gt 50 }"));
        assertThat(frontend.contentInspection().rules())
                .containsExactly(
                        TcpContentRule.trackSc(0, "src", "f").when("{ req.ssl_hello_type 1 }"),
                        TcpContentRule.reject().when("{ sc0_conn_rate gt 10 }"),
                        TcpContentRule.accept());
    }

    @Test
    void contentRulesInModeHttpAreNotSupportedYet() {
        assertThatThrownBy(() -> parse("""
                        frontend f
                            mode http
                            bind :80
                            tcp-request content reject if { src 10.0.0.0/8 }
                            default_backend b
                        backend b
                            server s 127.0.0.1:1
                        """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tcp-request content rules in mode http are not supported yet");
    }

    @Test
    void anUndefinedAclInARuleNamesTheFrontend() {
        assertThatThrownBy(() -> parse("""
                        frontend f
                            mode tcp
                            bind :443
                            tcp-request content accept if tls
                            default_backend b
                        backend b
                            mode tcp
                            server s 127.0.0.1:1
                        """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("frontend 'f': acl 'tls' is not defined");
    }
}
