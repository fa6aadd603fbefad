package dev.fjord.lb.core.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.fjord.lb.core.ConfigException;
import dev.fjord.lb.core.HeaderMatch;
import dev.fjord.lb.core.HttpRequestRule;
import dev.fjord.lb.core.HttpResponseRule;
import dev.fjord.lb.core.LocalResponse;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.RedirectOptions;
import dev.fjord.lb.core.RequestHead;
import dev.fjord.lb.core.ResponseHead;
import dev.fjord.lb.core.Router;

class ResponseKeywordsTest {
    @TempDir
    Path dir;

    private static ProxyConfig parse(String text) {
        return HaproxyImport.parse(text, "haproxy.cfg", Map.of()).builder().build();
    }

    @Test
    void httpResponseAndAfterResponseLinesImportIntoTheSameRulesAsTheFluentApi() {
        ProxyConfig config = parse("""
                defaults
                    mode http
                frontend www
                    bind :80
                    http-response set-header X-Frame-Options DENY
                    http-response add-header Via "1.1 fjord"
                    http-response set-status 503 reason "Slow Down" if { status 500 }
                    http-response redirect location /login code 303 clear-cookie SID= if { status 401 }
                    http-response deny deny_status 502 if { res.hdr(x-debug) -m found }
                    http-response return status 404 content-type text/plain string gone if { status 410 }
                    http-after-response set-header Strict-Transport-Security "max-age=31536000"
                    http-after-response allow unless { status 200:299 }
                    default_backend app
                backend app
                    acl is_json res.hdr(content-type) -m sub json
                    http-response del-header Server
                    http-response del-header X-Powered-By -m str
                    http-response del-header x-debug- -m beg
                    http-response replace-header Set-Cookie (C=[^;]*);(.*) \\1;secure;\\2
                    http-response replace-value Cache-Control ^public$ private if is_json
                    http-response allow
                    server web1 127.0.0.1:8001
                """);

        assertThat(config.frontend("www").httpResponseRules())
                .containsExactly(
                        HttpResponseRule.setHeader("X-Frame-Options", "DENY"),
                        HttpResponseRule.addHeader("Via", "1.1 fjord"),
                        HttpResponseRule.setStatus(503, "Slow Down").when("{ status 500 }"),
                        ((HttpResponseRule.Redirect) HttpResponseRule.redirect("/login", 303))
                                .options(RedirectOptions.NONE.withClearCookie("SID="))
                                .when("{ status 401 }"),
                        HttpResponseRule.deny(502).when("{ res.hdr(x-debug) -m found }"),
                        HttpResponseRule.returnResponse(404, "text/plain", "gone")
                                .when("{ status 410 }"));
        assertThat(config.frontend("www").httpAfterResponseRules())
                .containsExactly(
                        HttpResponseRule.setHeader("Strict-Transport-Security", "max-age=31536000"),
                        HttpResponseRule.allow().unless("{ status 200:299 }"));
        assertThat(config.backend("app").httpResponseRules())
                .containsExactly(
                        HttpResponseRule.delHeader("Server"),
                        HttpResponseRule.delHeader("X-Powered-By"),
                        HttpResponseRule.delHeader("x-debug-", HeaderMatch.BEG),
                        HttpResponseRule.replaceHeader("Set-Cookie", "(C=[^;]*);(.*)", "\\1;secure;\\2"),
                        HttpResponseRule.replaceValue("Cache-Control", "^public$", "private")
                                .when("is_json"),
                        HttpResponseRule.allow());
        assertThat(config.backend("app").acls()).containsOnlyKeys("is_json");
    }

