package dev.fjord.lb.netty.reactor;

import static dev.fjord.lb.netty.reactor.LoopbackServers.await;
import static dev.fjord.lb.netty.reactor.LoopbackServers.heldUntil;
import static dev.fjord.lb.netty.reactor.LoopbackServers.slow;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.Server;

import io.netty.handler.codec.http.HttpMethod;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/** {@code maxconn} bounds the calls in flight per server; the rest wait in its queue, up to {@code timeout queue}. */
@Timeout(60)
class FjordHttpClientLimitsTest {
    @RegisterExtension
    final LoopbackServers servers = new LoopbackServers();

    private FjordHttpClient client;

    @Test
    void callsBeyondMaxConnWaitAndThoseStillWaitingAtTimeoutQueueFailSayingSo() {
        Sinks.Empty<Void> gate = Sinks.empty();
        var web1 = servers.start("web1", heldUntil(gate));
        client = servers.client(b ->
                b.retries(0).timeoutQueue(Duration.ofMillis(300)).server("web1", web1.address(), s -> s.maxConn(2)));
        Server server = client.backend().requireServer("web1");
        List<String> results = new CopyOnWriteArrayList<>();

        for (int i = 0; i < 5; i++) {
            FjordHttpClientRetryTest.call(client, HttpMethod.GET)
                    .subscribe(
                            results::add,
                            error -> results.add(error.getClass().getSimpleName() + ": " + error.getMessage()));
        }

        assertThat(await(() -> web1.inFlight.get() == 2 && client.queued(server) == 3, Duration.ofSeconds(5)))
                .as("2 calls at the server, 3 queued")
                .isTrue();
        assertThat(await(() -> results.size() == 3, Duration.ofSeconds(5))).isTrue();
        assertThat(results)
                .allSatisfy(r -> assertThat(r)
                        .startsWith("FjordClientException: backend 'app': "
                                + "server 'web1': no slot within timeout queue 300 ms (maxconn 2"));
        assertThat(client.queued(server)).isZero();
        gate.tryEmitEmpty();
        assertThat(await(() -> results.size() == 5, Duration.ofSeconds(5))).isTrue();
        assertThat(results.subList(3, 5)).containsOnly("200 web1");
        assertThat(web1.received.get()).isEqualTo(2);
        assertThat(web1.maxInFlight.get()).isEqualTo(2);
    }

    @Test
    void queuedCallsTakeTheSlotsAsTheyFreeUpAndNeverExceedMaxConn() {
        var web1 = servers.start("web1", slow(Duration.ofMillis(30)));
        client = servers.client(
                b -> b.timeoutQueue(Duration.ofSeconds(10)).server("web1", web1.address(), s -> s.maxConn(3)));

        List<String> results = Flux.range(0, 30)
                .flatMap(i -> FjordHttpClientRetryTest.call(client, HttpMethod.GET), 12)
                .collectList()
                .block(Duration.ofSeconds(30));

        assertThat(results).hasSize(30).containsOnly("200 web1");
        // the server counts a call until its own handler ends, just after the caller got the answer and the next
        // call took the slot: it may see one more than maxconn for an instant; the slots never hold more than 3
        assertThat(web1.maxInFlight.get()).isBetween(3, 4);
        String row = client.statsCsv()
                .lines()
                .filter(line -> line.startsWith("app,web1,"))
                .findFirst()
                .orElseThrow();
        assertThat(row).startsWith("app,web1,0,"); // qcur: none waiting now
        // qmax: 12 calls at once, 3 served (a call may start before the one it replaces has released its slot)
        assertThat(Integer.parseInt(row.split(",")[3])).isBetween(9, 12);
        assertThat(Integer.parseInt(row.split(",")[5])).as("smax").isEqualTo(3);
        // the last connection is released just after its response reached the caller
        assertThat(await(() -> client.backend().requireServer("web1").activeConnections() == 0, Duration.ofSeconds(5)))
                .as("no connection left active")
                .isTrue();
    }

    @Test
    void aFullQueueRefusesAtOnce() {
        Sinks.Empty<Void> gate = Sinks.empty();
        var web1 = servers.start("web1", heldUntil(gate));
        client = servers.client(b ->
                b.retries(0).server("web1", web1.address(), s -> s.maxConn(1).maxQueue(1)));
        List<String> results = new CopyOnWriteArrayList<>();

        for (int i = 0; i < 3; i++) {
            FjordHttpClientRetryTest.call(client, HttpMethod.GET)
                    .subscribe(results::add, error -> results.add(error.getMessage()));
        }

        assertThat(await(() -> results.size() == 1, Duration.ofSeconds(5))).isTrue();
        assertThat(results)
                .containsExactly("backend 'app': server 'web1': queue full (maxqueue 1, maxconn 1; "
                        + "expected: a free place)");
        gate.tryEmitEmpty();
        assertThat(await(() -> results.size() == 3, Duration.ofSeconds(5))).isTrue();
        assertThat(web1.received.get()).isEqualTo(2);
    }
}
