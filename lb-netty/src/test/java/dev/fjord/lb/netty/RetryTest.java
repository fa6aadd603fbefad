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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.fjord.lb.core.ForwardFor;
import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.RetryOn;
import dev.fjord.lb.core.Router;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RetryTest {
    private final MockWebServer web1 = new MockWebServer();
    private final MockWebServer web2 = new MockWebServer();
    private FjordProxy proxy;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws IOException {
        web1.start(InetAddress.getLoopbackAddress(), 0);
        web2.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close(Duration.ofSeconds(1));
        }
        web1.close();
        web2.close();
    }

    private void proxy(RetryOn... retryOn) {
        proxy = FjordProxy.builder(Router.of(ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP).retries(3).redispatch(true).retryOn(retryOn)
                        .timeoutConnect(Duration.ofMillis(100)).timeoutServer(Duration.ofSeconds(5))
                        .forwardFor(ForwardFor.except("127.0.0.0/8")))
                .frontend("main", f -> f.bind("127.0.0.1:0").defaultBackend("app"))
                .backend("app", b -> b.server("web1", "127.0.0.1:" + web1.getPort())
                        .server("web2", "127.0.0.1:" + web2.getPort()))
                .build())).ioThreads(2).start();
    }

    private static Dispatcher answering(String name) {
        return new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return new MockResponse.Builder().body(name).build();
            }
        };
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.address("main").getPort()
                + path)).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aServerKilledWhileTrafficFlowsCostsNoClientAnError() throws Exception {
        web2.setDispatcher(answering("web2"));
        java.net.ServerSocket dying = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread server = new Thread(() -> {
            while (!dying.isClosed()) {
                try (java.net.Socket socket = dying.accept()) {
                    socket.getInputStream().read(new byte[4096]); // takes the request, dies before answering
                } catch (IOException e) {
                    return;
                }
            }
        });
        server.start();
        proxy = FjordProxy.builder(Router.of(ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP).retries(3).redispatch(true)
                        .retryOn(RetryOn.CONN_FAILURE, RetryOn.EMPTY_RESPONSE)
                        .timeoutConnect(Duration.ofMillis(100)).timeoutServer(Duration.ofSeconds(5)))
                .frontend("main", f -> f.bind("127.0.0.1:0").defaultBackend("app"))
                .backend("app", b -> b.server("web1", "127.0.0.1:" + dying.getLocalPort())
                        .server("web2", "127.0.0.1:" + web2.getPort()))
                .build())).ioThreads(2).start();

        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            responses.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + proxy.address("main").getPort() + "/item/" + i)).build(), HttpResponse.BodyHandlers.ofString()));
            if (i == 10) {
                dying.close(); // and now its port refuses connections
            }
        }

        for (CompletableFuture<HttpResponse<String>> response : responses) {
            HttpResponse<String> done = response.get(20, TimeUnit.SECONDS);
            assertThat(done.statusCode()).isEqualTo(200);
            assertThat(done.body()).isEqualTo("web2");
        }
        server.join(5000);
    }

    @Test
    void a503IsRetriedOnAnotherServerWhenConfigured() throws Exception {
        web1.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return new MockResponse.Builder().code(503).body("busy").build();
            }
        });
        web2.setDispatcher(answering("web2"));
        proxy(RetryOn.CONN_FAILURE, RetryOn.STATUS_503);

        for (int i = 0; i < 4; i++) {
            assertThat(get("/").body()).isEqualTo("web2");
        }
    }

    @Test
    void a503PassesThroughWithoutRetryOn() throws Exception {
        web1.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return new MockResponse.Builder().code(503).body("busy").build();
            }
        });
        web2.setDispatcher(answering("web2"));
        proxy(RetryOn.CONN_FAILURE);

        assertThat(get("/").statusCode()).isEqualTo(503);
    }

    @Test
    void postsAreNotRetriedAfterTheServerSawThem() throws Exception {
        web2.setDispatcher(answering("web2"));
        try (java.net.ServerSocket dying = new java.net.ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (java.net.Socket socket = dying.accept()) {
                    socket.getInputStream().read(new byte[4096]); // reads the request, then dies
                } catch (IOException e) {
                    // closed
                }
            });
            server.start();
            proxy = FjordProxy.builder(Router.of(ProxyConfig.builder()
                    .defaults(d -> d.mode(Mode.HTTP).retries(3).redispatch(true)
                            .retryOn(RetryOn.CONN_FAILURE, RetryOn.EMPTY_RESPONSE))
                    .frontend("main", f -> f.bind("127.0.0.1:0").defaultBackend("app"))
                    .backend("app", b -> b.server("dying", "127.0.0.1:" + dying.getLocalPort())
                            .server("web2", "127.0.0.1:" + web2.getPort()))
                    .build())).ioThreads(1).start();

            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + proxy.address("main").getPort() + "/pay")).POST(HttpRequest.BodyPublishers.ofString("x"))
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(post.statusCode()).isEqualTo(502);
            assertThat(web2.getRequestCount()).isZero();
            server.join(5000);
        }
    }
}
