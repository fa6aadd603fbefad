package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

class RouterRulesTest {

    private static Router router(Consumer<FrontendConfig.Builder> frontend) {
        return Router.of(ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP))
                .frontend("main", f -> {
                    f.bind(":80").defaultBackend("app");
                    frontend.accept(f);
                })
                .backend("app", b -> b.server("web1", "127.0.0.1:8001").server("web2", "127.0.0.1:8002"))
                .backend("api", b -> b.server("api1", "127.0.0.1:9001"))
                .build());
    }

    @Test
    void rulesRunInOrderAndDenyAnswersWithItsStatus() {
        Router router = router(f -> f.acl("admin", "path_beg /admin")
                .httpRequest(HttpRequestRule.allow().when("LOCALHOST"))
                .httpRequest(HttpRequestRule.deny(429).when("admin")));

        RouteDecision external = router.route(
                RequestHead.builder().uri("/admin/x").client("198.51.100.1", 1).build());
        assertThat(external.asRespond().response().status()).isEqualTo(429);
        assertThat(external.backend()).isNull();

        RouteDecision local = router.route(
                RequestHead.builder().uri("/admin/x").client("127.0.0.1", 1).build());
        assertThat(local).isInstanceOf(RouteDecision.Forward.class);
    }

    @Test
    void redirectsBuildTheirLocation() {
        Router router = router(
                f -> f.httpRequest(HttpRequestRule.redirectScheme("https", 301).when("{ hdr(host) -i shop.example }"))
                        .httpRequest(HttpRequestRule.redirectPrefix("https://new.example", 302)
                                .when("{ path_beg /old }"))
                        .httpRequest(HttpRequestRule.redirectLocation("/maintenance.html", 307)
                                .when("{ path /down }")));

        LocalResponse scheme = router.route(RequestHead.builder()
                        .uri("/a?b=1")
                        .header("Host", "SHOP.example")
                        .build())
                .asRespond()
                .response();
        assertThat(scheme.status()).isEqualTo(301);
        assertThat(scheme.header("Location")).isEqualTo("https://SHOP.example/a?b=1");

        LocalResponse prefix =
                router.route(RequestHead.get("/old/page")).asRespond().response();
        assertThat(prefix.status()).isEqualTo(302);
        assertThat(prefix.header("Location")).isEqualTo("https://new.example/old/page");

        assertThat(router.route(RequestHead.get("/down")).asRespond().response().header("Location"))
                .isEqualTo("/maintenance.html");
    }

    @Test
    void headerRulesEditTheRequestAndLaterRulesSeeTheEdits() {
        Router router = router(f -> f.httpRequest(HttpRequestRule.delHeader("X-Debug"))
                .httpRequest(HttpRequestRule.setHeader("X-Tier", "api").when("{ path_beg /api }"))
                .httpRequest(HttpRequestRule.addHeader("X-Via", "fjord"))
                .useBackend("api", "{ hdr(x-tier) api }"));

        RouteDecision.Forward decision = router.route(RequestHead.builder()
                        .uri("/api/v1")
                        .header("X-Debug", "1")
                        .header("X-Tier", "spoofed")
                        .header("X-Tier", "twice")
                        .build())
                .asForward();

        assertThat(decision.backend().name()).isEqualTo("api");
        RequestHead forwarded = decision.forwardedRequest();
        assertThat(forwarded.headers("X-Debug")).isEmpty();
        assertThat(forwarded.headers("X-Tier")).containsExactly("api");
        assertThat(forwarded.headers("X-Via")).containsExactly("fjord");
        assertThat(decision.request().headers("X-Tier")).containsExactly("spoofed", "twice");
    }

    @Test
    void returnAnswersWithTheConfiguredContent() {
        Router router = router(f -> f.httpRequest(
                HttpRequestRule.returnResponse(200, "text/plain", "pong\n").when("{ path /ping }")));

        LocalResponse response =
                router.route(RequestHead.get("/ping")).asRespond().response();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("content-type")).isEqualTo("text/plain");
        assertThat(response.body()).isEqualTo("pong\n");
    }

    @Test
    void firstMatchingUseBackendWinsElseDefault() {
        Router router = router(f -> f.acl("is_api", "path_beg /api")
                .acl("is_v2", "path_beg /api/v2")
                .useBackend("app", "is_v2")
                .useBackend("api", "is_api"));

        assertThat(router.route(RequestHead.get("/api/v2/x")).backend().name()).isEqualTo("app");
        assertThat(router.route(RequestHead.get("/api/v1/x")).backend().name()).isEqualTo("api");
        assertThat(router.route(RequestHead.get("/")).backend().name()).isEqualTo("app");
        assertThat(router.route(RequestHead.get("/api/v1/x")).matchedAcls()).containsExactly("is_api");
    }

    @Test
    void frontendWithoutBackendAnswers503() {
        Router router = Router.of(ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP))
                .frontend("main", f -> f.bind(":80"))
                .build());

        assertThat(router.route(RequestHead.get("/")).asRespond().response().status())
                .isEqualTo(503);
    }

    @Test
    void routeByPortNamesTheBinds() {
        Router router = Router.of(ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP))
                .frontend("main", f -> f.bind(":80").defaultBackend("app"))
                .frontend("admin", f -> f.bind("127.0.0.1:8000").defaultBackend("app"))
                .backend("app", b -> b.server("web1", "127.0.0.1:8001"))
                .build());

        assertThat(router.route(RequestHead.builder().localPort(8000).build())
                        .frontend()
                        .name())
                .isEqualTo("admin");
        assertThatThrownBy(
                        () -> router.route(RequestHead.builder().localPort(81).build()))
                .hasMessage("no frontend binds port 81 (binds: [main [*:80], admin [127.0.0.1:8000]]): route through"
                        + " one by name, router.frontend(\"main\").route(request), or give the request a bound port,"
                        + " RequestHead.builder().localPort(PORT)");
        assertThatThrownBy(() -> router.route("mian", RequestHead.get("/")))
                .hasMessage("frontend 'mian' is not defined (defined: [main, admin])");
    }

    @Test
    void routingTestsNameTheFrontendWhenThereAreSeveral() {
        Router router = Router.of(ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP))
                .frontend("main", f -> f.bind("127.0.0.1:8080").defaultBackend("app"))
                .listen("stats", l -> l.bind("127.0.0.1:1936").stats(s -> s.uri("/")))
                .backend("app", b -> b.server("web1", "127.0.0.1:8001"))
                .build());

        RouteDecision.Forward decision =
                router.frontend("main").route(RequestHead.get("/cart")).asForward(); // port 80
        assertThat(decision.frontend().name()).isEqualTo("main");
        assertThat(decision.server().name()).isEqualTo("web1");
        assertThatThrownBy(() -> router.frontend("mian"))
                .hasMessage("frontend 'mian' is not defined (defined: [main, stats])");
    }

    @Test
    void stickTableKeepsAClientOnItsServerUntilExpiry() {
        AtomicLong nanos = new AtomicLong();
        Router router = Router.builder(ProxyConfig.builder()
                        .defaults(d -> d.mode(Mode.HTTP))
                        .frontend("main", f -> f.bind(":80").defaultBackend("app"))
                        .backend(
                                "app",
                                b -> b.stickTable(StickTable.ip(1000).expire(Duration.ofMinutes(30)))
                                        .stick(StickRule.on("src"))
                                        .server("web1", "127.0.0.1:8001")
                                        .server("web2", "127.0.0.1:8002"))
                        .build())
                .ticker(nanos::get)
                .build();
        RequestHead alice = RequestHead.builder().client("198.51.100.1", 1).build();
        RequestHead bob = RequestHead.builder().client("198.51.100.2", 1).build();

        assertThat(router.route(alice).asForward().server().name()).isEqualTo("web1");
        assertThat(router.route(bob).asForward().server().name()).isEqualTo("web2");
        for (int i = 0; i < 5; i++) {
            // stuck: round robin does not move
            assertThat(router.route(alice).asForward().server().name()).isEqualTo("web1");
        }
        nanos.addAndGet(Duration.ofMinutes(29).toNanos());
        // still within 30 minutes of last use
        assertThat(router.route(alice).asForward().server().name()).isEqualTo("web1");

        nanos.addAndGet(Duration.ofMinutes(31).toNanos());
        assertThat(router.route(RequestHead.builder().client("198.51.100.3", 1).build())
                        .asForward()
                        .server()
                        .name())
                .isEqualTo("web1");
        assertThat(router.route(alice).asForward().server().name()).isEqualTo("web2"); // expired: balanced anew
    }

    @Test
    void prefixCookieIsStrippedForTheServerAndAddedToItsCookie() {
        Router router = Router.of(ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP))
                .frontend("main", f -> f.bind(":80").defaultBackend("app"))
                .backend(
                        "app",
                        b -> b.cookie(Cookie.prefix("JSESSIONID"))
                                .server("web1", "127.0.0.1:8001", s -> s.cookie("s1"))
                                .server("web2", "127.0.0.1:8002", s -> s.cookie("s2")))
                .build());

        RouteDecision.Forward decision = router.route(RequestHead.builder()
                        .header("Cookie", "a=1; JSESSIONID=s2~ABC123; b=2")
                        .build())
                .asForward();

        assertThat(decision.server().name()).isEqualTo("web2");
        assertThat(decision.forwardedRequest().header("Cookie")).isEqualTo("a=1; JSESSIONID=ABC123; b=2");
        assertThat(decision.setCookie()).isNull();
        assertThat(decision.rewriteSetCookie("JSESSIONID=XYZ; Path=/; HttpOnly"))
                .isEqualTo("JSESSIONID=s2~XYZ; Path=/; HttpOnly");
        assertThat(decision.rewriteSetCookie("other=1")).isEqualTo("other=1");
    }

    @Test
    void rewriteCookieGetsTheServersValue() {
        Router router = Router.of(ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP))
                .frontend("main", f -> f.bind(":80").defaultBackend("app"))
                .backend(
                        "app",
                        b -> b.cookie(Cookie.rewrite("SRV")).server("web1", "127.0.0.1:8001", s -> s.cookie("s1")))
                .build());

        assertThat(router.route(RequestHead.get("/")).asForward().rewriteSetCookie("SRV=anything; path=/"))
                .isEqualTo("SRV=s1; path=/");
    }

    @Test
    void insertOptionsShapeTheSetCookie() {
        Router router = Router.of(ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP))
                .frontend("main", f -> f.bind(":80").defaultBackend("app"))
                .backend(
                        "app",
                        b -> b.cookie(Cookie.insert("SRV")
                                        .postOnly()
                                        .httpOnly()
                                        .secure()
                                        .domain(".example.com")
                                        .domain(".example.org"))
                                .server("web1", "127.0.0.1:8001", s -> s.cookie("s1")))
                .build());

        assertThat(router.route(RequestHead.get("/")).asForward().setCookie()).isNull();
        RouteDecision.Forward post = router.route(RequestHead.builder()
                        .method("POST")
                        .header("Host", "www.example.org:8080")
                        .build())
                .asForward();
        assertThat(post.setCookie()).isEqualTo("SRV=s1; path=/; domain=.example.org; HttpOnly; Secure");
        assertThat(post.responseEdits()).containsExactly(new HeaderEdit.Add("Set-Cookie", post.setCookie()));
    }

    @Test
    void maxIdleAndMaxLifeExpireCookies() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.ofEpochSecond(1_800_000_000L));
        InstantSource clock = () -> now.get();
        Router router = Router.builder(ProxyConfig.builder()
                        .defaults(d -> d.mode(Mode.HTTP))
                        .frontend("main", f -> f.bind(":80").defaultBackend("app"))
                        .backend(
                                "app",
                                b -> b.cookie(Cookie.insert("SRV")
                                                .indirect()
                                                .maxIdle(Duration.ofMinutes(30))
                                                .maxLife(Duration.ofHours(8)))
                                        .server("web1", "127.0.0.1:8001", s -> s.cookie("s1"))
                                        .server("web2", "127.0.0.1:8002", s -> s.cookie("s2")))
                        .build())
                .clock(clock)
                .build();

        String first = router.route(RequestHead.get("/")).asForward().setCookie();
        String value = first.substring(4, first.indexOf(';'));
        assertThat(value).startsWith("s1|");

        now.set(now.get().plus(Duration.ofMinutes(20)));
        RouteDecision.Forward refreshed = router.route(
                        RequestHead.builder().header("Cookie", "SRV=" + value).build())
                .asForward();
        assertThat(refreshed.cookieStatus()).isEqualTo(CookieStatus.VALID);
        assertThat(refreshed.server().name()).isEqualTo("web1");
        String refreshedValue =
                refreshed.setCookie().substring(4, refreshed.setCookie().indexOf(';'));
        assertThat(refreshedValue).isNotEqualTo(value).endsWith(value.substring(value.lastIndexOf('|')));

        now.set(now.get().plus(Duration.ofMinutes(31)));
        RouteDecision idle = router.route(
                RequestHead.builder().header("Cookie", "SRV=" + refreshedValue).build());
        assertThat(idle.cookieStatus()).isEqualTo(CookieStatus.EXPIRED);

        now.set(now.get().plus(Duration.ofHours(9)));
        String fresh = "s1|" + Long.toString(now.get().getEpochSecond(), 32) + "|"
                + Long.toString(now.get().getEpochSecond() - Duration.ofHours(9).toSeconds(), 32);
        assertThat(router.route(RequestHead.builder()
                                .header("Cookie", "SRV=" + fresh)
                                .build())
                        .cookieStatus())
                .isEqualTo(CookieStatus.OLD);
    }

    @Test
    void redispatchWithoutAnotherServerAnswers503() {
        Router router = router(f -> {});
        router.backend("app").requireServer("web2").adminState(AdminState.MAINT);

        RouteDecision.Forward first = router.route(RequestHead.get("/")).asForward();
        RouteDecision retry = router.redispatch(first);

        assertThat(first.server().name()).isEqualTo("web1");
        assertThat(retry.asRespond().response().status()).isEqualTo(503);
        assertThat(retry.backend()).isSameAs(first.backend());
    }

    @Test
    void decisionsOfAnotherOutcomeSayWhatTheyAre() {
        Router router = router(f -> f.httpRequest(HttpRequestRule.deny().when("{ path /secret }")));
        RouteDecision denied = router.route(RequestHead.get("/secret"));

        assertThat(denied).hasToString("RESPOND 403");
        assertThatThrownBy(denied::asForward)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("not a forward: RESPOND 403");
        assertThatThrownBy(denied::asStats).hasMessage("not the stats page: RESPOND 403");
        assertThatThrownBy(() -> router.route(RequestHead.get("/")).asRespond())
                .hasMessage("not a local response: FORWARD main -> app/web1");
        RouteDecision.Forward elsewhere =
                router(f -> {}).route(RequestHead.get("/")).asForward();
        assertThatThrownBy(() -> router.redispatch(elsewhere))
                .hasMessage("backend 'app' is not this router's: FORWARD main -> app/web1");
    }
}
