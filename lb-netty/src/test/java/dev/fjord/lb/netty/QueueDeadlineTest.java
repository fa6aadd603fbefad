package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.ProxyConfig;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;

/**
 * {@code timeout queue} counts the time a request waited, even when its event loop is too busy to run the queue timer
 * on time: a slot granted after the deadline is passed on, and the request answered 503 (HAProxy's {@code sQ}), not
 * served seconds late as an overloaded proxy would otherwise do.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class QueueDeadlineTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final MockWebServer web = fjord.mockServer();
    private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private @Nullable FjordProxy proxy;

    @AfterEach
    void closeProxyThenLoop() {
        if (proxy != null) {
            proxy.close(); // a host application's order: the proxy, then its loops
        }
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void aSlotGrantedAfterTheQueueDeadlineOnABusyLoopAnswers503() throws Exception {
        web.enqueue(new MockResponse.Builder()
                .headersDelay(150, TimeUnit.MILLISECONDS)
                .body("first")
                .build());
        web.enqueue(new MockResponse.Builder().body("late").build());
        ProxyConfig config = ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP)
                        .timeoutConnect(Duration.ofSeconds(1))
                        .timeoutServer(Duration.ofSeconds(5))
                        .timeoutClient(Duration.ofSeconds(5))
                        .timeoutQueue(Duration.ofMillis(100)))
                .frontend("main", f -> f.bind("127.0.0.1:0").defaultBackend("app"))
                .backend("app", b -> b.server("web", ProxyExtension.address(web), s -> s.maxConn(1)))
                .build();
        FjordProxy proxy = this.proxy = fjord.start(
                config,
                b -> b.eventLoops(EventLoops.of(loop, loop, NioServerSocketChannel.class, NioSocketChannel.class)));

        CompletableFuture<HttpResponse<String>> first = send(proxy, "/first");
        Waits.until(
                () -> proxy.router().backend("app").requireServer("web").activeConnections() == 1,
                "the first request holds the slot");
        CompletableFuture<HttpResponse<String>> queued = send(proxy, "/queued");
        Waits.until(
                () -> proxy.runtime()
                                .slots(proxy.router().backend("app").requireServer("web"))
                                .queued()
                        == 1,
                "the second request queues");
        // the one event loop is busy past the queue deadline, while the first response arrives and frees the slot
        CountDownLatch busy = new CountDownLatch(1);
        loop.execute(() -> {
            busy.countDown();
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400);
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        });
        busy.await(5, TimeUnit.SECONDS);

        assertThat(first.get(10, TimeUnit.SECONDS).body()).isEqualTo("first");
        HttpResponse<String> late = queued.get(10, TimeUnit.SECONDS);
        assertThat(late.statusCode()).isEqualTo(503);
        assertThat(web.getRequestCount()).isEqualTo(1);
    }

    private CompletableFuture<HttpResponse<String>> send(FjordProxy proxy, String path) {
        URI uri = URI.create("http://127.0.0.1:" + proxy.address("main").getPort() + path);
        return http.sendAsync(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
