package dev.fjord.lb.netty.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.netty.EventLoops;
import dev.fjord.lb.netty.FjordProxy;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.socket.nio.NioServerSocketChannel;

import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/** FjordProxy on a Reactor Netty application's LoopResources: it proxies, and leaves the loops running at close. */
@Timeout(60)
class ReactorEventLoopsTest {
    private final LoopResources loops = LoopResources.create("app-loop", 1, 2, true);
    private DisposableServer web;

    @AfterEach
    void close() {
        if (web != null) {
            web.disposeNow(Duration.ofSeconds(5));
        }
        loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
    }

    @ParameterizedTest(name = "preferNative={0}")
    @ValueSource(booleans = {true, false})
    void theProxyServesOnTheApplicationsLoopsAndLeavesThemRunning(boolean preferNative) {
        web = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .runOn(loops, preferNative)
                .handle((request, response) -> response.sendString(
                        Mono.just("hello from " + Thread.currentThread().getName())))
                .bindNow(Duration.ofSeconds(10));
        EventLoops eventLoops = ReactorEventLoops.of(loops, preferNative);
        assertThat(eventLoops.serverChannelType() == NioServerSocketChannel.class)
                .as("NIO channels exactly when NIO loops")
                .isEqualTo(!preferNative || !Epoll.isAvailable());
        Set<String> threadsBefore = fjordThreads();
        FjordProxy proxy = FjordProxy.builder(Router.of(ProxyConfig.builder()
                        .defaults(d -> d.mode(Mode.HTTP))
                        .frontend("main", f -> f.bind("127.0.0.1:0").defaultBackend("app"))
                        .backend("app", b -> b.server("web1", "127.0.0.1:" + web.port()))
                        .build()))
                .eventLoops(eventLoops)
                .start();
        HttpClient client = HttpClient.create().runOn(loops, preferNative);
        String url = "http://127.0.0.1:" + proxy.address("main").getPort() + "/";
        try {
            assertThat(get(client, url)).startsWith("200 hello from app-loop");
            assertThat(fjordThreads())
                    .as("no event-loop threads of the proxy's own")
                    .isEqualTo(threadsBefore);
        } finally {
            proxy.close(Duration.ofSeconds(5));
        }

        assertThat(loops.onServer(preferNative).isShuttingDown()).isFalse();
        assertThat(loops.onServerSelect(preferNative).isShuttingDown()).isFalse();
        assertThat(get(client, "http://127.0.0.1:" + web.port() + "/")).startsWith("200 hello from app-loop");
    }

    private static String get(HttpClient client, String url) {
        return client.get()
                .uri(url)
                .responseSingle((response, body) ->
                        body.asString().map(text -> response.status().code() + " " + text))
                .block(Duration.ofSeconds(10));
    }

    private static Set<String> fjordThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName)
                .filter(name -> name.startsWith("fjord-accept") || name.startsWith("fjord-io"))
                .collect(Collectors.toSet());
    }
}
