package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.OperationalState;
import dev.fjord.lb.core.Server;

/**
 * A server that dies under load (its listening socket and every connection closed at once, as the kernel does for a
 * process killed with SIGKILL): requests caught by it go to the other server at once, without the turn-around
 * delay, so no client sees an error or waits a second; connection failures mark it DOWN without waiting for
 * {@code fall} checks. The figures are printed; the bound asserted is the turn-around (1 s) a redispatch must not
 * wait, not a speed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServerDeathTest {
    private static final int CLIENTS = 50;

    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @Test
    void aServerKilledUnderLoadCostsNoClientAnErrorNorASecond() throws Exception {
        RecordingHttpServer web1 = fjord.recordingServer();
        RecordingHttpServer web2 = fjord.recordingServer();
        for (RecordingHttpServer server : List.of(web1, web2)) {
            server.respond(request -> {
                try {
                    TimeUnit.MILLISECONDS.sleep(2); // some requests are always in flight when the server dies
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return RecordingHttpServer.OK.apply(request);
            });
        }
        FjordProxy proxy = fjord.start("defaults\n    mode http\n    option http-server-close\n    retries 3\n"
                + "    option redispatch\n    retry-on conn-failure empty-response response-timeout\n"
                + "    timeout connect 1s\n    timeout client 5s\n    timeout server 5s\n"
                + "frontend main\n    bind 127.0.0.1:0\n    default_backend app\n"
                + "backend app\n    balance roundrobin\n"
                + "    server web1 " + web1.address() + " check inter 1s rise 2 fall 2\n"
                + "    server web2 " + web2.address() + " check inter 1s rise 2 fall 2\n");
        Server dying = proxy.router().backend("app").requireServer("web2");

        AtomicInteger ok = new AtomicInteger();
        List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicLong slowestNanos = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            running.add(clients.submit(() -> {
                for (int i = 0; i < 100_000 && System.nanoTime() < end; i++) { // bounded in count and time
                    try (RawClient client = new RawClient(proxy.address("main"))) {
                        long start = System.nanoTime();
                        String response = client.send("GET /" + i + " HTTP/1.1\r\nHost: x\r\n\r\n")
                                .readResponse();
                        slowestNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
                        if (response.startsWith("HTTP/1.1 200")) {
                            ok.incrementAndGet();
                        } else {
                            errors.add(response.lines().findFirst().orElse(response));
                        }
                    } catch (IOException e) {
                        errors.add(e.toString());
                    }
                }
                return null;
            }));
        }
        TimeUnit.SECONDS.sleep(1);
        int web2Before = web2.received().size();
        long killedAt = System.nanoTime();
        web2.close(); // SIGKILL as sockets see it: refused connects, in-flight connections closed
        long downAfterNanos = -1;
        while (System.nanoTime() - killedAt < TimeUnit.SECONDS.toNanos(1)) {
            if (dying.operationalState() == OperationalState.DOWN) {
                downAfterNanos = System.nanoTime() - killedAt;
                break;
            }
            TimeUnit.MILLISECONDS.sleep(1);
        }
        for (Future<?> client : running) {
            client.get(20, TimeUnit.SECONDS);
        }
        clients.shutdownNow();

        long slowestMillis = TimeUnit.NANOSECONDS.toMillis(slowestNanos.get());
        System.out.printf(
                "server death under %d clients: %d ok, %d errors, slowest %d ms, web2 DOWN after %.1f ms, "
                        + "web2 had %d requests before%n",
                CLIENTS, ok.get(), errors.size(), slowestMillis, downAfterNanos / 1e6, web2Before);
        assertThat(web2Before).as("web2 took traffic before it died").isPositive();
        assertThat(errors).as("client errors").isEmpty();
        assertThat(slowestMillis)
                .as("slowest request (ms): no turn-around before a redispatch")
                .isLessThan(1000);
        assertThat(downAfterNanos)
                .as("web2 marked DOWN by connect failures, not after fall x inter")
                .isPositive();
        assertThat(proxy.router().backend("app").counters().redispatches()).isPositive();
    }
}
