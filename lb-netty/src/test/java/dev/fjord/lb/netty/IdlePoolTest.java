package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The idle server connections kept for reuse: they cover a burst of concurrent requests far beyond 64 (an HTTP/2
 * client with 64 connections of 10 streams wants 640), so a second burst as large reuses them all; once no longer
 * needed they are purged as HAProxy purges them ({@code pool-purge-delay}: half of those beyond the recent need each
 * period), a steady client keeps its one connection across purges, and {@code pool-max-conn} bounds how many stay
 * idle.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IdlePoolTest {
    private static final int BURST = 20;
    private static final int LARGE_BURST = 150;

    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final RecordingHttpServer server = fjord.recordingServer();
    private final AtomicReference<CountDownLatch> gate = new AtomicReference<>(new CountDownLatch(0));

    @Test
    void aSecondBurstReusesTheConnectionsOfTheFirst() throws Exception {
        FjordProxy proxy = start("");

        burst(proxy, LARGE_BURST);
        assertThat(server.connections()).isEqualTo(LARGE_BURST);
        burst(proxy, LARGE_BURST);

        assertThat(server.connections())
                .as("the second burst on the first one's connections")
                .isEqualTo(LARGE_BURST);
    }

    @Test
    void aBurstsIdleConnectionsCloseHalfAPeriodAtATimeOnceNoLongerNeeded() throws Exception {
        FjordProxy proxy = start("pool-purge-delay 100ms");
        BackendPool pool = pool(proxy);

        burst(proxy, BURST);
        List<Integer> seen = new ArrayList<>();
        int idle = awaitIdle(pool, BURST); // the first two periods close none: the burst needed them all
        seen.add(idle);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (idle > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(10);
            idle = pool.idleChannels().size();
            if (idle != seen.get(seen.size() - 1)) {
                seen.add(idle);
            }
        }

        assertThat(seen).as("idle connections over time").startsWith(BURST).endsWith(0);
        assertThat(seen).as("closed in steps, not all at once: %s", seen).anyMatch(count -> count > 0 && count < BURST);
        assertThat(server.connections()).isEqualTo(BURST);
    }

    @Test
    void aSteadyClientKeepsItsOneConnectionAcrossPurges() throws Exception {
        FjordProxy proxy = start("pool-purge-delay 200ms");

        try (RawClient client = new RawClient(proxy.address("main"))) {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
            for (int i = 0; i < 300 && System.nanoTime() < end; i++) {
                assertThat(client.send("GET /" + i + " HTTP/1.1\r\nHost: x\r\n\r\n")
                                .readResponse())
                        .startsWith("HTTP/1.1 200");
                TimeUnit.MILLISECONDS.sleep(20);
            }
        }

        assertThat(server.connections())
                .as("one server connection over 7 purge periods")
                .isEqualTo(1);
    }

    @Test
    void poolMaxConnBoundsTheIdleConnectionsOfTheServer() throws Exception {
        FjordProxy proxy = start("pool-max-conn 5");

        burst(proxy, BURST);

        assertThat(awaitIdle(pool(proxy), 5)).isEqualTo(5);
        TimeUnit.MILLISECONDS.sleep(100);
        assertThat(pool(proxy).idleChannels()).hasSize(5);
        assertThat(server.connections()).isEqualTo(BURST);
    }

    @Test
    void poolMaxConnZeroConnectsForEveryRequest() throws Exception {
        FjordProxy proxy = start("pool-max-conn 0");

        try (RawClient client = new RawClient(proxy.address("main"))) {
            for (int i = 0; i < 3; i++) {
                assertThat(client.send("GET /" + i + " HTTP/1.1\r\nHost: x\r\n\r\n")
                                .readResponse())
                        .startsWith("HTTP/1.1 200");
            }
        }

        assertThat(server.connections()).isEqualTo(3);
        assertThat(pool(proxy).idleChannels()).isEmpty();
    }

    private FjordProxy start(String poolOptions) {
        server.respond(request -> {
            try {
                gate.get().await(20, TimeUnit.SECONDS); // a burst's requests held until all have arrived
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return RecordingHttpServer.response(request, 200, "ok");
        });
        return fjord.start(
                "defaults\n    mode http\n    timeout connect 5s\n    timeout client 20s\n    timeout server 20s\n"
                        + "frontend main\n    bind 127.0.0.1:0\n    default_backend app\n"
                        + "backend app\n    server web1 " + server.address() + " " + poolOptions + "\n",
                b -> b.ioThreads(1)); // one event loop: one pool
    }

    private static BackendPool pool(FjordProxy proxy) {
        return proxy.runtime().pool(proxy.router().backend("app").requireServer("web1"), 0);
    }

    /** The idle connections once they are {@code wanted} (the last return to the pool follows its response), or 5 s. */
    private static int awaitIdle(BackendPool pool, int wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int idle = pool.idleChannels().size();
        while (idle != wanted && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(5);
            idle = pool.idleChannels().size();
        }
        return idle;
    }

    /** {@code size} concurrent requests, answered once the server holds them all; returns when all are answered. */
    private void burst(FjordProxy proxy, int size) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        gate.set(release);
        int before = server.received().size();
        List<RawClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < size; i++) {
                clients.add(new RawClient(proxy.address("main")).send("GET /" + i + " HTTP/1.1\r\nHost: x\r\n\r\n"));
            }
            server.await(before + size, 20_000);
            release.countDown();
            for (RawClient client : clients) {
                assertThat(client.readResponse()).startsWith("HTTP/1.1 200");
            }
        } finally {
            release.countDown();
            gate.set(new CountDownLatch(0));
            for (RawClient client : clients) {
                client.close();
            }
        }
    }
}
