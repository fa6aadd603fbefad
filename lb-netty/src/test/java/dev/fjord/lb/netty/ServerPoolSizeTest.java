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
 * The idle server connections kept for reuse cover a burst of concurrent requests far beyond 64 (an HTTP/2 client
 * with 64 connections of 10 streams wants 640): a second burst as large reuses them all instead of connecting anew.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServerPoolSizeTest {
    private static final int BURST = 150;

    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final RecordingHttpServer server = fjord.recordingServer();
    private final AtomicReference<CountDownLatch> gate = new AtomicReference<>(new CountDownLatch(1));

    @Test
    void aSecondBurstReusesTheConnectionsOfTheFirst() throws Exception {
        server.respond(request -> {
            try {
                gate.get().await(20, TimeUnit.SECONDS); // every request of a burst held until all have arrived
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return RecordingHttpServer.response(request, 200, "ok");
        });
        FjordProxy proxy = fjord.start(
                "defaults\n    mode http\n    timeout connect 1s\n    timeout client 20s\n    timeout server 20s\n"
                        + "frontend main\n    bind 127.0.0.1:0\n    default_backend app\n"
                        + "backend app\n    server web1 " + server.address() + "\n",
                b -> b.ioThreads(1)); // one event loop: one pool

        burst(proxy, BURST);
        assertThat(server.connections()).isEqualTo(BURST);
        burst(proxy, 2 * BURST);

        assertThat(server.connections())
                .as("the second burst on the first one's connections")
                .isEqualTo(BURST);
    }

    /** {@link #BURST} concurrent requests, answered once the server holds all of them ({@code total} so far). */
    private void burst(FjordProxy proxy, int total) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        gate.set(release);
        List<RawClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < BURST; i++) {
                clients.add(new RawClient(proxy.address("main")).send("GET /" + i + " HTTP/1.1\r\nHost: x\r\n\r\n"));
            }
            server.await(total, 20_000);
            release.countDown();
            for (RawClient client : clients) {
                assertThat(client.readResponse()).startsWith("HTTP/1.1 200");
            }
        } finally {
            release.countDown();
            for (RawClient client : clients) {
                client.close();
            }
        }
    }
}
