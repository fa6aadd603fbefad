package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

/** Health checks in virtual time: every timing below is computed from rise, fall and the intervals. */
class HealthChecksTest {
    private final VirtualTime time = new VirtualTime();
    private final List<String> events = new ArrayList<>();
    private final List<Long> checkTimes = new ArrayList<>();
    /** What the next check of a server answers, by server name. */
    private Function<String, CheckResult> answers = name -> ok();

    private static CheckResult ok() {
        return new CheckResult(CheckStatus.L7OK, 200, Duration.ofMillis(1), "");
    }

    private static CheckResult status(int code) {
        return new CheckResult(CheckStatus.L7STS, code, Duration.ofMillis(3), "");
    }

    private Router router(Consumer<ServerConfig.Builder> server) {
        return Router.builder(ProxyConfig.builder()
                        .defaults(d -> d.mode(Mode.HTTP))
                        .frontend("main", f -> f.bind(":80").defaultBackend("app"))
                        .backend(
                                "app",
                                b -> b.httpCheck(HttpCheck.get("/health_check.php"))
                                        .server("web1", "127.0.0.1:8001", s -> {
                                            s.check()
                                                    .inter(Duration.ofSeconds(2))
                                                    .fastInter(Duration.ofMillis(500))
                                                    .downInter(Duration.ofSeconds(5));
                                            server.accept(s);
                                        })
                                        .server("web2", "127.0.0.1:8002"))
                        .build())
                .ticker(time)
                .build();
    }

    private HealthChecks start(Router router) {
        CheckProbe probe = (server, check, done) -> {
            if (server.name().equals("web1")) {
                checkTimes.add(time.millis());
            }
            done.accept(answers.apply(server.name()));
        };
        return HealthChecks.start(
                router,
                time,
                probe,
                time,
                event -> {
                    if (!(event instanceof ServerEvent.CheckCompleted)) {
                        events.add(time.millis() + " " + event.message());
                    }
                },
                () -> 0L);
    }

    @Test
    void failingServerGoesDownAfterFallChecksAtFastinterThenRisesAfterRise() {
        Router router = router(s -> {});
        Server web1 = router.backend("app").requireServer("web1");
        start(router);

        answers = name -> status(500);
        time.advance(Duration.ofMillis(1000));
        // checks at 0 (health 4 -> 3), then fastinter: 500 (-> 2), 1000 (-> 1 < rise: DOWN)
        assertThat(checkTimes).containsExactly(0L, 500L, 1000L);
        assertThat(web1.operationalState()).isEqualTo(OperationalState.DOWN);
        assertThat(events)
                .containsExactly("1000 Server app/web1 is DOWN, reason: Layer7 wrong status, code: 500, "
                        + "check duration: 3ms. 1 active and 0 backup servers left.");

        time.advance(Duration.ofMillis(5000)); // DOWN: downinter
        assertThat(checkTimes).containsExactly(0L, 500L, 1000L, 6000L);

        answers = name -> ok();
        time.advance(Duration.ofMillis(5500)); // 11000 passes (-> 1, fastinter), 11500 passes (-> 2 = rise: UP)
        assertThat(checkTimes).containsExactly(0L, 500L, 1000L, 6000L, 11000L, 11500L);
        assertThat(web1.operationalState()).isEqualTo(OperationalState.UP);
        assertThat(events)
                .last()
                .isEqualTo("11500 Server app/web1 is UP, reason: Layer7 check passed, code: 200, "
                        + "check duration: 1ms. 2 active and 0 backup servers online.");

        time.advance(Duration.ofMillis(4000)); // UP again: inter
        assertThat(checkTimes).endsWith(11500L, 13500L, 15500L);
    }

