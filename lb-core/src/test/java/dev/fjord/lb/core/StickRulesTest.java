package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

/** {@code stick match|on|store-request} on any key, in order, after cookies and before balancing. */
class StickRulesTest {
    private final VirtualTime time = new VirtualTime();

    private Router router(Consumer<ProxyConfig.Builder> more, Consumer<BackendConfig.Builder> app) {
        ProxyConfig.Builder builder = ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP))
                .frontend("main", f -> f.bind(":80").defaultBackend("app"))
                .backend("app", b -> {
                    b.server("web1", "127.0.0.1:8001").server("web2", "127.0.0.1:8002");
                    app.accept(b);
                });
        more.accept(builder);
        return Router.builder(builder.build()).ticker(time).build();
    }

    private static RequestHead user(String id) {
        return RequestHead.get("/cart?user=" + id);
    }

    private static String server(Router router, RequestHead request) {
        return router.route(request).asForward().server().name();
    }

    @Test
    void stickOnAUrlParameterKeepsEachUserOnTheirServer() {
        Router router = router(
                p -> {},
                b -> b.stickTable(StickTable.string(100).expire(Duration.ofMinutes(30)))
                        .stick(StickRule.on("url_param(user)")));
        assertThat(server(router, user("alice"))).isEqualTo("web1");
        assertThat(server(router, user("bob"))).isEqualTo("web2");
        for (int i = 0; i < 4; i++) {
            assertThat(server(router, user("alice"))).isEqualTo("web1");
            assertThat(server(router, user("bob"))).isEqualTo("web2");
        }
        assertThat(server(router, RequestHead.get("/"))).isIn("web1", "web2"); // no key: balanced

        String table = StickTrackingTest.commands(router).execute("show table app");
        assertThat(table)
                .contains("key=alice use=0 exp=1800000 server_id=1 server_key=web1\n")
                .contains("key=bob use=0 exp=1800000 server_id=2 server_key=web2\n");
    }

    @Test
    void aStickyServerThatIsDownIsLeftForAnother() {
        Router router = router(p -> {}, b -> b.stickTable(StickTable.ip(100)).stick(StickRule.on("src")));
        RequestHead alice = RequestHead.builder().client("198.51.100.1", 1).build();
        assertThat(server(router, alice)).isEqualTo("web1");
        router.backend("app").requireServer("web1").markDown();
        assertThat(server(router, alice)).isEqualTo("web2");
        router.backend("app").requireServer("web1").markUp();
        assertThat(server(router, alice)).isEqualTo("web2"); // stored again on web2
    }

    @Test
    void matchAndStoreMayUseDifferentKeysAndConditions() {
        // the documentation's pattern: store under the address, match on a header naming it (a proxy in between)
        Router router = router(
                p -> {},
                b -> b.stickTable(StickTable.ip(100))
                        .stick(StickRule.match("hdr_ip(x-forwarded-for,-1)").when("{ hdr_cnt(x-forwarded-for) gt 0 }"))
                        .stick(StickRule.match("src"))
                        .stick(StickRule.storeRequest("src")));
        RequestHead direct = RequestHead.builder().client("203.0.113.5", 1).build();
        RequestHead viaProxy = RequestHead.builder()
                .header("X-Forwarded-For", "10.1.1.1, 203.0.113.5")
                .client("192.0.2.250", 1)
                .build();
        assertThat(server(router, direct)).isEqualTo("web1");
        assertThat(server(router, viaProxy)).isEqualTo("web1"); // matched on the header's last address
        assertThat(router.stickTables().get("app").used()).isEqualTo(2); // stored under the proxy's address too
    }

    @Test
    void aBackendMayStickInAnotherBackendsTable() {
        Router router = router(
                p -> p.backend("shared", b -> b.stickTable(StickTable.ip(100).expire(Duration.ofMinutes(30)))),
                b -> b.stick(StickRule.on("src").table("shared")));
        RequestHead alice = RequestHead.builder().client("198.51.100.1", 1).build();
        assertThat(server(router, alice)).isEqualTo("web1");
        assertThat(server(router, alice)).isEqualTo("web1");
        assertThat(router.stickTables().get("shared").used()).isEqualTo(1);
    }

    @Test
    void aSharedTableFindsAServerOfAnotherNameByItsPosition() {
        // HAProxy's example: HTTP and HTTPS backends sharing a table; here their servers are named apart
        Router router = router(
                p -> p.backend(
                                "https",
                                b -> b.stick(StickRule.on("src").table("app"))
                                        .server("s1-tls", "127.0.0.1:8443")
                                        .server("s2-tls", "127.0.0.1:8444"))
                        .frontend("tls", f -> f.bind(":443").defaultBackend("https")),
                b -> b.stickTable(StickTable.ip(100)).stick(StickRule.on("src")));
        RequestHead bob =
                RequestHead.builder().client("198.51.100.2", 1).localPort(80).build();
        router.route(
                RequestHead.builder().client("198.51.100.1", 1).localPort(80).build());
        assertThat(router.route(bob).asForward().server().name()).isEqualTo("web2");
        RequestHead bobOverTls =
                RequestHead.builder().client("198.51.100.2", 1).localPort(443).build();
        assertThat(router.route(bobOverTls).asForward().server().name()).isEqualTo("s2-tls"); // server_id 2
    }

    @Test
    void aCookieWinsButTheServerIsStoredAnyway() {
        Router router = router(
                p -> {},
                b -> b.cookie(Cookie.insert("SRV"))
                        .editServer("web1", s -> s.cookie("s1"))
                        .editServer("web2", s -> s.cookie("s2"))
                        .stickTable(StickTable.ip(100))
                        .stick(StickRule.on("src")));
        RequestHead withCookie = RequestHead.builder()
                .header("Cookie", "SRV=s2")
                .client("198.51.100.1", 1)
                .build();
        assertThat(server(router, withCookie)).isEqualTo("web2");
        assertThat(server(
                        router, RequestHead.builder().client("198.51.100.1", 1).build()))
                .isEqualTo("web2"); // no cookie now: the stored entry says web2
    }

    @Test
    void aReconfigurationKeepsATableWhoseDefinitionStaysAndEmptiesOneThatChanged() {
        ProxyConfig.Builder first = ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP))
                .frontend("main", f -> f.bind(":80").defaultBackend("app"))
                .backend(
                        "app",
                        b -> b.stickTable(StickTable.ip(100).expire(Duration.ofMinutes(30)))
                                .stick(StickRule.on("src"))
                                .server("web1", "127.0.0.1:8001")
                                .server("web2", "127.0.0.1:8002"));
        Router router = Router.builder(first.build()).ticker(time).build();
        RequestHead alice = RequestHead.builder().client("198.51.100.1", 1).build();
        RequestHead bob = RequestHead.builder().client("198.51.100.2", 1).build();
        assertThat(server(router, alice)).isEqualTo("web1");
        assertThat(server(router, bob)).isEqualTo("web2");

        router.reconfigure(first.editBackend("app", b -> b.server("web3", "127.0.0.1:8003"))
                .build());
        assertThat(server(router, bob)).isEqualTo("web2"); // the same table, the same entries
        assertThat(router.stickTables().get("app").used()).isEqualTo(2);

        router.reconfigure(
                first.editBackend("app", b -> b.stickTable(StickTable.ip(200))).build());
        assertThat(router.stickTables().get("app").used()).isZero(); // another definition: a new table
    }

    @Test
    void headersThatKeysAreFetchedFromAreRoutingHeaders() {
        ProxyConfig config = ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP))
                .frontend(
                        "main",
                        f -> f.bind(":80")
                                .stickTable(StickTable.string(10))
                                .httpRequest(HttpRequestRule.trackSc(0, "req.hdr(X-Api-Key)"))
                                .defaultBackend("app"))
                .backend(
                        "app",
                        b -> b.stickTable(StickTable.ip(10))
                                .stick(StickRule.on("hdr_ip(x-real-ip)"))
                                .server("web1", "127.0.0.1:8001"))
                .build();
        assertThat(config.routingHeaders("main")).contains("x-api-key", "x-real-ip");
    }
}
