package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.AdminState;
import dev.fjord.lb.core.Cookie;
import dev.fjord.lb.core.HttpCheck;
import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.OperationalState;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.RetryOn;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.ServerEvent;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/** Health checks and drains end to end: real backends, a steady stream of requests, zero client errors. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HealthCheckProxyTest {
    private static final Duration INTER = Duration.ofMillis(200);

    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final MockWebServer web1 = fjord.mockServer();
    private final MockWebServer web2 = fjord.mockServer();
    private final AtomicBoolean web1Healthy = new AtomicBoolean(true);
    private final Map<String, Long> eventTimes = new ConcurrentHashMap<>();
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private FjordProxy proxy;

    @BeforeEach
    void start() {
        web1.setDispatcher(node("web1", web1Healthy));
        web2.setDispatcher(node("web2", new AtomicBoolean(true)));
        proxy = fjord.start(
                ProxyConfig.builder()
                        .defaults(d -> d.mode(Mode.HTTP)
                                .retries(3)
                                .redispatch(true)
                                .retryOn(RetryOn.CONN_FAILURE, RetryOn.EMPTY_RESPONSE, RetryOn.STATUS_503)
                                .timeoutConnect(Duration.ofMillis(200))
                                .timeoutServer(Duration.ofSeconds(5))
                                .timeoutCheck(Duration.ofMillis(500)))
                        .frontend("main", f -> f.bind("127.0.0.1:0").defaultBackend("app"))
                        .backend(
                                "app",
                                b -> b.httpCheck(HttpCheck.get("/health_check.php"))
                                        .cookie(Cookie.insert("SERVERID")
                                                .indirect()
                                                .noCache())
                                        .defaultServer(s ->
                                                s.check().inter(INTER).rise(2).fall(3))
                                        .server("web1", ProxyExtension.address(web1), s -> s.cookie("s1"))
                                        .server("web2", ProxyExtension.address(web2), s -> s.cookie("s2")))
                        .build(),
                b -> b.ioThreads(2).eventListener(event -> {
                    if (event instanceof ServerEvent.StateChanged changed) {
                        String key = changed.server().name() + ' ' + changed.to();
                        eventTimes.putIfAbsent(key, System.nanoTime());
                        events.add(event.message());
                    }
                }));
    }

    /** A web node: pages name it; while unhealthy (its database gone) pages and the health check answer 503. */
    private static Dispatcher node(String name, AtomicBoolean healthy) {
        return new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                if (!healthy.get()) {
                    return new MockResponse.Builder()
                            .code(503)
                            .body("database unreachable")
                            .build();
                }
                return new MockResponse.Builder()
                        .body(request.getTarget().equals("/health_check.php") ? "OK" : name)
                        .build();
            }
        };
    }

    private HttpResponse<String> get(String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + proxy.address("main").getPort() + "/page"))
                .timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void failingNodeLeavesRotationAndComesBackWhileClientsSeeNoError() throws Exception {
        List<String> served = new ArrayList<>();
        long failedAt = 0;
        long recoveredAt = 0;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
        for (int i = 0; i < 2000 && System.nanoTime() < end; i++) {
            if (i == 20) {
                web1Healthy.set(false);
                failedAt = System.nanoTime();
            }
            if (failedAt > 0 && recoveredAt == 0 && eventTimes.containsKey("web1 DOWN")) {
                web1Healthy.set(true);
                recoveredAt = System.nanoTime();
            }
            HttpResponse<String> response = get();
            assertThat(response.statusCode())
                    .as("request %d: %s", i, response.body())
                    .isEqualTo(200);
            served.add(response.body());
        }

        long down = eventTimes.get("web1 DOWN") - failedAt;
        long up = eventTimes.get("web1 UP") - recoveredAt;
        // fall x inter, plus up to one inter until the first failing check and some scheduling slack
        assertThat(Duration.ofNanos(down)).isLessThan(INTER.multipliedBy(3 + 1).plusMillis(300));
        assertThat(Duration.ofNanos(up)).isLessThan(INTER.multipliedBy(2 + 1).plusMillis(300));
        assertThat(served.subList(served.size() - 10, served.size())).contains("web1", "web2");
        assertThat(events)
                .anySatisfy(line -> assertThat(line)
                        .startsWith(
                                "Server app/web1 is DOWN, reason: Layer7 wrong status, code: 503, check duration: "));
        assertThat(proxy.healthChecks()
                        .lastCheck(proxy.router().backend("app").requireServer("web2"))
                        .code())
                .isEqualTo(200);
    }

    @Test
    void drainUnderLoadKeepsStickyClientsAndMaintMovesEveryone() throws Exception {
        var web1Server = proxy.router().backend("app").requireServer("web1");
        List<String> sticky = new ArrayList<>();
        List<String> fresh = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            if (i == 25) {
                web1Server.adminState(AdminState.DRAIN);
            }
            if (i == 100) {
                web1Server.adminState(AdminState.MAINT);
            }
            HttpResponse<String> stickyResponse = get("Cookie", "SERVERID=s1");
            HttpResponse<String> freshResponse = get();
            assertThat(stickyResponse.statusCode()).isEqualTo(200);
            assertThat(freshResponse.statusCode()).isEqualTo(200);
            sticky.add(stickyResponse.body());
            fresh.add(freshResponse.body());
        }

        assertThat(sticky.subList(0, 100)).containsOnly("web1"); // DRAIN honours the cookie
        assertThat(fresh.subList(25, 100)).containsOnly("web2"); // but takes no new sessions
        assertThat(sticky.subList(100, 150)).containsOnly("web2"); // MAINT moves everyone
        assertThat(fresh.subList(0, 25)).contains("web1", "web2");
        assertThat(web1Server.operationalState()).isEqualTo(OperationalState.UP);
    }

    @Test
    void serverAddedAtRunTimeJoinsAfterItsChecksAndARemovedOneFinishesItsRequests() throws Exception {
        try (MockWebServer web3 = new MockWebServer()) {
            web3.setDispatcher(node("web3", new AtomicBoolean(true)));
            web3.start(InetAddress.getLoopbackAddress(), 0);
            var app = proxy.router().backend("app");

            app.addServer(
                    "web3",
                    "127.0.0.1:" + web3.getPort(),
                    s -> s.check().inter(INTER).cookie("s3"));
            assertThat(app.requireServer("web3").operationalState()).isEqualTo(OperationalState.DOWN);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!eventTimes.containsKey("web3 UP") && System.nanoTime() < deadline) {
                assertThat(get().body()).isNotEqualTo("web3"); // not before it passed its checks
            }
            List<String> served = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                served.add(get().body());
            }
            assertThat(served).contains("web1", "web2", "web3");

            web2.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    return new MockResponse.Builder()
                            .headersDelay(500, TimeUnit.MILLISECONDS)
                            .body("web2 late")
                            .build();
                }
            });
            var inFlight = http.sendAsync(
                    HttpRequest.newBuilder(URI.create(
                                    "http://127.0.0.1:" + proxy.address("main").getPort() + "/page"))
                            .header("Cookie", "SERVERID=s2")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            while (app.requireServer("web2").activeConnections() == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            app.removeServer("web2");

            assertThat(inFlight.get(5, TimeUnit.SECONDS).body()).isEqualTo("web2 late");
            for (int i = 0; i < 6; i++) {
                assertThat(get("Cookie", "SERVERID=s2").body()).isIn("web1", "web3");
            }
        }
    }

    @Test
    void sessionsOfAServerMarkedDownAreShutDownWhenConfigured() throws Exception {
        web1.setDispatcher(slowPages(web1Healthy));
        try (FjordProxy shutting = startApp(b -> b.server(
                        "web1",
                        ProxyExtension.address(web1),
                        s -> s.check().inter(INTER).shutdownSessionsOnDown()));
                RawClient client = new RawClient(shutting.address("main"))) {
            client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");

            assertClosedWithoutAnswerSoonAfter(client, () -> web1Healthy.set(false));
        }
    }

    @Test
    void sessionsOfABackupServerAreShutDownWhenAnActiveServerComesUpIfConfigured() throws Exception {
        web1Healthy.set(false);
        web2.setDispatcher(slowPages(new AtomicBoolean(true)));
        try (FjordProxy shutting = startApp(b -> b.server(
                                "web1",
                                ProxyExtension.address(web1),
                                s -> s.check()
                                        .inter(INTER)
                                        .initState(dev.fjord.lb.core.InitState.FULLY_DOWN)
                                        .shutdownBackupSessionsOnUp())
                        .server("web2", ProxyExtension.address(web2), s -> s.backup()));
                RawClient client = new RawClient(shutting.address("main"))) {
            client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"); // to the backup: web1 is DOWN
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (web2.getRequestCount() == 0 && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(10); // until the request is at web2, before web1 comes up
            }

            assertClosedWithoutAnswerSoonAfter(client, () -> web1Healthy.set(true));
        }
    }

    /** A node whose health check answers as {@code healthy} says and whose pages take 5 s: a session stays open. */
    private static Dispatcher slowPages(AtomicBoolean healthy) {
        return new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                if (request.getTarget().equals("/health_check.php")) {
                    return new MockResponse.Builder()
                            .code(healthy.get() ? 200 : 503)
                            .build();
                }
                return new MockResponse.Builder()
                        .headersDelay(5, TimeUnit.SECONDS)
                        .body("too late")
                        .build();
            }
        };
    }

    /** A proxy of its own, one event loop: frontend {@code main} to backend {@code app}, checked over HTTP. */
    private static FjordProxy startApp(java.util.function.Consumer<dev.fjord.lb.core.BackendConfig.Builder> servers) {
        return FjordProxy.builder(Router.of(ProxyConfig.builder()
                        .defaults(d -> d.mode(Mode.HTTP).timeoutServer(Duration.ofSeconds(10)))
                        .frontend("main", f -> f.bind("127.0.0.1:0").defaultBackend("app"))
                        .backend("app", b -> servers.accept(b.httpCheck(HttpCheck.get("/health_check.php"))))
                        .build()))
                .ioThreads(1)
                .start();
    }

    /** Runs {@code cause}; {@code client}'s connection then closes within 3 s with no response: its session shut. */
    private static void assertClosedWithoutAnswerSoonAfter(RawClient client, Runnable cause) throws IOException {
        long started = System.nanoTime();
        cause.run();

        assertThat(client.readUntilClose()).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }
}
