package dev.fjord.lb.core.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.ConfigException;
import dev.fjord.lb.core.HttpRequestRule;
import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.StickData;
import dev.fjord.lb.core.StickRule;
import dev.fjord.lb.core.StickTable;
import dev.fjord.lb.core.TcpConnectionRule;

/** The stick table keywords of a haproxy.cfg, read into the same configuration the fluent API builds. */
class StickImportTest {

    private static ProxyConfig parse(String text) {
        return HaproxyImport.parse(text, "haproxy.cfg", Map.of()).builder().build();
    }

    @Test
    void theRateLimitingPatternOfHaproxysBlogImportsUnchanged() {
        ProxyConfig imported = parse("""
                defaults
                    mode http
                frontend fe
                    bind :80
                    stick-table type ip size 100k expire 30s store http_req_rate(10s)
                    http-request track-sc0 src
                    http-request deny deny_status 429 if { sc_http_req_rate(0) gt 100 }
                    default_backend be
                backend be
                    server web1 10.0.0.1:80
                """);
        ProxyConfig built = ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP))
                .frontend(
                        "fe",
                        f -> f.bind(":80")
                                .stickTable(StickTable.ip(100 * 1024)
                                        .expire(Duration.ofSeconds(30))
                                        .store(StickData.HTTP_REQ_RATE, Duration.ofSeconds(10)))
                                .httpRequest(HttpRequestRule.trackSc(0, "src"))
                                .httpRequest(HttpRequestRule.deny(429).when("{ sc_http_req_rate(0) gt 100 }"))
                                .defaultBackend("be"))
                .backend("be", b -> b.server("web1", "10.0.0.1:80"))
                .build();
        assertThat(imported).isEqualTo(built);
    }

    @Test
    void tablesRulesAndConnectionRulesOfEveryForm() {
        ProxyConfig imported = parse("""
                defaults
                    mode http
                frontend fe
                    bind :80
                    stick-table type ipv6 size 1m expire 10m nopurge store conn_cur,conn_rate(3s) \\
                        store gpc0,gpc0_rate(1m)
                    acl abuser src_get_gpc0 gt 0
                    tcp-request connection accept if { src 10.0.0.0/8 }
                    tcp-request connection track-sc1 src table per_key
                    tcp-request connection reject if abuser || { sc0_conn_rate gt 50 }
                    tcp-request connection sc-inc-gpc0(0) if { sc0_conn_cur gt 10 }
                    http-request track-sc2 req.hdr(x-api-key) table per_key
                    http-request sc-inc-gpc1(2) if { path_beg /login }
                    default_backend be
                backend be
                    stick-table type string len 64 size 10k expire 30m
                    stick match req.cook(sid)
                    stick store-request req.cook(sid) if { req.cook(sid) -m found }
                    stick on src table per_key unless { src 127.0.0.1 }
                    server web1 10.0.0.1:80
                backend per_key
                    stick-table type string size 10k store http_req_cnt,gpc1 srvkey name
                """);
        ProxyConfig built = ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP))
                .frontend(
                        "fe",
                        f -> f.bind(":80")
                                .stickTable(StickTable.ipv6(1024 * 1024)
                                        .expire(Duration.ofMinutes(10))
                                        .noPurge()
                                        .store(StickData.CONN_CUR)
                                        .store(StickData.CONN_RATE, Duration.ofSeconds(3))
                                        .store(StickData.GPC0)
                                        .store(StickData.GPC0_RATE, Duration.ofMinutes(1)))
                                .acl("abuser", "src_get_gpc0 gt 0")
                                .tcpRequestConnection(TcpConnectionRule.accept().when("{ src 10.0.0.0/8 }"))
                                .tcpRequestConnection(TcpConnectionRule.trackSc(1, "src", "per_key"))
                                .tcpRequestConnection(
                                        TcpConnectionRule.reject().when("abuser || { sc0_conn_rate gt 50 }"))
                                .tcpRequestConnection(
                                        TcpConnectionRule.scIncGpc(0, 0).when("{ sc0_conn_cur gt 10 }"))
                                .httpRequest(HttpRequestRule.trackSc(2, "req.hdr(x-api-key)", "per_key"))
                                .httpRequest(HttpRequestRule.scIncGpc(1, 2).when("{ path_beg /login }"))
                                .defaultBackend("be"))
                .backend(
                        "be",
                        b -> b.stickTable(StickTable.string(10 * 1024)
                                        .keyLength(64)
                                        .expire(Duration.ofMinutes(30)))
                                .stick(StickRule.match("req.cook(sid)"))
                                .stick(StickRule.storeRequest("req.cook(sid)").when("{ req.cook(sid) -m found }"))
                                .stick(StickRule.on("src")
                                        .table("per_key")
                                        .when(dev.fjord.lb.core.Condition.unless("{ src 127.0.0.1 }")))
                                .server("web1", "10.0.0.1:80"))
                .backend(
                        "per_key",
                        b -> b.stickTable(StickTable.string(10 * 1024)
                                .store(StickData.HTTP_REQ_CNT)
                                .store(StickData.GPC1)))
                .build();
        assertThat(imported).isEqualTo(built);
    }

    @Test
    void aListenSectionTracksInItsOwnTable() {
        dev.fjord.lb.core.Router router = dev.fjord.lb.core.Router.of(parse("""
                listen web
                    mode http
                    bind :80
                    stick-table type ip size 10 store http_req_cnt
                    http-request track-sc0 src
                    http-request deny deny_status 429 if { sc0_http_req_cnt gt 1 }
                    stick on src
                    server web1 10.0.0.1:80
                """));
        dev.fjord.lb.core.RequestHead request = dev.fjord.lb.core.RequestHead.get("/");
        assertThat(router.route(request).asForward().server().name()).isEqualTo("web1");
        assertThat(router.route(request).asRespond().response().status()).isEqualTo(429);
    }

    @Test
    void anAclNamedLikeAFetchIsNotATableReference() {
        ProxyConfig imported = parse("""
                defaults
                    mode http
                frontend fe
                    bind :80
                    acl src_limit src 10.0.0.0/8
                    http-request deny if src_limit
                    default_backend be
                backend be
                    server web1 10.0.0.1:80
                """);
        assertThat(imported.frontend("fe").acls()).containsKey("src_limit");
    }

    private static final java.util.List<String> EXPECTED = java.util.List.of(
            "haproxy.cfg:3: 'stick-table' in frontend 'fe': store 'gpc(2)' is not supported yet (expected: conn_cur, "
                    + "conn_cnt, conn_rate(P), sess_cnt, sess_rate(P), http_req_cnt, http_req_rate(P), http_err_cnt, "
                    + "http_err_rate(P), http_fail_cnt, http_fail_rate(P), bytes_in_cnt, bytes_in_rate(P), "
                    + "bytes_out_cnt, bytes_out_rate(P), gpc0, gpc0_rate(P), gpc1, gpc1_rate(P), gpt0 or server_id)",
            "haproxy.cfg:4: 'stick-table' in frontend 'fe': type binary is not supported yet",
            "haproxy.cfg:5: 'http-request track-sc3' in frontend 'fe': 'track-sc3' (expected: track-sc0, track-sc1 "
                    + "or track-sc2)",
            "haproxy.cfg:6: 'http-request track-sc0' in frontend 'fe': stick-table 'nope' is not defined (defined: "
                    + "[fe, be])",
            "haproxy.cfg:7: 'http-request deny' in frontend 'fe': stick-table 'nope' is not defined (defined: "
                    + "[fe, be])",
            "haproxy.cfg:8: 'http-request sc-inc-gpc0(5)' in frontend 'fe': http-request sc-inc-gpc0: counter 5 "
                    + "(expected: 0-2)",
            "haproxy.cfg:9: 'tcp-request connection' in frontend 'fe': action 'silent-drop' is not supported yet "
                    + "(expected: accept, reject, track-sc0|1|2 KEY [table T] or sc-inc-gpc0|1(N))",
            "haproxy.cfg:10: 'tcp-request connection' in frontend 'fe': tcp-request connection|session track-sc0: "
                    + "key 'req.hdr(host)' is not known when a connection is accepted (expected: src, src_port or "
                    + "dst_port)",
            "haproxy.cfg:13: 'stick store-response' in backend 'be': 'store-response' is not supported yet",
            "haproxy.cfg:15: 'stick-table' in backend 'be': store 'http_req_rate' (expected: a period, "
                    + "http_req_rate(10s))",
            "haproxy.cfg:19: 'http-request track-sc0' in frontend 'other': no stick-table in frontend 'other' "
                    + "(expected: a stick-table in it, or table NAME)");

    @Test
    void everyStickErrorIsReportedWithItsLine() {
        assertThatThrownBy(() -> parse("""
                frontend fe
                    bind :80
                    stick-table type ip size 1k store gpc(2)
                    stick-table type binary size 1k
                    http-request track-sc3 src
                    http-request track-sc0 src table nope
                    http-request deny if { src_conn_cur(nope) gt 1 }
                    http-request sc-inc-gpc0(5)
                    tcp-request connection silent-drop
                    tcp-request connection track-sc0 req.hdr(host)
                    default_backend be
                backend be
                    stick store-response src
                    stick on src
                    stick-table type ip size 1k store http_req_rate
                    server web1 10.0.0.1:80
                frontend other
                    bind :81
                    http-request track-sc0 src
                    default_backend be
                """))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.errors()).containsExactlyElementsOf(EXPECTED));
    }
}
