package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reference cluster (reference/haproxy.cfg) built with the fluent API and routed in-process: the
 * acceptance test of the foundation.
 */
class ReferenceConfigTest {

    /** The reference haproxy.cfg, line for line, in code. */
    static ProxyConfig referenceConfig() {
        return ProxyConfig.builder()
                .global(g ->
                        g.log(LogTarget.of("127.0.0.1", "local2")).maxConn(4000).statsSocket("/var/lib/haproxy/stats"))
                .defaults(d -> d.mode(Mode.HTTP)
                        .logGlobal(true)
                        .logFormat(LogFormat.HTTP)
                        .dontLogNull(true)
                        .connectionMode(ConnectionMode.HTTP_SERVER_CLOSE)
                        .forwardFor(ForwardFor.except("127.0.0.0/8"))
                        .redispatch(true)
                        .retries(3)
                        .timeoutHttpRequest(Duration.ofSeconds(10))
                        .timeoutQueue(Duration.ofMinutes(1))
                        .timeoutConnect(Duration.ofSeconds(10))
                        .timeoutClient(Duration.ofMinutes(1))
                        .timeoutServer(Duration.ofMinutes(1))
                        .timeoutHttpKeepAlive(Duration.ofSeconds(10))
                        .timeoutCheck(Duration.ofSeconds(10))
                        .maxConn(3000))
                .frontend(
                        "main",
                        f -> f.bind("*:80")
                                .acl(
                                        "url_static",
                                        Acl.pathBeg("/static", "/images", "/javascript", "/stylesheets")
                                                .ignoreCase())
                                .acl(
                                        "url_static",
                                        Acl.pathEnd(".jpg", ".gif", ".png", ".css", ".js")
                                                .ignoreCase())
                                .defaultBackend("app"))
                .backend(
                        "app",
                        b -> b.balance(Balance.roundRobin())
                                .cookie(Cookie.insert("SERVERID").indirect().noCache())
                                .httpCheck(HttpCheck.get("/health_check.php"))
                                .server(
                                        "web1",
                                        "192.168.10.11:80",
                                        s -> s.check().cookie("s1"))
                                .server(
                                        "web2",
                                        "192.168.10.12:80",
                                        s -> s.check().cookie("s2")))
                .listen(
                        "stats",
                        l -> l.bind("*:1936")
                                .stats(s -> s.uri("/").hideVersion().auth("admin", "SuperSecretPassword")))
                .build();
    }

    private Router router;

    @BeforeEach
    void setUp() {
        router = Router.of(referenceConfig());
    }

    @Test
    void staticPathsMatchUrlStaticCaseInsensitively() {
        RouteDecision decision = router.route(RequestHead.get("/IMAGES/logo.PNG"));

        assertThat(decision.matchedAcls()).containsExactly("url_static");
        assertThat(decision.backend().name()).isEqualTo("app");
        assertThat(router.route(RequestHead.get("/css/site.CSS")).matchedAcls()).containsExactly("url_static");
        assertThat(router.route(RequestHead.get("/index.php")).matchedAcls()).isEmpty();
    }

    @Test
    void everyRequestGoesToApp() {
        for (String path : List.of("/", "/static/a.js", "/index.php?x=1", "/images/x.gif")) {
            assertThat(router.route(RequestHead.get(path)).backend().name()).isEqualTo("app");
        }
    }

    @Test
    void roundRobinAlternatesAndInsertsTheCookieWithNoCache() {
        List<String> servers = new ArrayList<>();
        List<String> cookies = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            RouteDecision.Forward decision = router.route(RequestHead.get("/")).asForward();
            assertThat(decision.cookieStatus()).isEqualTo(CookieStatus.NONE);
            servers.add(decision.server().name());
            cookies.add(decision.setCookie());
            assertThat(decision.responseEdits())
                    .containsExactly(
                            new HeaderEdit.Add("Set-Cookie", decision.setCookie()),
                            new HeaderEdit.Add("Cache-Control", "private"));
        }