    @Test
    void lastServerDownSaysTheBackendHasNone() {
        Router router = router(s -> {});
        router.backend("app").requireServer("web2").adminState(AdminState.MAINT);
        start(router);

        answers = name -> new CheckResult(CheckStatus.L4CON, 0, Duration.ZERO, "Connection refused");
        time.advance(Duration.ofMillis(1000));

        assertThat(events)
                .containsExactly(
                        "1000 Server app/web1 is DOWN, reason: Layer4 connection problem, info: \"Connection "
                                + "refused\", "
                                + "check duration: 0ms. 0 active and 0 backup servers left.",
                        "1000 backend app has no server available!");
    }

    @Test
    void alternatingResultsNeverFlap() {
        Router router = router(s -> {});
        start(router);
        boolean[] pass = {false};
        answers = name -> (pass[0] = !pass[0]) ? ok() : status(503);

        time.advance(Duration.ofSeconds(60));

        assertThat(events).isEmpty();
        assertThat(router.backend("app").requireServer("web1").operationalState())
                .isEqualTo(OperationalState.UP);
    }

    @Test
    void recoveredServerRampsItsWeightOverSlowStart() {
        Router router = router(s -> s.weight(100).slowStart(Duration.ofSeconds(10)));
        Server web1 = router.backend("app").requireServer("web1");
        start(router);
        answers = name -> status(500);
        time.advance(Duration.ofMillis(1000));
        answers = name -> ok();
        time.advance(Duration.ofMillis(5500)); // UP again at 6500

        assertThat(web1.operationalState()).isEqualTo(OperationalState.UP);
        assertThat(web1.weight()).isEqualTo(1);
        time.advance(Duration.ofSeconds(5));
        assertThat(web1.weight()).isEqualTo(50);
        time.advance(Duration.ofMillis(2500));
        assertThat(web1.weight()).isEqualTo(75);
        time.advance(Duration.ofSeconds(5));
        assertThat(web1.weight()).isEqualTo(100);
    }

    @Test
    void notFoundWithDisableOn404PutsTheServerInNolb() {
        Router router = router(s -> {});
        Server web1 = router.backend("app").requireServer("web1");
        start(router);
        HttpCheck check = HttpCheck.get("/health").disableOn404();
        answers = name -> new CheckResult(check.evaluate(404, ""), 404, Duration.ofMillis(1), "");

        time.advance(Duration.ofMillis(1));

        assertThat(web1.operationalState()).isEqualTo(OperationalState.NOLB);
        assertThat(web1.isBalanced()).isFalse();
        assertThat(web1.acceptsPersistent()).isTrue();
        answers = name -> ok();
        time.advance(Duration.ofSeconds(2));
        assertThat(web1.operationalState()).isEqualTo(OperationalState.UP);
    }

    @Test
    void passiveErrorsMarkDownAtTheLimit() {
        Router router =
                router(s -> s.observe(PassiveCheck.layer7().errorLimit(3).onError(PassiveCheck.OnError.MARK_DOWN)));
        Server web1 = router.backend("app").requireServer("web1");
        HealthChecks checks = start(router);

        checks.reportError(web1, true);
        checks.reportError(web1, true);
        checks.reportSuccess(web1); // errors must come in a row
        checks.reportError(web1, true);
        checks.reportError(web1, true);
        assertThat(web1.operationalState()).isEqualTo(OperationalState.UP);
        checks.reportError(web1, true);

        assertThat(web1.operationalState()).isEqualTo(OperationalState.DOWN);
        assertThat(events)
                .containsExactly("0 Server app/web1 is DOWN, reason: Health analyze: 3 consecutive errors. "
                        + "1 active and 0 backup servers left.");
    }

    @Test
    void suddenDeathLeavesOneFailedCheckBeforeDown() {
        Router router =
                router(s -> s.observe(PassiveCheck.layer4().errorLimit(2).onError(PassiveCheck.OnError.SUDDEN_DEATH)));
        Server web1 = router.backend("app").requireServer("web1");
        HealthChecks checks = start(router);
        time.advance(Duration.ofMillis(100)); // first check at 0 passed

        checks.reportError(web1, false);
        checks.reportError(web1, false);
        assertThat(web1.operationalState()).isEqualTo(OperationalState.UP);
        answers = name -> status(500);
        time.advance(Duration.ofMillis(500)); // the confirming check comes at fastinter

        assertThat(web1.operationalState()).isEqualTo(OperationalState.DOWN);
        assertThat(checkTimes).containsExactly(0L, 600L);
    }

