package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

/** Stick table mistakes fail at build, naming the section, the rule or fetch, the value and what was expected. */
class StickConfigErrorsTest {

    private static void fails(Consumer<ProxyConfig.Builder> spec, String message) {
        assertThatThrownBy(() -> {
                    ProxyConfig.Builder builder = ProxyConfig.builder()
                            .defaults(d -> d.mode(Mode.HTTP))
                            .backend("be", b -> {});
                    spec.accept(builder);
                    builder.build();
                })
                .isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }

    @Test
    void aTrackRuleNeedsATable() {
        fails(
                b -> b.frontend("fe", f -> f.bind(":80").httpRequest(HttpRequestRule.trackSc(0, "src"))),
                "frontend 'fe': http-request track-sc0 src: no stick-table in frontend 'fe' (expected: a stick-table "
                        + "in it, or table NAME)");
        fails(
                b -> b.frontend(
                        "fe", f -> f.bind(":80").tcpRequestConnection(TcpConnectionRule.trackSc(1, "src", "per_ip"))),
                "frontend 'fe': tcp-request connection track-sc1 src table per_ip: stick-table 'per_ip' is not "
                        + "defined (defined: [])");
        fails(
                b -> b.frontend(
                        "fe",
                        f -> f.bind(":80").stickTable(StickTable.ip(10)).acl("slow", "src_conn_rate(other) gt 10")),
                "frontend 'fe': acl src_conn_rate(other) gt 10: stick-table 'other' is not defined (defined: [fe])");
        fails(
                b -> b.editBackend("be", e -> e.stick(StickRule.on("src"))),
                "backend 'be': stick on src: no stick-table in backend 'be' (expected: a stick-table in it, or table "
                        + "NAME)");
    }

    @Test
    void tablesAreNamedAfterTheirSection() {
        fails(
                b -> b.frontend("be", f -> f.bind(":80").stickTable(StickTable.ip(10)))
                        .editBackend("be", e -> e.stickTable(StickTable.ip(10))),
                "stick-table 'be' is declared by frontend 'be' and by backend 'be' (tables are named after their "
                        + "section: rename one)");
    }

    @Test
    void connectionRulesSeeOnlyWhatAConnectionCarries() {
        fails(
                b -> b.frontend(
                        "fe",
                        f -> f.bind(":80")
                                .acl("api", "path_beg /api")
                                .tcpRequestConnection(TcpConnectionRule.reject().when("api"))),
                "frontend 'fe': tcp-request connection: acl 'api' fetches path, which is not known when a connection "
                        + "is accepted (expected: src, dst, dst_port or stick table fetches)");
    }

    @Test
    void badValues() {
        fails(
                b -> b.frontend(
                        "fe",
                        f -> f.bind(":80").stickTable(StickTable.ip(10).store(StickData.HTTP_REQ_RATE, Duration.ZERO))),
                "stick-table: store http_req_rate(0ms) (expected: a period of 1ms to 2147483647ms)");
        fails(
                b -> b.frontend(
                        "fe", f -> f.bind(":80").stickTable(StickTable.ip(10).expire(Duration.ofDays(25)))),
                "stick-table: expire PT600H (expected: at most 2147483647ms)");
        fails(
                b -> b.frontend("fe", f -> f.bind(":80").httpRequest(HttpRequestRule.trackSc(0, "base32+src"))),
                "sample 'base32+src': fetch 'base32+src' is not supported yet (expected: src, src_port, dst, "
                        + "dst_port, path, pathq, query, url, base, method, capture.req.uri, capture.req.method, "
                        + "req.ver, hdr(NAME[,OCC]), "
                        + "req.fhdr(NAME[,OCC]), hdr_ip(NAME[,OCC]), url_param(NAME), req.cook(NAME), ssl_fc, "
                        + "ssl_fc_sni, ssl_fc_protocol, "
                        + "ssl_fc_cipher, ssl_fc_alpn, ssl_c_used, ssl_c_verify, ssl_c_s_dn, str(TEXT), uuid, "
                        + "unique-id or var(NAME))");
        fails(
                b -> b.frontend(
                        "fe", f -> f.bind(":80").stickTable(StickTable.ip(10).keyLength(8))),
                "stick-table: len 8 (expected: only with type string)");
    }
}
