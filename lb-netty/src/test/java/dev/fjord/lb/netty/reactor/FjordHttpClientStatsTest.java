package dev.fjord.lb.netty.reactor;

import static dev.fjord.lb.netty.reactor.LoopbackServers.await;
import static dev.fjord.lb.netty.reactor.LoopbackServers.ok;
import static dev.fjord.lb.netty.reactor.LoopbackServers.status;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.HttpCheck;
import dev.fjord.lb.core.OperationalState;
import dev.fjord.lb.core.RetryOn;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.http.HttpMethod;

/** Fjord's counters, CSV and meters move with the client's calls; active checks take a sick server out. */
@Timeout(60)
class FjordHttpClientStatsTest {
    @RegisterExtension
    final LoopbackServers servers = new LoopbackServers();

    private FjordHttpClient client;

    @Test
    void countersStatsAndMetersCountCallsResponsesAndRedispatchesPerServer() throws InterruptedException {
        var web1 = servers.start("web1", ok());
        var busy = servers.start("busy", status(503));
        client = servers.client(b -> b.redispatch(true)
                .retryOn(RetryOn.STATUS_503)
                .server("web1", web1.address())
                .server("busy", busy.address()));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        client.metrics().bindTo(registry);

        for (int i = 0; i < 6; i++) {
            assertThat(FjordHttpClientRetryTest.call(client, HttpMethod.GET).block(Duration.ofSeconds(10)))
                    .isEqualTo("200 web1");
        }

        assertThat(registry.get("fjord.requests")
                        .tags("backend", "app", "server", "web1")
                        .functionCounter()
                        .count())
                .isEqualTo(6);
        assertThat(registry.get("fjord.requests")
                        .tags("server", "busy")
                        .functionCounter()
                        .count())
                .isEqualTo(busy.received.get())
                .isPositive();
        assertThat(registry.get("fjord.responses")
                        .tags("server", "web1", "class", "2xx")
                        .functionCounter()
                        .count())
                .isEqualTo(6);
        assertThat(registry.get("fjord.responses")
                        .tags("server", "busy", "class", "5xx")
                        .functionCounter()
                        .count())
                .isEqualTo(busy.received.get());
        assertThat(registry.get("fjord.redispatches")
                        .tags("server", "busy")
                        .functionCounter()
                        .count())
                .isEqualTo(busy.received.get());
        // a session ends when Reactor Netty releases its connection to the pool, just after the body reached the caller
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (registry.get("fjord.sessions.current")
                                .tags("server", "web1")
                                .gauge()
                                .value()
                        > 0
                && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(5);
        }
        assertThat(registry.get("fjord.sessions.current")
                        .tags("server", "web1")
                        .gauge()
                        .value())
                .isZero();
        assertThat(registry.get("fjord.queue.current")
                        .tags("server", "web1")
                        .gauge()
                        .value())
                .isZero();
        assertThat(registry.get("fjord.server.up")
                        .tags("server", "web1")
                        .gauge()
                        .value())
                .isEqualTo(1);

        List<String> csv = client.statsCsv().lines().toList();
        String web1Row = csv.stream()
                .filter(line -> line.startsWith("app,web1,"))
                .findFirst()
                .orElseThrow();
        String[] columns = web1Row.split(",", -1);
        List<String> names = List.of(csv.get(0).substring(2).split(","));
        assertThat(columns[names.indexOf("stot")]).isEqualTo("6");
        assertThat(columns[names.indexOf("hrsp_2xx")]).isEqualTo("6");
        assertThat(columns[names.indexOf("lbtot")]).isEqualTo("6");
        assertThat(csv).anyMatch(line -> line.startsWith("app,BACKEND,"));
    }

    @Test
    void anActiveHttpCheckTakesASickServerOutAfterFallFailuresAndItsMetersSaySo() {
        var web1 = servers.start("web1", ok());
        var sick = servers.start("sick", status(500));
        client = servers.client(b -> b.httpCheck(HttpCheck.get("/health"))
                .defaultServer(
                        s -> s.check().inter(Duration.ofMillis(100)).fall(2).rise(2))
                .server("web1", web1.address())
                .server("sick", sick.address()));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        client.metrics().bindTo(registry);

        assertThat(await(
                        () -> client.backend().requireServer("sick").operationalState() == OperationalState.DOWN,
                        Duration.ofSeconds(5)))
                .isTrue();
        int sickBefore = sick.received.get(); // its health checks so far
        for (int i = 0; i < 6; i++) {
            assertThat(FjordHttpClientRetryTest.call(client, HttpMethod.GET).block(Duration.ofSeconds(10)))
                    .isEqualTo("200 web1");
        }

        assertThat(client.backend().requireServer("sick").counters().sessions()).isZero();
        assertThat(sick.received.get() - sickBefore).isLessThanOrEqualTo(2); // checks only, every 100 ms
        assertThat(registry.get("fjord.server.up")
                        .tags("server", "sick")
                        .gauge()
                        .value())
                .isZero();
        assertThat(registry.get("fjord.check.duration")
                        .tags("server", "sick")
                        .gauge()
                        .value())
                .isNotNaN();
        assertThat(client.healthChecks()
                        .lastCheck(client.backend().requireServer("sick"))
                        .code())
                .isEqualTo(500);
        assertThat(client.statsCsv()).contains("app,sick,").contains("DOWN");
    }
}