    @Test
    void layer7ErrorsDoNotCountUnderObserveLayer4() {
        Router router =
                router(s -> s.observe(PassiveCheck.layer4().errorLimit(1).onError(PassiveCheck.OnError.MARK_DOWN)));
        Server web1 = router.backend("app").requireServer("web1");
        HealthChecks checks = start(router);

        checks.reportError(web1, true);

        assertThat(web1.operationalState()).isEqualTo(OperationalState.UP);
    }

    @Test
    void disabledChecksStopAndResume() {
        Router router = router(s -> {});
        Server web1 = router.backend("app").requireServer("web1");
        HealthChecks checks = start(router);
        time.advance(Duration.ofMillis(1));
        checks.disable(web1);

        time.advance(Duration.ofSeconds(10));
        assertThat(checkTimes).containsExactly(0L);
        assertThat(checks.isEnabled(web1)).isFalse();

        checks.enable(web1);
        time.advance(Duration.ofMillis(1));
        assertThat(checkTimes).containsExactly(0L, 10001L);
        assertThat(checks.lastCheck(web1)).isEqualTo(ok());
        assertThatThrownBy(() -> checks.disable(router.backend("app").requireServer("web2")))
                .hasMessage("backend 'app': server 'web2' has no health check (expected: 'check' on its line)");
    }

    @Test
    void httpCheckExpectations() {
        assertThat(HttpCheck.get("/").evaluate(302, "")).isEqualTo(CheckStatus.L7OK);
        assertThat(HttpCheck.get("/").evaluate(500, "")).isEqualTo(CheckStatus.L7STS);
        HttpCheck strict = HttpCheck.get("/").expect(HttpCheck.Expect.status("200,204"));
        assertThat(strict.evaluate(204, "")).isEqualTo(CheckStatus.L7OK);
        assertThat(strict.evaluate(302, "")).isEqualTo(CheckStatus.L7STS);
        HttpCheck body = HttpCheck.get("/").expect(HttpCheck.Expect.string("database: ok"));
        assertThat(body.evaluate(200, "status\ndatabase: ok\n")).isEqualTo(CheckStatus.L7OK);
        assertThat(body.evaluate(200, "database: down")).isEqualTo(CheckStatus.L7RSP);
        HttpCheck notMaint =
                HttpCheck.get("/").expect(HttpCheck.Expect.rstring("maint").negate());
        assertThat(notMaint.evaluate(200, "in maintenance")).isEqualTo(CheckStatus.L7RSP);
        assertThat(HttpCheck.get("/").expect(HttpCheck.Expect.rstatus("^2")).evaluate(201, ""))
                .isEqualTo(CheckStatus.L7OK);
        assertThatThrownBy(() -> HttpCheck.Expect.status("2xx"))
                .hasMessage("http-check expect: status '2xx' (expected: codes or ranges, e.g. 200,300-399)");
    }

    @Test
    void fullyDownServerTakesTrafficOnlyAfterRiseChecks() {
        Router router = router(s -> s.initState(InitState.FULLY_DOWN));
        Server web1 = router.backend("app").requireServer("web1");
        start(router);

        assertThat(web1.operationalState()).isEqualTo(OperationalState.DOWN);
        assertThat(router.route(RequestHead.get("/")).asForward().server().name())
                .isEqualTo("web2");
        time.advance(Duration.ofMillis(500)); // checks at 0 (health 1) and 500 (2 = rise)
        assertThat(web1.operationalState()).isEqualTo(OperationalState.UP);
    }

    @Test
    void upInitStateGoesDownAtTheFirstFailure() {
        Router router = router(s -> s.initState(InitState.UP));
        start(router);
        answers = name -> status(500);

        time.advance(Duration.ofMillis(1));

        assertThat(router.backend("app").requireServer("web1").operationalState())
                .isEqualTo(OperationalState.DOWN);
    }

