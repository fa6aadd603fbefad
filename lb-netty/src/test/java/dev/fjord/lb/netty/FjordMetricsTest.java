package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.Router;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FjordMetricsTest {

    /** A proxy with frontend {@code main} to backend {@code app} of one server, {@code web1}: {@code web}. */
    private static FjordProxy proxyTo(MockWebServer web) {
        return FjordProxy.builder(Router.of(ProxyConfig.builder()
                        .defaults(d -> d.mode(Mode.HTTP))
                        .frontend("main", f -> f.bind("127.0.0.1:0").defaultBackend("app"))
                        .backend("app", b -> b.server("web1", "127.0.0.1:" + web.getPort()))
                        .build()))
                .ioThreads(1)
                .start();
    }

    @Test
    void requestsResponsesBytesAndTimersAreMetered() throws Exception {
        try (MockWebServer web = new MockWebServer()) {
            web.enqueue(new MockResponse.Builder().body("12345").build());
            web.enqueue(new MockResponse.Builder().code(503).body("busy").build());
            web.start(InetAddress.getLoopbackAddress(), 0);
            try (FjordProxy proxy = proxyTo(web)) {
                SimpleMeterRegistry registry = new SimpleMeterRegistry();
                new FjordMetrics(proxy).bindTo(registry);

                for (int i = 0; i < 2; i++) {
                    try (RawClient client = new RawClient(proxy.address("main"))) {
                        client.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                                .readUntilClose();
                    }
                }

                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (registry.find("fjord.request.time").tag("stage", "total").timer() == null
                        || registry.get("fjord.request.time")
                                        .tag("stage", "total")
                                        .timer()
                                        .count()
                                < 2) {
                    assertThat(System.nanoTime()).isLessThan(end);
                    Thread.onSpinWait();
                }
                assertThat(registry.get("fjord.requests")
                                .tag("frontend", "main")
                                .functionCounter()
                                .count())
                        .isEqualTo(2);
                assertThat(registry.get("fjord.requests")
                                .tag("server", "web1")
                                .functionCounter()
                                .count())
                        .isEqualTo(2);
                assertThat(registry.get("fjord.responses")
                                .tags("server", "web1", "class", "2xx")
                                .functionCounter()
                                .count())
                        .isEqualTo(1);
                assertThat(registry.get("fjord.responses")
                                .tags("server", "web1", "class", "5xx")
                                .functionCounter()
                                .count())
                        .isEqualTo(1);
                assertThat(registry.get("fjord.bytes.out")
                                .tag("server", "web1")
                                .functionCounter()
                                .count())
                        .isEqualTo(9);
                assertThat(registry.get("fjord.server.up")
                                .tag("server", "web1")
                                .gauge()
                                .value())
                        .isEqualTo(1);
                assertThat(registry.get("fjord.request.time")
                                .tags("backend", "app", "stage", "connect")
                                .timer()
                                .count())
                        .isEqualTo(2);
                assertThat(Duration.ofMillis((long) registry.get("fjord.request.time")
                                .tag("stage", "total")
                                .timer()
                                .max(TimeUnit.MILLISECONDS)))
                        .isLessThan(Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void serversAddedAtRunTimeAreBoundAndRemovedOnesUnbound() throws Exception {
        try (FjordProxy proxy = FjordProxy.builder(Router.of(ProxyConfig.builder()
                        .defaults(d -> d.mode(Mode.HTTP))
                        .frontend("main", f -> f.bind("127.0.0.1:0").defaultBackend("app"))
                        .backend("app", b -> b.server("web1", "127.0.0.1:1"))
                        .build()))
                .ioThreads(1)
                .start()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            new FjordMetrics(proxy).bindTo(registry);

            proxy.router().backend("app").addServer("web2", "127.0.0.1:2", s -> s.weight(3));
            assertThat(registry.get("fjord.server.weight")
                            .tag("server", "web2")
                            .gauge()
                            .value())
                    .isEqualTo(3);
            assertThat(registry.get("fjord.requests")
                            .tag("server", "web2")
                            .functionCounter()
                            .count())
                    .isZero();

            proxy.router().backend("app").removeServer("web2");
            assertThat(registry.find("fjord.server.weight")
                            .tag("server", "web2")
                            .gauge())
                    .isNull();
            assertThat(registry.find("fjord.requests").tag("server", "web2").functionCounter())
                    .isNull();
            assertThat(registry.find("fjord.server.weight")
                            .tag("server", "web1")
                            .gauge())
                    .isNotNull();
        }
    }

    @Test
    void frontendsAndBackendsOfAReconfigurationGetOrLoseTheirMeters() throws Exception {
        ProxyConfig first = ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP))
                .frontend("main", f -> f.bind("127.0.0.1:0").defaultBackend("app"))
                .backend("app", b -> b.server("web1", "127.0.0.1:1"))
                .build();
        try (FjordProxy proxy =
                FjordProxy.builder(Router.of(first)).ioThreads(1).start()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            new FjordMetrics(proxy).bindTo(registry);

            proxy.reconfigure(ProxyConfig.builder()
                    .defaults(d -> d.mode(Mode.HTTP))
                    .frontend("other", f -> f.bind("127.0.0.1:0").defaultBackend("api"))
                    .backend("api", b -> b.server("api1", "127.0.0.1:2"))
                    .build());

            assertThat(registry.find("fjord.requests").tag("frontend", "other").functionCounter())
                    .isNotNull();
            assertThat(registry.find("fjord.requests").tag("backend", "api").functionCounter())
                    .isNotNull();
            assertThat(registry.find("fjord.requests").tag("frontend", "main").functionCounter())
                    .isNull();
            assertThat(registry.find("fjord.requests").tag("backend", "app").functionCounter())
                    .isNull();
            assertThat(registry.find("fjord.server.weight")
                            .tag("server", "web1")
                            .gauge())
                    .isNull();
        }
    }

    @Test
    void aFrontendCountsRequestsAndConnectionsApart() throws Exception {
        try (MockWebServer web = new MockWebServer()) {
            web.enqueue(new MockResponse.Builder().body("1").build());
            web.enqueue(new MockResponse.Builder().body("2").build());
            web.start(InetAddress.getLoopbackAddress(), 0);
            try (FjordProxy proxy = proxyTo(web)) {
                SimpleMeterRegistry registry = new SimpleMeterRegistry();
                new FjordMetrics(proxy).bindTo(registry);

                try (RawClient client = new RawClient(proxy.address("main"))) {
                    client.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
                    client.send("GET /2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                            .readUntilClose();
                }

                assertThat(registry.get("fjord.requests")
                                .tag("frontend", "main")
                                .functionCounter()
                                .count())
                        .isEqualTo(2);
                assertThat(registry.get("fjord.connections")
                                .tag("frontend", "main")
                                .functionCounter()
                                .count())
                        .isEqualTo(1);
            }
        }
    }
}