    @Test
    void redirectStatementsFollowTheHttpRequestRulesWhereverTheyAreWritten() {
        ProxyConfig config = parse("""
                defaults
                    mode http
                frontend www
                    bind :80
                    redirect prefix https://www.example.com code 301 drop-query if { hdr(host) -i example.com }
                    http-request deny if { path /admin }
                    http-request redirect prefix / code 302 set-cookie S=1 ignore-empty if !{ req.cook(S) -m found }
                    default_backend app
                backend app
                    server web1 127.0.0.1:8001
                """);

        assertThat(config.frontend("www").httpRequestRules())
                .containsExactly(
                        HttpRequestRule.deny().when("{ path /admin }"),
                        ((HttpRequestRule.Redirect) HttpRequestRule.redirectPrefix("/", 302))
                                .options(RedirectOptions.NONE.withSetCookie("S=1"))
                                .when("!{ req.cook(S) -m found }"),
                        ((HttpRequestRule.Redirect) HttpRequestRule.redirectPrefix("https://www.example.com", 301))
                                .options(RedirectOptions.NONE.withDropQuery())
                                .when("{ hdr(host) -i example.com }"));
        LocalResponse redirect = Router.of(config)
                .route(RequestHead.builder()
                        .uri("/a?b=c")
                        .header("Host", "example.com")
                        .header("Cookie", "S=1")
                        .build())
                .asRespond()
                .response();
        assertThat(redirect.header("Location")).isEqualTo("https://www.example.com/a");
    }

    @Test
    void denyAndReturnTakeTheirPayloadAndFilesAreReadAtImport() throws IOException {
        Path body = Files.writeString(dir.resolve("limit.json"), "{\"error\":\"slow down\"}");
        ProxyConfig config = parse("""
                defaults
                    mode http
                frontend www
                    bind :80
                    http-request deny status 429 content-type application/json file %s if { path /api }
                    http-request return status 200 content-type text/plain lf-string "100%%%%" if { path /up }
                    http-request deny deny_status 403
                """.formatted(body));

        assertThat(config.frontend("www").httpRequestRules())
                .containsExactly(
                        HttpRequestRule.returnResponse(429, "application/json", "{\"error\":\"slow down\"}")
                                .when("{ path /api }"),
                        HttpRequestRule.returnResponse(200, "text/plain", "100%")
                                .when("{ path /up }"),
                        HttpRequestRule.deny(403));
    }

    @Test
    void errorfilesAreReadAtImportForDefaultsFrontendsAndBackends() throws IOException {
        Path sorry = Files.writeString(
                dir.resolve("503sorry.http"),
                "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/html\r\n\r\n<h1>Back soon</h1>\n");
        Path forbidden =
                Files.writeString(dir.resolve("403.http"), "HTTP/1.0 403 Forbidden\nContent-Type: text/plain\n\nno\n");
        ProxyConfig config = parse("""
                defaults
                    mode http
                    errorfile 403 %s
                frontend www
                    bind :80
                    errorfile 503 %s
                    http-request deny if { path /admin }
                    default_backend app
                backend app
                """.formatted(forbidden, sorry));
        Router router = Router.of(config);

        LocalResponse denied =
                router.route(RequestHead.get("/admin")).asRespond().response();
        LocalResponse noServer = router.route(RequestHead.get("/")).asRespond().response();

        assertThat(denied.body()).isEqualTo("no\n");
        assertThat(noServer.body()).isEqualTo("<h1>Back soon</h1>\n");
        assertThat(noServer.header("Content-Type")).isEqualTo("text/html");
        assertThat(config.backend("app").settings().errorFiles()).containsOnlyKeys(403);
    }

