package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

class HttpResponseRulesTest {

    private static Router router(Consumer<FrontendConfig.Builder> frontend, Consumer<BackendConfig.Builder> backend) {
        return Router.of(ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP))
                .frontend("main", f -> {
                    f.bind(":80").defaultBackend("app");
                    frontend.accept(f);
                })
                .backend("app", b -> {
                    b.server("web1", "127.0.0.1:8001");
                    backend.accept(b);
                })
                .build());
    }

    private static ResponseHead respond(Router router, String uri, ResponseHead server) {
        return router.responses().respond(router.route(RequestHead.get(uri)).asForward(), server);
    }

    @Test
    void headerActionsEditTheResponseInOrderAndLaterRulesSeeTheEdits() {
        Router router = router(
                f -> f.httpResponse(HttpResponseRule.delHeader("Server"))
                        .httpResponse(HttpResponseRule.delHeader("x-debug-", HeaderMatch.BEG))
                        .httpResponse(HttpResponseRule.delHeader("-(secret|token)$", HeaderMatch.REG))
                        .httpResponse(HttpResponseRule.addHeader("X-Via", "fjord"))
                        .httpResponse(HttpResponseRule.setHeader("X-Json", "yes")
                                .when("{ res.hdr(content-type) -m sub json }"))
                        .httpResponse(
                                HttpResponseRule.setHeader("X-Seen", "json").when("{ res.hdr(x-json) yes }")),
                b -> {});
        ResponseHead server = ResponseHead.builder(200)
                .header("Server", "nginx/1.2")
                .header("Content-Type", "application/json; charset=utf-8")
                .header("X-Via", "origin")
                .header("X-Debug-Token", "a")
                .header("x-debug-info", "b")
                .header("X-App-Secret", "c")
                .header("X-Debugger", "kept")
                .build();

        ResponseHead out = respond(router, "/", server);

        assertThat(out.headers("X-Debug-Token")).isEmpty();
        assertThat(out.headers("X-Debug-Info")).isEmpty();
        assertThat(out.headers("X-App-Secret")).isEmpty();
        assertThat(out.header("X-Debugger")).isEqualTo("kept");

        assertThat(out.headers("Server")).isEmpty();
        assertThat(out.headers("X-Via")).containsExactly("origin", "fjord");
        assertThat(out.header("X-Json")).isEqualTo("yes");
        assertThat(out.header("X-Seen")).isEqualTo("json");
        assertThat(server.header("Server"))
                .as("the server's head is not changed")
                .isEqualTo("nginx/1.2");
    }

    @Test
    void setStatusOnAStatusConditionKeepsOrReplacesTheReason() {
        Router router = router(
                f -> f.httpResponse(HttpResponseRule.setStatus(503, "Slow Down").when("{ status 500 }"))
                        .httpResponse(HttpResponseRule.setStatus(404).when("{ status 403 }")),
                b -> {});

        ResponseHead slow = respond(router, "/", ResponseHead.builder(500).build());
        ResponseHead hidden = respond(router, "/", ResponseHead.builder(403).build());
        ResponseHead fine = respond(router, "/", ResponseHead.builder(200).build());

        assertThat(slow.status()).isEqualTo(503);
        assertThat(slow.reason()).isEqualTo("Slow Down");
        assertThat(hidden.status()).isEqualTo(404);
        assertThat(hidden.reason()).isEqualTo("Not Found");
        assertThat(fine.status()).isEqualTo(200);
    }

    @Test
    void replaceHeaderReplacesWholeValuesWithBackReferencesAndReplaceValueEachItem() {
        Router router = router(
                f -> f.httpResponse(HttpResponseRule.replaceHeader("Set-Cookie", "(C=[^;]*);(.*)", "\\1;ip=x;\\2"))
                        .httpResponse(HttpResponseRule.replaceValue("Cache-Control", "^public$", "private"))
                        .httpResponse(HttpResponseRule.replaceHeader("Location", "^http://(.*)", "https://\\1")),
                b -> {});
        ResponseHead server = ResponseHead.builder(302)
                .header("Set-Cookie", "C=1; expires=Tue, 14-Jun-2016 01:40:45 GMT")
                .header("Set-Cookie", "D=2")
                .header("Cache-Control", "max-age=3600, public")
                .header("Location", "http://shop.example/cart")
                .build();

        ResponseHead out = respond(router, "/", server);

        assertThat(out.headers("Set-Cookie")).containsExactly("C=1;ip=x; expires=Tue, 14-Jun-2016 01:40:45 GMT", "D=2");
        assertThat(out.header("Cache-Control")).isEqualTo("max-age=3600,private"); // HAProxy drops the space
        assertThat(out.header("Location")).isEqualTo("https://shop.example/cart");
    }

    @Test
    void backendRulesRunBeforeTheFrontendsAndAllowEndsOnlyItsSection() {
        Router router = router(
                f -> f.httpResponse(HttpResponseRule.addHeader("X-Order", "frontend")),
                b -> b.httpResponse(HttpResponseRule.addHeader("X-Order", "backend"))
                        .httpResponse(HttpResponseRule.allow())
                        .httpResponse(HttpResponseRule.addHeader("X-Order", "never")));

        ResponseHead out = respond(router, "/", ResponseHead.builder(200).build());

        assertThat(out.headers("X-Order")).containsExactly("backend", "frontend");
    }

    @Test
    void denyRedirectAndReturnAnswerInsteadOfTheServer() {
        Router router = router(
                f -> f.httpResponse(HttpResponseRule.deny().when("{ res.hdr(x-leak) -m found }"))
                        .httpResponse(HttpResponseRule.redirect("/login", 303).when("{ status 401 }"))
                        .httpResponse(HttpResponseRule.returnResponse(503, "text/plain", "later")
                                .when("{ status 500:599 }")),
                b -> b.errorFile(502, new LocalResponse(502, List.of(), "custom 502")));
        RouteDecision.Forward decision = router.route(RequestHead.get("/")).asForward();

        Responses.Answer deniedAnswer = router.responses()
                .httpResponse(
                        decision,
                        ResponseHead.builder(200).header("X-Leak", "1").build());
        Responses.Answer loginAnswer = router.responses()
                .httpResponse(decision, ResponseHead.builder(401).build());
        Responses.Answer laterAnswer = router.responses()
                .httpResponse(decision, ResponseHead.builder(500).build());
        assertThat(deniedAnswer).isNotNull();
        assertThat(deniedAnswer.denied()).isTrue();
        assertThat(loginAnswer).isNotNull();
        assertThat(loginAnswer.denied()).isFalse();
        assertThat(laterAnswer).isNotNull();
        LocalResponse denied = deniedAnswer.response();
        LocalResponse login = loginAnswer.response();
        LocalResponse later = laterAnswer.response();

        assertThat(denied).isNotNull();
        assertThat(denied.status()).isEqualTo(502);
        assertThat(denied.body()).as("the backend's errorfile").isEqualTo("custom 502");
        assertThat(login).isNotNull();
        assertThat(login.status()).isEqualTo(303);
        assertThat(login.header("Location")).isEqualTo("/login");
        assertThat(login.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(later).isNotNull();
        assertThat(later.body()).isEqualTo("later");
        assertThat(router.responses()
                        .httpResponse(decision, ResponseHead.builder(200).build()))
                .isNull();
    }

    @Test
    void requestFetchesFollowHaproxyMethodAndSourceMatchPathAndHeadersNever() {
        Router router = router(
                f -> f.acl("api", "path_beg /api")
                        .httpResponse(HttpResponseRule.addHeader("X-Path", "1").when("api"))
                        .httpResponse(HttpResponseRule.addHeader("X-Host", "1").when("{ hdr(host) -m found }"))
                        .httpResponse(HttpResponseRule.addHeader("X-Get", "1").when("METH_GET"))
                        .httpResponse(HttpResponseRule.addHeader("X-Local", "1").when("LOCALHOST")),
                b -> {});
        RouteDecision.Forward decision = router.route(
                        RequestHead.builder().uri("/api/x").header("Host", "a").build())
                .asForward();

        ResponseHead out =
                router.responses().respond(decision, ResponseHead.builder(200).build());

        assertThat(out.header("X-Get")).isEqualTo("1");
        assertThat(out.header("X-Local")).isEqualTo("1");
        assertThat(out.header("X-Path"))
                .as("path is gone by the response, as in HAProxy")
                .isNull();
        assertThat(out.header("X-Host")).isNull();
        assertThat(Acl.parse("status 200").test(RequestHead.get("/")))
                .as("status in a request rule")
                .isFalse();
    }

    @Test
    void afterResponseRulesRunLastAndReachTheProxysOwnResponses() {
        Router router = router(
                f -> f.httpResponse(HttpResponseRule.setHeader("X-Step", "response"))
                        .httpAfterResponse(
                                HttpResponseRule.setHeader("X-Step", "after").when("{ res.hdr(x-step) -m found }"))
                        .httpAfterResponse(HttpResponseRule.setHeader("Strict-Transport-Security", "max-age=60"))
                        .httpRequest(HttpRequestRule.deny(429).when("{ path /limited }")),
                b -> b.cookie(Cookie.insert("SRV"))
                        .editServer("web1", s -> s.cookie("w1"))
                        .httpAfterResponse(
                                HttpResponseRule.replaceHeader("Set-Cookie", "^(SRV=.*)", "\\1; SameSite=Lax")));

        ResponseHead out = respond(router, "/", ResponseHead.builder(200).build());
        RouteDecision denied = router.route(RequestHead.get("/limited"));
        LocalResponse deny =
                router.responses().afterResponse(denied, denied.asRespond().response());

        assertThat(out.header("X-Step")).isEqualTo("after");
        assertThat(out.header("Set-Cookie"))
                .as("after the cookie is inserted")
                .isEqualTo("SRV=w1; path=/; SameSite=Lax");
        assertThat(deny.status()).isEqualTo(429);
        assertThat(deny.header("Strict-Transport-Security")).isEqualTo("max-age=60");
        assertThat(deny.body()).contains("429");
    }

    @Test
    void aListenSectionsRulesApplyOnce() {
        Router router = Router.of(ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP))
                .listen(
                        "web",
                        l -> l.bind(":80")
                                .server("web1", "127.0.0.1:8001")
                                .acl("ok", "status 200")
                                .httpResponse(HttpResponseRule.addHeader("X-Once", "1")
                                        .when("ok")))
                .build());

        ResponseHead out = router.responses()
                .respond(
                        router.route(RequestHead.get("/")).asForward(),
                        ResponseHead.builder(200).build());

        assertThat(out.headers("X-Once")).containsExactly("1");
    }

    @Test
    void aReconfigurationBringsItsResponseRulesForTheNextResponse() {
        Router router = router(f -> {}, b -> {});
        ResponseHead before = respond(router, "/", ResponseHead.builder(200).build());

        router.reconfigure(ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP))
                .frontend("main", f -> f.bind(":80").defaultBackend("app"))
                .backend(
                        "app",
                        b -> b.server("web1", "127.0.0.1:8001")
                                .httpResponse(HttpResponseRule.setHeader("X-Version", "2")))
                .build());
        ResponseHead after = respond(router, "/", ResponseHead.builder(200).build());

        assertThat(before.header("X-Version")).isNull();
        assertThat(after.header("X-Version")).isEqualTo("2");
    }

    @Test
    void misconfiguredRulesFailAtBuildNamingTheSection() {
        assertThatThrownBy(() -> router(f -> f.httpAfterResponse(HttpResponseRule.deny()), b -> {}))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("frontend 'main': http-after-response deny is not allowed");
        assertThatThrownBy(() -> router(
                        f -> {}, b -> b.httpResponse(HttpResponseRule.allow().when("missing"))))
                .hasMessage("backend 'app': acl 'missing' is not defined (defined: [])");
        assertThatThrownBy(() -> HttpResponseRule.replaceHeader("X", "(", "y"))
                .hasMessageStartingWith("http-response replace-header: regex '(' (expected: a regular expression");
        assertThatThrownBy(() -> HttpResponseRule.replaceValue("X", "a", "b\\"))
                .hasMessageContaining("incomplete escape");
        assertThatThrownBy(() -> HttpResponseRule.setStatus(99)).hasMessageContaining("status 99 (expected: 100-999)");
        assertThatThrownBy(() -> HttpResponseRule.redirect("/x", 304)).hasMessageContaining("code 304");
    }

    @Test
    void responseFetchesParseWithTheirAliases() {
        ResponseHead response = ResponseHead.builder(404)
                .version("HTTP/1.0")
                .header("Content-Type", "text/html")
                .header("X-Count", "3")
                .header("Vary", "a, b")
                .header("Set-Cookie", "SID=abc; Path=/")
                .build();
        RequestHead request = RequestHead.get("/");
        Map<String, Boolean> expected = Map.of(
                "status 400:499", true,
                "shdr(content-type) -m beg text/", true,
                "res.hdr_cnt(vary) 2", true,
                "shdr_cnt(x-missing) 0", true,
                "res.hdr_val(x-count) gt 2", true,
                "res.ver 1.0", true,
                "res.cook(SID) abc", true,
                "scook(OTHER) -m found", false,
                "res.hdr_sub(content-type) htm", true);
        expected.forEach((acl, matches) ->
                assertThat(Acl.parse(acl).test(request, response)).as(acl).isEqualTo(matches));
    }
}
