package dev.fjord.lb.netty.reactor;

import static dev.fjord.lb.netty.reactor.LoopbackServers.ok;
import static dev.fjord.lb.netty.reactor.LoopbackServers.reset;
import static dev.fjord.lb.netty.reactor.LoopbackServers.status;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.BackendConfig;
import dev.fjord.lb.core.RetryOn;

import io.netty.handler.codec.http.HttpMethod;

import reactor.core.publisher.Mono;

/** Retries redispatched to another server: what each server received, and what callers saw. */
@Timeout(60)
class FjordHttpClientRetryTest {
    @RegisterExtension
    final LoopbackServers servers = new LoopbackServers();

    private FjordHttpClient client;

    private FjordHttpClient client(Consumer<BackendConfig.Builder> spec) {
        client = servers.client(spec);
        return client;
    }

    /** {@code STATUS BODY} of one call, e.g. {@code 200 a}. */
    static Mono<String> call(FjordHttpClient client, HttpMethod method) {
        return client.httpClient()
                .request(method)
                .uri("/")
                .responseSingle((response, body) -> body.asString()
                        .defaultIfEmpty("")
                        .map(text -> response.status().code() + " " + text));
    }

    private static List<String> sequentially(FjordHttpClient client, HttpMethod method, int calls) {
        List<String> results = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            results.add(call(client, method).block(Duration.ofSeconds(10)));
        }
        return results;
    }

    @Test
    void a503IsRetriedOnAnotherServerAndCallersSeeOnlyTheOthersAnswers() {
        var busy = servers.start("busy", status(503));
        var a = servers.start("a", ok());
        var b = servers.start("b", ok());
        client(backend -> backend.retries(2)
                .redispatch(true)
                .retryOn(RetryOn.CONN_FAILURE, RetryOn.STATUS_503)
                .server("busy", busy.address())
                .server("a", a.address())
                .server("b", b.address()));

        List<String> results = sequentially(client, HttpMethod.GET, 30);

        assertThat(results).allMatch(r -> r.equals("200 a") || r.equals("200 b"));
        assertThat(busy.received.get()).isGreaterThan(0); // round robin sent it its share first
        assertThat(a.received.get() + b.received.get()).isEqualTo(30);
        assertThat(client.backend().requireServer("busy").counters().redispatches())
                .isEqualTo(busy.received.get());
        assertThat(client.backend().counters().redispatches()).isEqualTo(busy.received.get());
    }

    @Test
    void aResetBeforeTheResponseIsRetriedOnAnotherServer() {
        var broken = servers.start("broken", reset());
        var a = servers.start("a", ok());
        client(backend -> backend.retries(1)
                .redispatch(true)
                .retryOn(RetryOn.CONN_FAILURE, RetryOn.EMPTY_RESPONSE)
                .server("broken", broken.address())
                .server("a", a.address()));

        List<String> results = sequentially(client, HttpMethod.GET, 10);

        assertThat(results).containsOnly("200 a");
        assertThat(broken.received.get()).isGreaterThan(0);
        assertThat(a.received.get()).isEqualTo(10);
        assertThat(client.backend().requireServer("broken").counters().responseErrors())
                .isEqualTo(broken.received.get());
    }

    @Test
    void aPostIsNotRetriedOnceTheServerMayHaveSeenIt() {
        var busy = servers.start("busy", status(503));
        var a = servers.start("a", ok());
        client(backend -> backend.retries(2)
                .redispatch(true)
                .retryOn(RetryOn.CONN_FAILURE, RetryOn.STATUS_503)
                .server("busy", busy.address())
                .server("a", a.address()));

        List<String> results = sequentially(client, HttpMethod.POST, 10);

        assertThat(results)
                .filteredOn(r -> r.equals("503 busy"))
                .hasSize(busy.received.get())
                .isNotEmpty();
        assertThat(client.backend().counters().redispatches()).isZero();
    }

    @Test
    void aRefusedConnectionIsRetriedOnAnotherServerEvenForAPost() {
        String dead = servers.deadAddress();
        var a = servers.start("a", ok());
        client(backend ->
                backend.retries(1).redispatch(true).server("dead", dead).server("a", a.address()));

        List<String> results = sequentially(client, HttpMethod.POST, 10);

        assertThat(results).containsOnly("200 a");
        assertThat(client.backend().requireServer("dead").counters().connectionErrors())
                .isGreaterThan(0);
    }

    @Test
    void withoutRedispatchARetryGoesBackToTheSameServerAndTheLastAnswerReachesTheCaller() {
        var busy = servers.start("busy", status(503));
        client(backend -> backend.retries(2).retryOn(RetryOn.STATUS_503).server("busy", busy.address()));

        assertThat(call(client, HttpMethod.GET).block(Duration.ofSeconds(10))).isEqualTo("503 busy");
        assertThat(busy.received.get()).isEqualTo(3); // the call and its two retries
        assertThat(client.backend().requireServer("busy").counters().retries()).isEqualTo(2);
    }
}