    @Test
    void httpErrorsSectionsGiveTheirPagesToTheProxiesThatNameThem() throws IOException {
        Path sorry = Files.writeString(
                dir.resolve("503.http"), "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/html\r\n\r\nsorry\n");
        Path forbidden = Files.writeString(dir.resolve("403.http"), "HTTP/1.0 403 Forbidden\n\nno\n");
        ProxyConfig config = parse("""
                defaults
                    mode http
                    errorfiles site
                frontend www
                    bind :80
                    errorfiles site 503
                    http-request deny if { path /admin }
                    default_backend app
                backend app
                    errorfiles site 403
                http-errors site
                    errorfile 503 %s
                    errorfile 403 %s
                """.formatted(sorry, forbidden));

        assertThat(config.frontends()
                        .get("www")
                        .settings()
                        .errorFiles()
                        .get(503)
                        .body())
                .isEqualTo("sorry\n");
        assertThat(config.frontends()
                        .get("www")
                        .settings()
                        .errorFiles()
                        .get(403)
                        .body())
                .isEqualTo("no\n");
        assertThat(config.backend("app").settings().errorFiles()).containsOnlyKeys(403, 503);
        assertThat(Router.of(config)
                        .route(RequestHead.get("/"))
                        .asRespond()
                        .response()
                        .body())
                .isEqualTo("sorry\n");

        HaproxyImport.Checked checked = HaproxyImport.check("""
                backend a
                    errorfiles nope
                backend b
                    errorfiles site 404
                http-errors site
                    errorfile 503 %s
                    errorloc 502 /x
                """.formatted(sorry), "haproxy.cfg", java.util.Map.of());
        assertThat(checked.errors())
                .containsExactly(
                        "haproxy.cfg:2: 'errorfiles' in backend 'a': http-errors section 'nope' is not defined "
                                + "(defined: [site])",
                        "haproxy.cfg:4: 'errorfiles' in backend 'b': http-errors 'site' has no errorfile 404 (it "
                                + "has: [503])",
                        "haproxy.cfg:7: 'errorloc' in http-errors 'site': unknown keyword (expected: errorfile CODE "
                                + "FILE)");
    }

    @Test
    void errorlocAnswersTheErrorWithARedirect() {
        ProxyConfig config = parse("""
                defaults
                    mode http
                frontend www
                    bind :80
                    errorloc 503 https://status.example.com/
                    errorloc303 403 /denied.html
                    http-request deny if { path /admin }
                    default_backend app
                backend app
                """);
        Router router = Router.of(config);

        LocalResponse noServer = router.route(RequestHead.get("/")).asRespond().response();
        assertThat(noServer.status()).isEqualTo(302);
        assertThat(noServer.header("Location")).isEqualTo("https://status.example.com/");
        assertThat(noServer.body()).isEmpty();
        LocalResponse denied =
                router.route(RequestHead.get("/admin")).asRespond().response();
        assertThat(denied.status()).isEqualTo(303);
        assertThat(denied.header("Location")).isEqualTo("/denied.html");
    }

    @Test
    void theImportedRulesRunThroughTheRouter() {
        Router router = Router.of(parse("""
                defaults
                    mode http
                frontend www
                    bind :80
                    http-response set-header X-Cache-Status %%[miss] if { status 200 }
                    default_backend app
                backend app
                    server web1 127.0.0.1:8001
                """));

        ResponseHead out = router.responses()
                .respond(
                        router.route(RequestHead.get("/")).asForward(),
                        ResponseHead.builder(200).build());

        assertThat(out.header("X-Cache-Status")).isEqualTo("%[miss]");
    }

    @Test
    void aConditionOnTheRequestsContentsIsWarnedOfAsNeverMatchingInAResponseRule() {
        HaproxyImport imported = HaproxyImport.parse("""
                defaults
                    mode http
                frontend www
                    bind :80
                    acl is_api path_beg /api
                    acl is_get method GET
                    http-response set-header X-Api 1 if is_api
                    http-response set-header X-Get 1 if is_get { src 127.0.0.1 } { status 200 }
                    http-after-response set-header X-Host 1 if !{ hdr(host) -m found }
                    http-response set-header X-Abs 1 if HTTP_URL_ABS
                    default_backend app
                backend app
                    acl tagged res.hdr(x-tag) -m found
                    http-response set-header X-Tagged 1 if tagged
                    server web1 127.0.0.1:8001
                """, "haproxy.cfg", Map.of());

        String why = " will never match in '%s': it only involves the request's path, URL, headers or cookies, "
                + "which are gone by the response (as HAProxy warns)";
        assertThat(imported.report().warnings())
                .containsExactly(
                        "haproxy.cfg:7: acl 'is_api'" + why.formatted("http-response"),
                        "haproxy.cfg:9: anonymous acl 'hdr(host) -m found'" + why.formatted("http-after-response"),
                        "haproxy.cfg:10: acl 'HTTP_URL_ABS'" + why.formatted("http-response"));
        imported.builder().build();
    }