        assertThat(servers).containsExactly("web1", "web2", "web1", "web2", "web1", "web2");
        assertThat(cookies)
                .containsExactly(
                        "SERVERID=s1; path=/",
                        "SERVERID=s2; path=/",
                        "SERVERID=s1; path=/",
                        "SERVERID=s2; path=/",
                        "SERVERID=s1; path=/",
                        "SERVERID=s2; path=/");
    }

    @Test
    void cookieSticksToItsServerAndIsRemovedBeforeForwarding() {
        RequestHead request = RequestHead.builder()
                .uri("/cart")
                .header("Cookie", "PHPSESSID=abc; SERVERID=s2; lang=en")
                .build();

        for (int i = 0; i < 4; i++) {
            RouteDecision.Forward decision = router.route(request).asForward();
            assertThat(decision.server().name()).isEqualTo("web2");
            assertThat(decision.cookieStatus()).isEqualTo(CookieStatus.VALID);
            assertThat(decision.setCookie()).isNull();
            assertThat(decision.responseEdits()).isEmpty();
            assertThat(decision.forwardedRequest().headers("Cookie")).containsExactly("PHPSESSID=abc; lang=en");
        }
    }

    @Test
    void onlyCookieIsDeletedWhenItIsTheOnlyOne() {
        RouteDecision.Forward decision = router.route(
                        RequestHead.builder().header("Cookie", "SERVERID=s1").build())
                .asForward();

        assertThat(decision.server().name()).isEqualTo("web1");
        assertThat(decision.requestEdits()).contains(new HeaderEdit.Delete("Cookie"));
        assertThat(decision.forwardedRequest().headers("Cookie")).isEmpty();
    }

    @Test
    void cookieOfADownServerGoesElsewhereAndIsRepinned() {
        router.backend("app").requireServer("web2").markDown();

        RouteDecision.Forward decision = router.route(
                        RequestHead.builder().header("Cookie", "SERVERID=s2").build())
                .asForward();

        assertThat(decision.server().name()).isEqualTo("web1");
        assertThat(decision.cookieStatus()).isEqualTo(CookieStatus.DOWN);
        assertThat(decision.setCookie()).isEqualTo("SERVERID=s1; path=/");
        assertThat(decision.forwardedRequest().headers("Cookie")).isEmpty();
    }

    @Test
    void cookieOfAServerInMaintGoesElsewhere() {
        router.backend("app").requireServer("web2").adminState(AdminState.MAINT);

        RouteDecision.Forward decision = router.route(
                        RequestHead.builder().header("Cookie", "SERVERID=s2").build())
                .asForward();

        assertThat(decision.server().name()).isEqualTo("web1");
        assertThat(decision.setCookie()).isEqualTo("SERVERID=s1; path=/");
    }

    @Test
    void drainingServerKeepsItsStickyClientsButGetsNoNewOnes() {
        router.backend("app").requireServer("web2").adminState(AdminState.DRAIN);

        RouteDecision.Forward sticky = router.route(
                        RequestHead.builder().header("Cookie", "SERVERID=s2").build())
                .asForward();
        assertThat(sticky.server().name()).isEqualTo("web2");
        assertThat(sticky.cookieStatus()).isEqualTo(CookieStatus.VALID);

        for (int i = 0; i < 4; i++) {
            assertThat(router.route(RequestHead.get("/")).asForward().server().name())
                    .isEqualTo("web1");
        }
    }

    @Test
    void unknownCookieIsInvalidRemovedAndRepinned() {
        RouteDecision.Forward decision = router.route(
                        RequestHead.builder().header("Cookie", "SERVERID=s9").build())
                .asForward();

        assertThat(decision.cookieStatus()).isEqualTo(CookieStatus.INVALID);
        assertThat(decision.setCookie()).startsWith("SERVERID=s");
        assertThat(decision.forwardedRequest().headers("Cookie")).isEmpty();
    }

    @Test
    void forwardedForIsAddedExceptForLoopbackClients() {
        RouteDecision.Forward remote = router.route(RequestHead.builder()
                        .client("203.0.113.7", 40000)
                        .header("X-Forwarded-For", "10.9.9.9")
                        .build())
                .asForward();
        assertThat(remote.forwardedRequest().headers("X-Forwarded-For")).containsExactly("10.9.9.9", "203.0.113.7");

        RouteDecision.Forward local = router.route(
                        RequestHead.builder().client("127.0.0.5", 40000).build())
                .asForward();
        assertThat(local.forwardedRequest().headers("X-Forwarded-For")).isEmpty();

        RouteDecision.Forward v6 = router.route(
                        RequestHead.builder().client("2001:db8:0:0:0:0:0:7", 1).build())
                .asForward();
        assertThat(v6.forwardedRequest().header("X-Forwarded-For")).isEqualTo("2001:db8::7");
    }

    @Test
    void allServersDownAnswers503() {
        router.backend("app").requireServer("web1").markDown();
        router.backend("app").requireServer("web2").markDown();

        RouteDecision decision = router.route(RequestHead.get("/"));

        assertThat(decision.asRespond().response().status()).isEqualTo(503);
        assertThat(decision.backend().name()).isEqualTo("app");
    }

    @Test
    void statsListenerAsksForCredentialsThenServesThePage() {
        LocalResponse anonymous = router.route(
                        RequestHead.builder().localPort(1936).build())
                .asRespond()
                .response();
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("WWW-Authenticate")).isEqualTo("Basic realm=\"HAProxy Statistics\"");

        RouteDecision wrong = router.route(RequestHead.builder()
                .localPort(1936)
                .header("Authorization", "Basic YWRtaW46d3Jvbmc=")
                .build());
        assertThat(wrong.asRespond().response().status()).isEqualTo(401);

        RouteDecision.Stats admin = router.route(RequestHead.builder()
                        .localPort(1936)
                        .header("Authorization", "Basic YWRtaW46U3VwZXJTZWNyZXRQYXNzd29yZA==")
                        .build())
                .asStats();
        assertThat(admin.frontend().name()).isEqualTo("stats");
    }

    @Test
    void redispatchNeverReturnsTheFailedServerAndRepinsTheCookie() {
        RouteDecision.Forward first = router.route(
                        RequestHead.builder().header("Cookie", "SERVERID=s2").build())
                .asForward();

        RouteDecision.Forward retry = router.redispatch(first).asForward();

        assertThat(retry.server().name()).isEqualTo("web1");
        assertThat(retry.setCookie()).isEqualTo("SERVERID=s1; path=/");
        assertThat(retry.forwardedRequest().headers("Cookie")).isEmpty();
    }

    @Test
    void theConfigHoldsEveryValueOfTheFile() {
        ProxyConfig config = referenceConfig();
        Settings app = config.backend("app").settings();

        assertThat(config.global().maxConn()).isEqualTo(4000);
        assertThat(config.frontend("main").settings().maxConn()).isEqualTo(3000);
        assertThat(app.retries()).isEqualTo(3);
        assertThat(app.redispatch()).isTrue();
        assertThat(app.connectionMode()).isEqualTo(ConnectionMode.HTTP_SERVER_CLOSE);
        assertThat(app.forwardFor()).isEqualTo(ForwardFor.except("127.0.0.0/8"));
        assertThat(app.timeouts().queue()).isEqualTo(Duration.ofMinutes(1));
        assertThat(app.timeouts().check()).isEqualTo(Duration.ofSeconds(10));
        assertThat(app.httpCheck()).isEqualTo(HttpCheck.get("/health_check.php"));
        assertThat(config.frontend("main").settings().logFormat()).isEqualTo(LogFormat.HTTP);
        assertThat(config.frontend("main").settings().dontLogNull()).isTrue();
        assertThat(config.frontend("main").acls().get("url_static")).hasSize(2);
        assertThat(config.frontend("stats").stats().hideVersion()).isTrue();
        assertThat(config.frontend("stats").stats().uri()).isEqualTo("/");
        assertThat(config).isEqualTo(referenceConfig());
    }
}
