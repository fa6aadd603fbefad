package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.Backend;
import dev.fjord.lb.core.CheckResult;
import dev.fjord.lb.core.CheckStatus;
import dev.fjord.lb.core.HealthChecks;
import dev.fjord.lb.core.HttpCheck;
import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.ServerEventListener;
import dev.fjord.lb.core.VirtualTime;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** FjordMetrics.of over health checks in virtual time: the server meters follow checks and run-time changes. */
class FjordMetricsHealthTest {
    private final VirtualTime time = new VirtualTime();
    private final List<ServerEventListener> listeners = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private volatile CheckResult answer = new CheckResult(CheckStatus.L7OK, 200, Duration.ofMillis(2), "");

    @Test
    void serverStateAndCheckDurationFollowTheChecks() {
        Router router = router();
        start(router);

        assertThat(gauge("fjord.server.up", "web1")).isEqualTo(1);
        assertThat(gauge("fjord.check.duration", "web1")).isNaN();
        time.advance(Duration.ofMillis(1));
        assertThat(gauge("fjord.check.duration", "web1")).isEqualTo(2);

        answer = new CheckResult(CheckStatus.L7STS, 500, Duration.ofMillis(7), "");
        time.advance(Duration.ofSeconds(2)); // inter 1s: two failed checks, fall 2

        assertThat(gauge("fjord.server.up", "web1")).isZero();
        assertThat(gauge("fjord.check.duration", "web1")).isEqualTo(7);
    }

    @Test
    void serversAddedAtRunTimeGetMetersAndRemovedOnesLoseThem() {
        Router router = router();
        start(router);
        Backend app = router.backend("app");

        app.addServer("web2", "127.0.0.1:8002", s -> s.weight(5));
        assertThat(gauge("fjord.server.weight", "web2")).isEqualTo(5);

        app.removeServer("web2");
        assertThat(registry.find("fjord.server.weight").tag("server", "web2").gauge())
                .isNull();
    }

    private Router router() {
        return Router.builder(ProxyConfig.builder()
                        .defaults(d -> d.mode(Mode.HTTP))
                        .frontend("main", f -> f.bind(":80").defaultBackend("app"))
                        .backend(
                                "app",
                                b -> b.httpCheck(HttpCheck.get("/health"))
                                        .server(
                                                "web1",
                                                "127.0.0.1:8001",
                                                s -> s.check()
                                                        .inter(Duration.ofSeconds(1))
                                                        .fastInter(Duration.ofSeconds(1))
                                                        .fall(2)))
                        .build())
                .ticker(time)
                .build();
    }

    private void start(Router router) {
        HealthChecks checks = HealthChecks.start(
                router,
                time,
                (server, check, done) -> done.accept(answer),
                time,
                event -> listeners.forEach(listener -> listener.onEvent(event)),
                () -> 0L);
        FjordMetrics.of(router, checks, server -> 0, listeners::add).bindTo(registry);
    }

    private double gauge(String name, String server) {
        return registry.get(name)
                .tags("backend", "app", "server", server)
                .gauge()
                .value();
    }
}