    @Test
    void serverAddedWhileRunningJoinsAfterPassingItsChecks() {
        Router router = router(s -> {});
        start(router);
        Backend app = router.backend("app");

        Server web3 = app.addServer(
                "web3",
                "127.0.0.1:8003",
                s -> s.check()
                        .inter(Duration.ofSeconds(1))
                        .fastInter(Duration.ofMillis(200))
                        .cookie("s3"));

        assertThat(web3.operationalState()).isEqualTo(OperationalState.DOWN);
        for (int i = 0; i < 6; i++) {
            assertThat(router.route(RequestHead.get("/")).asForward().server().name())
                    .isNotEqualTo("web3");
        }
        time.advance(Duration.ofMillis(200)); // checks at 0 and 200: rise 2
        assertThat(web3.operationalState()).isEqualTo(OperationalState.UP);
        assertThat(app.server("web3")).isSameAs(web3);
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < 6; i++) {
            names.add(router.route(RequestHead.get("/")).asForward().server().name());
        }
        assertThat(names).containsExactlyInAnyOrder("web1", "web2", "web3");
        assertThatThrownBy(() -> app.addServer("web3", "127.0.0.1:8004", s -> {}))
                .hasMessage("backend 'app': server 'web3' is defined twice");
    }

    @Test
    void removedServerGetsNoNewRequestsAndIsNoLongerChecked() {
        Router router = router(s -> {});
        Backend app = router.backend("app");
        start(router);
        time.advance(Duration.ofMillis(1));

        app.removeServer("web1");
        time.advance(Duration.ofSeconds(10));

        assertThat(checkTimes).containsExactly(0L);
        assertThat(app.servers()).extracting(Server::name).containsExactly("web2");
        for (int i = 0; i < 4; i++) {
            assertThat(router.route(RequestHead.get("/")).asForward().server().name())
                    .isEqualTo("web2");
        }
        assertThatThrownBy(() -> app.removeServer("web1"))
                .hasMessage("backend 'app': server 'web1' is not defined (defined: [web2])");
    }

    @Test
    void spreadChecksVariesIntervalsWithinTheirPercent() {
        Router router = Router.builder(ProxyConfig.builder()
                        .global(g -> g.spreadChecks(25))
                        .defaults(d -> d.mode(Mode.HTTP))
                        .frontend("main", f -> f.bind(":80").defaultBackend("app"))
                        .backend(
                                "app",
                                b -> b.server(
                                        "web1", "127.0.0.1:8001", s -> s.check().inter(Duration.ofSeconds(2))))
                        .build())
                .ticker(time)
                .build();
        java.util.Random random = new java.util.Random(3);
        HealthChecks.start(
                router,
                time,
                (server, check, done) -> {
                    checkTimes.add(time.millis());
                    done.accept(ok());
                },
                time,
                ServerEventListener.NONE,
                random::nextLong);

        time.advance(Duration.ofSeconds(60));

        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < checkTimes.size(); i++) {
            gaps.add(checkTimes.get(i) - checkTimes.get(i - 1));
        }
        assertThat(gaps)
                .hasSizeGreaterThan(20)
                .allSatisfy(gap -> assertThat(gap).isBetween(1500L, 2500L));
        assertThat(new java.util.HashSet<>(gaps)).hasSizeGreaterThan(5); // they do vary
    }

    @Test
    void theListenerAlsoHearsTheRunTimeModel() {
        Router router = router(s -> {});
        start(router);
        Backend app = router.backend("app");

        app.requireServer("web2").adminState(AdminState.DRAIN);
        app.addServer("web3", "127.0.0.1:8003", s -> {});

        assertThat(events)
                .containsExactly(
                        "0 Server app/web2 enters drain state. 1 active and 0 backup servers left.",
                        "0 Server app/web3 added at 127.0.0.1:8003.");
    }
}
