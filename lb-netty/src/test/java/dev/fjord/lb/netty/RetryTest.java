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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.ForwardFor;
import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.RetryOn;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RetryTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final MockWebServer web1 = fjord.mockServer();
    private final MockWebServer web2 = fjord.mockServer();
    private FjordProxy proxy;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private void proxy(RetryOn... retryOn) {
        proxy = fjord.start(
                ProxyConfig.builder()
                        .defaults(d -> d.mode(Mode.HTTP)
                                .retries(3)
                                .redispatch(true)
                                .retryOn(retryOn)
                                .timeoutConnect(Duration.ofMillis(100))
                                .timeoutServer(Duration.ofSeconds(5))
                                .forwardFor(ForwardFor.except("127.0.0.0/8")))
                        .frontend("main", f -> f.bind("127.0.0.1:0").defaultBackend("app"))
                        .backend(
                                "app",
                                b -> b.server("web1", ProxyExtension.address(web1))
                                        .server("web2", ProxyExtension.address(web2)))
                        .build(),
                b -> b.ioThreads(2));
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
        return http.send(
                HttpRequest.newBuilder(URI.create(
                                "http://127.0.0.1:" + proxy.address("main").getPort() + path))
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
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
        proxy = fjord.start(
                ProxyConfig.builder()
                        .defaults(d -> d.mode(Mode.HTTP)
                                .retries(3)
                                .redispatch(true)
                                .retryOn(RetryOn.CONN_FAILURE, RetryOn.EMPTY_RESPONSE)
                                .timeoutConnect(Duration.ofMillis(100))
                                .timeoutServer(Duration.ofSeconds(5)))
                        .frontend("main", f -> f.bind("127.0.0.1:0").defaultBackend("app"))
                        .backend(
                                "app",
                                b -> b.server("web1", "127.0.0.1:" + dying.getLocalPort())
                                        .server("web2", ProxyExtension.address(web2)))
                        .build(),
                b -> b.ioThreads(2));

        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            responses.add(http.sendAsync(
                    HttpRequest.newBuilder(URI.create(
                                    "http://127.0.0.1:" + proxy.address("main").getPort() + "/item/" + i))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
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
            proxy = fjord.start(ProxyConfig.builder()
                    .defaults(d -> d.mode(Mode.HTTP)
                            .retries(3)
                            .redispatch(true)
                            .retryOn(RetryOn.CONN_FAILURE, RetryOn.EMPTY_RESPONSE))
                    .frontend("main", f -> f.bind("127.0.0.1:0").defaultBackend("app"))
                    .backend(
                            "app",
                            b -> b.server("dying", "127.0.0.1:" + dying.getLocalPort())
                                    .server("web2", ProxyExtension.address(web2)))
                    .build());

            HttpResponse<String> post = http.send(
                    HttpRequest.newBuilder(URI.create(
                                    "http://127.0.0.1:" + proxy.address("main").getPort() + "/pay"))
                            .POST(HttpRequest.BodyPublishers.ofString("x"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(post.statusCode()).isEqualTo(502);
            assertThat(web2.getRequestCount()).isZero();
            server.join(5000);
        }
    }
}