    @Test
    void responseRulesInDefaultsAreRefusedAsHaproxyRefusesThemInAnonymousDefaults() {
        assertThatThrownBy(() -> parse("""
                        defaults
                            mode http
                            http-response set-header X-A 1
                        """))
                .hasMessage("haproxy.cfg:3: 'http-response set-header' in defaults: is not supported in defaults "
                        + "(HAProxy refuses it in anonymous defaults and allows it in named ones used with 'from', "
                        + "which Fjord does not support yet)");
    }

    @Test
    void everyWrongLineIsReportedWithItsNumberAndWhatIsExpected() throws IOException {
        Path bad =
                Files.writeString(dir.resolve("bad.http"), "HTTP/1.1 503 X\r\nContent-Length: 5\r\n\r\nhello world\n");
        assertThatThrownBy(() -> parse("""
                        defaults
                            mode http
                            errorfile 418 %s
                        frontend www
                            bind :80
                            errorfile 503 %s
                            errorfile 502 %s/missing.http
                            http-response redirect prefix /x
                            http-response set-header X-Served-By %%Tr
                            http-response lua.mine
                            http-after-response deny
                            http-response set-status 503 because
                            default_backend app
                        backend app
                            redirect location /x
                            server web1 127.0.0.1:8001
                        """.formatted(bad, bad, dir)))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.errors())
                                .containsExactly(
                                        "haproxy.cfg:3: 'errorfile' in defaults: errorfile 418 (expected: one of "
                                                + "[200, 400, 401, 403, 404, 405, 407, 408, 410, 413, 414, 425, "
                                                + "429, 431, 500, 501, 502, 503, 504], the statuses the proxy makes)",
                                        "haproxy.cfg:6: 'errorfile' in frontend 'www': '" + bad
                                                + "': payload of 12 bytes, Content-Length says 5",
                                        "haproxy.cfg:7: 'errorfile' in frontend 'www': cannot read '" + dir
                                                + "/missing.http' (NoSuchFileException)",
                                        "haproxy.cfg:8: 'http-response redirect' in frontend 'www': redirect "
                                                + "prefix: a response supports only redirect type 'location' (as "
                                                + "HAProxy)",
                                        "haproxy.cfg:9: 'http-response set-header' in frontend 'www': "
                                                + "http-response set-header X-Served-By: '%Tr' is not known when the "
                                                + "response is sent (expected in a response header value: text, "
                                                + "%[SAMPLE], %ci, %cp, %fi, %fp, %t, %T, %Tl, %Ts, %ms, %rt, "
                                                + "%pid, %ID, %ST, %b, %s, %% for %)",
                                        "haproxy.cfg:10: 'http-response lua.mine' in frontend 'www': action "
                                                + "'lua.mine' is not supported yet (expected: allow, deny, redirect, "
                                                + "return, set-header, add-header, del-header, replace-header, "
                                                + "replace-value, set-status, set-var(NAME), set-var-fmt(NAME) or "
                                                + "unset-var(NAME))",
                                        "haproxy.cfg:11: 'http-after-response deny' in frontend 'www': action "
                                                + "'deny' (expected: allow, set-header, add-header, del-header, "
                                                + "replace-header, replace-value, set-status, set-var(NAME), "
                                                + "set-var-fmt(NAME) or unset-var(NAME))",
                                        "haproxy.cfg:12: 'http-response set-status' in frontend 'www': set-status "
                                                + "503 because (expected: set-status CODE [reason TEXT])",
                                        "haproxy.cfg:15: 'redirect' in backend 'app': is not supported yet in a "
                                                + "backend (expected: in a frontend or listen section, or "
                                                + "http-request redirect there)"));
    }

    @Test
    void aResponseHeaderValueMayNotReadTheRequestsHeadAsInHaproxy() {
        assertThatThrownBy(() -> parse("""
                        frontend www
                            bind :80
                            http-response set-header X-Host %[req.hdr(host),lower]
                            default_backend app
                        backend app
                            server web1 127.0.0.1:8001
                        """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("haproxy.cfg:3: 'http-response set-header' in frontend 'www'")
                .hasMessageContaining("sample 'req.hdr(host),lower' reads the request's head, which a response rule "
                        + "no longer has");
    }
}
