package dev.fjord.lb.netty.reactor;

import static dev.fjord.lb.netty.reactor.LoopbackServers.slow;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.OperationalState;
import dev.fjord.lb.core.PassiveCheck;
import dev.fjord.lb.core.RetryOn;
import dev.fjord.lb.core.Server;
import dev.fjord.lb.core.ServerEvent;

import io.netty.handler.codec.http.HttpMethod;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A server killed while calls are flowing: its passive check takes it out, and retries hide it from callers. */
@Timeout(60)
class FjordHttpClientFailoverTest {
    private static final int CALLS = 600;
    private static final int KILL_AFTER = 60;

    @RegisterExtension
    final LoopbackServers servers = new LoopbackServers();

    private FjordHttpClient client;

    @Test
    void aServerKilledUnderLoadGetsNoMoreCallsOnceItsPassiveCheckTripsAndNoCallerSeesAnError() {
        var a = servers.start("a", slow(Duration.ofMillis(2)));
        var b = servers.start("b", slow(Duration.ofMillis(2)));
        var victim = servers.start("victim", slow(Duration.ofMillis(2)));
        AtomicLong attemptsAtDown = new AtomicLong(-1);
        client = servers.client(FjordHttpClient.builder(
                        "app",
                        backend -> backend.retries(3)
                                .redispatch(true)
                                .retryOn(RetryOn.CONN_FAILURE, RetryOn.EMPTY_RESPONSE)
                                .defaultServer(s -> s.observe(
                                        PassiveCheck.layer4().errorLimit(3).onError(PassiveCheck.OnError.MARK_DOWN)))
                                .server("a", a.address())
                                .server("b", b.address())
                                .server("victim", victim.address()))
                .eventListener(event -> {
                    if (event instanceof ServerEvent.StateChanged changed && changed.to() == OperationalState.DOWN) {
                        attemptsAtDown.set(attempts(changed.server()));
                    }
                }));
        Server victimServer = client.backend().requireServer("victim");
        AtomicInteger done = new AtomicInteger();

        List<String> results = Flux.range(0, CALLS)
                .flatMap(
                        i -> FjordHttpClientRetryTest.call(client, HttpMethod.GET)
                                .onErrorResume(error -> Mono.just("ERROR " + error))
                                .doOnNext(result -> {
                                    if (done.incrementAndGet() == KILL_AFTER) {
                                        CompletableFuture.runAsync(victim::kill); // a crash while 4 calls are in flight
                                    }
                                }),
                        4)
                .take(Duration.ofSeconds(30))
                .collectList()
                .block(Duration.ofSeconds(40));

        assertThat(results).hasSize(CALLS).noneMatch(result -> result.startsWith("ERROR"));
        assertThat(victim.received.get()).isGreaterThanOrEqualTo(KILL_AFTER / 4);
        assertThat(victimServer.operationalState()).isEqualTo(OperationalState.DOWN);
        assertThat(attemptsAtDown.get())
                .as("attempts on the victim when it went DOWN")
                .isPositive();
        assertThat(attempts(victimServer))
                .as("attempts on the victim by the end")
                .isEqualTo(attemptsAtDown.get());
        assertThat(victimServer.counters().connectionErrors()
                        + victimServer.counters().responseErrors())
                .isGreaterThanOrEqualTo(3);
    }

    /** Calls that reached the victim's slot, connected or not: {@code stot}. */
    private static long attempts(Server server) {
        return server.counters().sessions();
    }
}
