package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

/**
 * {@link Router#reconfigure}: a new configuration applied to the running model, keeping the state of what stays
 * (health, admin state, counters, stick-table entries) and routing every next request with the whole new one.
 */
class RouterReconfigureTest {
    private final VirtualTime time = new VirtualTime();
    private final List<String> events = new ArrayList<>();
    private final List<String> probed = new ArrayList<>();

    private static ProxyConfig config(Consumer<BackendConfig.Builder> app, Consumer<FrontendConfig.Builder> main) {
        return ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP))
                .frontend("main", f -> {
                    f.bind(":80").defaultBackend("app");
                    main.accept(f);
                })
                .backend("app", app)
                .backend("static", b -> b.server("cdn1", "127.0.0.1:9001"))
                .build();
    }

    private static final Consumer<BackendConfig.Builder> TWO_SERVERS =
            b -> b.stickTable(StickTable.ip(100).expire(Duration.ofMinutes(5)))
                    .stick(StickRule.on("src"))
                    .server("web1", "127.0.0.1:8001", s -> s.check())
                    .server("web2", "127.0.0.1:8002", s -> s.check());

    private Router router(ProxyConfig config) {
        Router router = Router.builder(config).ticker(time).build();
        router.listen(event -> {
            if (!(event instanceof ServerEvent.CheckCompleted)) {
                events.add(event.message());
            }
        });
        return router;
    }

    private void checks(Router router) {
        HealthChecks.start(
                router,
                time,
                (server, check, done) -> {
                    probed.add(server.name());
                    done.accept(new CheckResult(CheckStatus.L4OK, 0, Duration.ofMillis(1), ""));
                },
                time,
                event -> {
                    if (event instanceof ServerEvent.StateChanged) {
                        events.add(event.message()); // the others reach the router's listener too
                    }
                },
                () -> 0L);
    }

    private static RequestHead from(String client) {
        return RequestHead.builder().client(client, 40000).build();
    }

    @Test
    void serversThatStayKeepTheirStateAndTheNewOnesJoinAfterTheirChecks() {
        Router router = router(config(TWO_SERVERS, f -> {}));
        checks(router);
        Backend app = router.backend("app");
        Server web1 = app.requireServer("web1");
        Server web2 = app.requireServer("web2");
        web2.adminState(AdminState.DRAIN);
        Server stuckTo = router.route(from("10.0.0.7")).asForward().server();
        web1.counters().sessionStarted();

        Reconfiguration changes = router.reconfigure(config(
                b -> b.stickTable(StickTable.ip(100).expire(Duration.ofMinutes(5)))
                        .stick(StickRule.on("src"))
                        .server("web1", "127.0.0.1:8001", s -> s.check().weight(50))
                        .server("web2", "127.0.0.1:8002", s -> s.check())
                        .server("web3", "127.0.0.1:8003", s -> s.check()),
                f -> {}));

        assertThat(changes.serversAdded()).containsExactly("app/web3");
        assertThat(changes.serversChanged()).containsExactly("app/web1");
        assertThat(changes.backendsChanged()).containsExactly("app");
        assertThat(changes.toString()).isEqualTo("backends ~[app]; servers +[app/web3] ~[app/web1]");
        assertThat(app.requireServer("web1")).isSameAs(web1);
        assertThat(web1.weight()).isEqualTo(50);
        assertThat(web1.counters().sessions()).isEqualTo(1);
        assertThat(web2.adminState()).isEqualTo(AdminState.DRAIN);
        assertThat(router.route(from("10.0.0.7")).asForward().server())
                .as("the stick-table entry survives")
                .isSameAs(stuckTo);

        Server web3 = app.requireServer("web3");
        assertThat(web3.operationalState())
                .as("checked before it takes traffic")
                .isEqualTo(OperationalState.DOWN);
        time.advance(Duration.ofSeconds(5));
        assertThat(web3.operationalState()).isEqualTo(OperationalState.UP);
        assertThat(events)
                .contains("Server app/web3 is UP, reason: Layer4 check passed, check duration: 1ms. "
                        + "2 active and 0 backup servers online."); // web2 drains
    }

    @Test
    void aServerRemovedLeavesAndIsNoLongerCheckedOrChosen() {
        Router router = router(config(TWO_SERVERS, f -> {}));
        checks(router);
        Server web2 = router.backend("app").requireServer("web2");

        Reconfiguration changes =
                router.reconfigure(config(b -> b.server("web1", "127.0.0.1:8001", s -> s.check()), f -> {}));

        assertThat(changes.serversRemoved()).containsExactly("app/web2");
        assertThat(web2.adminState())
                .as("requests in flight finish; none is sent")
                .isEqualTo(AdminState.MAINT);
        assertThat(router.backend("app").servers()).extracting(Server::name).containsExactly("web1");
        probed.clear();
        time.advance(Duration.ofSeconds(10));
        assertThat(probed).containsOnly("web1");
        for (int i = 0; i < 10; i++) {
            assertThat(router.route(from("10.0.0." + i)).asForward().server().name())
                    .isEqualTo("web1");
        }
    }

    @Test
    void rulesAndAclsOfTheNewConfigurationRouteTheNextRequest() {
        Router router = router(config(TWO_SERVERS, f -> {}));
        RequestHead image = RequestHead.get("/img/logo.png");
        assertThat(router.route(image).asForward().backend().name()).isEqualTo("app");

        router.reconfigure(config(
                TWO_SERVERS,
                f -> f.acl("static", Acl.pathBeg("/img"))
                        .useBackend("static", Condition.acl("static"))
                        .acl("admin", Acl.pathBeg("/admin"))
                        .httpRequest(HttpRequestRule.deny().when("admin"))));

        assertThat(router.route(image).asForward().backend().name()).isEqualTo("static");
        assertThat(router.route(RequestHead.get("/admin"))).isInstanceOf(RouteDecision.Respond.class);
        assertThat(router.frontendCounters("main")).as("frontend counters kept").isNotNull();
    }

    @Test
    void backendsAndFrontendsComeAndGo() {
        Router router = router(config(TWO_SERVERS, f -> {}));
        Counters mainCounters = router.frontendCounters("main");
        Server cdn1 = router.backend("static").requireServer("cdn1");

        Reconfiguration changes = router.reconfigure(ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP))
                .frontend("main", f -> f.bind(":80").defaultBackend("app"))
                .frontend("admin", f -> f.bind(":81").defaultBackend("api"))
                .backend("app", TWO_SERVERS)
                .backend("api", b -> b.server("api1", "127.0.0.1:7001"))
                .build());

        assertThat(changes.frontendsAdded()).containsExactly("admin");
        assertThat(changes.backendsAdded()).containsExactly("api");
        assertThat(changes.backendsRemoved()).containsExactly("static");
        assertThat(changes.serversRemoved()).isEmpty(); // a removed backend's servers leave with it
        assertThat(cdn1.adminState()).isEqualTo(AdminState.MAINT);
        assertThat(events).contains("Server static/cdn1 removed.");
        assertThat(router.frontendCounters("main")).isSameAs(mainCounters);
        assertThat(router.frontend("admin")
                        .route(RequestHead.get("/"))
                        .asForward()
                        .server()
                        .name())
                .isEqualTo("api1");
        assertThatThrownBy(() -> router.backend("static"))
                .hasMessage("backend 'static' is not defined (defined: [app, api])");
    }

    @Test
    void theSameConfigurationChangesNothing() {
        ProxyConfig config = config(TWO_SERVERS, f -> {});
        Router router = router(config);

        Reconfiguration changes = router.reconfigure(config);

        assertThat(changes.isEmpty()).isTrue();
        assertThat(changes).hasToString("no change");
        assertThat(events).isEmpty();
    }
}
