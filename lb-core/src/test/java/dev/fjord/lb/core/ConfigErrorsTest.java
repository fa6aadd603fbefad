package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

/** Every invalid value fails at the builder with a message naming the element, the value and what was expected. */
class ConfigErrorsTest {

    private static void fails(Consumer<ProxyConfig.Builder> spec, String message) {
        assertThatThrownBy(() -> {
                    ProxyConfig.Builder builder = ProxyConfig.builder();
                    spec.accept(builder);
                    builder.build();
                })
                .isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }

    @Test
    void rulesCannotEditFramingHeaders() {
        fails(
                b -> b.frontend(
                        "main", f -> f.bind(":80").httpRequest(HttpRequestRule.setHeader("Content-Length", "0"))),
                "http-request set-header: 'Content-Length' frames the message body (expected: a header other than "
                        + "Content-Length and Transfer-Encoding)");
        fails(
                b -> b.frontend("main", f -> f.bind(":80").httpRequest(HttpRequestRule.delHeader("transfer-encoding"))),
                "http-request del-header: 'transfer-encoding' frames the message body (expected: a header other than "
                        + "Content-Length and Transfer-Encoding)");
        fails(
                b -> b.defaults(d -> d.forwardFor(ForwardFor.enabled().header("Host"))),
                "forwardfor: header 'Host' (expected: a header other than Content-Length, Transfer-Encoding and Host)");
    }

    @Test
    void underscoreHeadersIsAFrontendOption() {
        fails(
                b -> b.backend("app", a -> a.underscoreHeaders(UnderscoreHeaders.REJECT)),
                "backend 'app': 'underscore-headers' is not allowed in a backend (allowed in: defaults, frontend, "
                        + "listen)");
    }

    @Test
    void serverWeightOutOfRange() {
        fails(
                b -> b.backend("app", a -> a.server("web1", "127.0.0.1:80", s -> s.weight(300))),
                "backend 'app': server 'web1': weight 300 (expected: 0-256)");
    }

    @Test
    void defaultBackendNotDefined() {
        fails(
                b -> b.frontend("main", f -> f.bind(":80").defaultBackend("apps"))
                        .backend("app", a -> {}),
                "frontend 'main': default backend 'apps' is not defined (defined: [app])");
    }

    @Test
    void useBackendNotDefined() {
        fails(
                b -> b.frontend(
                                "main",
                                f -> f.bind(":80").acl("api", "path_beg /api").useBackend("api", "api"))
                        .backend("app", a -> {}),
                "frontend 'main': use_backend 'api' is not defined (defined: [app])");
    }

    @Test
    void aclNotDefined() {
        fails(
                b -> b.frontend(
                                "main",
                                f -> f.bind(":80")
                                        .acl("url_static", "path_beg /static")
                                        .useBackend("app", "url_statc"))
                        .backend("app", a -> {}),
                "frontend 'main': acl 'url_statc' is not defined (defined: [url_static])");
    }

    @Test
    void invalidAclNamesTheFrontendAndAcl() {
        fails(
                b -> b.frontend("main", f -> f.bind(":80").acl("url_static", "path_bgn /static")),
                "frontend 'main': acl 'url_static': criterion 'path_bgn' (expected: one of [path, url, url_param,"
                        + " urlp, hdr, req.hdr, hdr_cnt, req.hdr_cnt, method, src, dst, dst_port, req.cook, cook,"
                        + " req.ver, req_ver, status, res.hdr, shdr, res.hdr_cnt, shdr_cnt, res.ver, resp_ver,"
                        + " res.cook, scook,"
                        + " req.len, req_len, req.payload, payload, req.ssl_hello_type, req_ssl_hello_type,"
                        + " req.ssl_sni, req_ssl_sni, req.ssl_ver, req_ssl_ver, ssl_fc, ssl_fc_sni, ssl_fc_protocol,"
                        + " ssl_fc_cipher, ssl_fc_alpn, ssl_c_used, ssl_c_verify, ssl_c_s_dn, nbsrv, http_auth, "
                        + "http_auth_group, var],"
                        + " with _beg/_end/_sub/_dir/_dom/_reg for path, url, url_param, hdr, req.cook, res.hdr and"
                        + " res.cook, or hdr_val and res.hdr_val)");
    }

    @Test
    void backendModeDiffersFromFrontend() {
        fails(
                b -> b.frontend("main", f -> f.mode(Mode.HTTP).bind(":80").defaultBackend("db"))
                        .backend("db", d -> d.mode(Mode.TCP)),
                "frontend 'main': default backend 'db' has mode tcp (expected: http, as the frontend)");
    }

    @Test
    void backendOnlyKeywordInAFrontend() {
        fails(
                b -> b.frontend("main", f -> f.bind(":80").balance(Balance.leastConn())),
                "frontend 'main': 'balance' is not allowed in a frontend (allowed in: defaults, backend, listen)");
    }

    @Test
    void frontendWithoutBind() {
        fails(b -> b.frontend("main", f -> {}), "frontend 'main': no bind (expected: at least one bind address)");
    }

    @Test
    void badBindAddress() {
        fails(
                b -> b.frontend("main", f -> f.bind("localhost")),
                "frontend 'main': bind address 'localhost' (expected: host:port, [ipv6]:port, *:port or :port)");
    }

    @Test
    void duplicateServerAndSections() {
        fails(
                b -> b.backend("app", a -> a.server("web1", "127.0.0.1:80").server("web1", "127.0.0.1:81")),
                "backend 'app': server 'web1' is defined twice");
        fails(b -> b.backend("app", a -> {}).backend("app", a -> {}), "backend 'app' is defined twice");
    }

    @Test
    void duplicateCookieValue() {
        fails(
                b -> b.defaults(d -> d.mode(Mode.HTTP))
                        .backend(
                                "app",
                                a -> a.cookie(Cookie.insert("SERVERID"))
                                        .server("web1", "127.0.0.1:80", s -> s.cookie("s1"))
                                        .server("web2", "127.0.0.1:81", s -> s.cookie("s1"))),
                "backend 'app': server 'web2': cookie 's1' is already used by server 'web1'");
    }

    @Test
    void serverRiseFallAndTimers() {
        fails(
                b -> b.backend("app", a -> a.server("web1", "127.0.0.1:80", s -> s.rise(0))),
                "backend 'app': server 'web1': rise 0 (expected: >= 1)");
        fails(
                b -> b.backend("app", a -> a.server("web1", "127.0.0.1:80", s -> s.inter(Duration.ZERO))),
                "backend 'app': server 'web1': inter PT0S (expected: > 0)");
    }

    @Test
    void statsInTcpMode() {
        fails(
                b -> b.listen("stats", l -> l.bind(":1936").stats(s -> s.uri("/"))),
                "listen 'stats': stats need mode http (mode is tcp)");
    }

    @Test
    void redirectCode() {
        assertThatThrownBy(() -> HttpRequestRule.redirectLocation("/x", 200))
                .hasMessage("http-request redirect: code 200 (expected: 301, 302, 303, 307 or 308)");
    }

    @Test
    void cookieOptionsOnlyWithInsert() {
        assertThatThrownBy(() -> Cookie.prefix("JSESSIONID").postOnly())
                .hasMessage("cookie 'JSESSIONID': postonly (expected: only with insert)");
    }

    @Test
    void forwardForExceptMustBeANetwork() {
        assertThatThrownBy(() -> ForwardFor.except("localhost"))
                .hasMessage("forwardfor: except 'localhost' (expected: an IP address or CIDR)");
    }
}
