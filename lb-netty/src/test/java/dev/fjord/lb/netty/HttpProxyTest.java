package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.AdminState;
import dev.fjord.lb.core.ConnectionMode;
import dev.fjord.lb.core.Cookie;
import dev.fjord.lb.core.ForwardFor;
import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.ProxyConfig;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpProxyTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final MockWebServer web1 = fjord.mockServer();
    private final MockWebServer web2 = fjord.mockServer();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private FjordProxy proxy(Consumer<ProxyConfig.Builder> extra) {
        ProxyConfig.Builder builder = ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP)
                        .retries(2)
                        .redispatch(true)
                        .timeoutConnect(Duration.ofMillis(500))
                        .timeoutServer(Duration.ofSeconds(5))
                        .timeoutClient(Duration.ofSeconds(5))
                        .timeoutHttpRequest(Duration.ofSeconds(5))
                        .forwardFor(ForwardFor.enabled()))
                .frontend("main", f -> f.bind("127.0.0.1:0").defaultBackend("app"))
                .backend(
                        "app",
                        b -> b.cookie(Cookie.insert("SERVERID").indirect().noCache())
                                .server("web1", ProxyExtension.address(web1), s -> s.cookie("s1"))
                                .server("web2", ProxyExtension.address(web2), s -> s.cookie("s2")));
        extra.accept(builder);
        return fjord.start(builder.build(), b -> b.ioThreads(2));
    }

    private HttpResponse<String> get(FjordProxy proxy, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(proxy, path)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(FjordProxy proxy, String path) {
        InetSocketAddress address = proxy.address("main");
        return URI.create("http://127.0.0.1:" + address.getPort() + path);
    }

    private static MockResponse body(String text) {
        return new MockResponse.Builder().body(text).build();
    }

    @Test
    void roundRobinInsertsTheCookieAndForwardsTheClientAddress() throws Exception {
        web1.enqueue(body("web1"));
        web2.enqueue(body("web2"));
        FjordProxy proxy = proxy(b -> {});

        HttpResponse<String> first = get(proxy, "/a?x=1");
        HttpResponse<String> second = get(proxy, "/b");

        assertThat(List.of(first.body(), second.body())).containsExactly("web1", "web2");
        assertThat(first.headers().allValues("set-cookie")).containsExactly("SERVERID=s1; path=/");
        assertThat(first.headers().firstValue("cache-control")).hasValue("private");
        RecordedRequest atWeb1 = web1.takeRequest(5, TimeUnit.SECONDS);
        assertThat(atWeb1.getTarget()).isEqualTo("/a?x=1");
        assertThat(atWeb1.getHeaders().values("X-Forwarded-For")).containsExactly("127.0.0.1");
        assertThat(atWeb1.getHeaders().get("Host"))
                .isEqualTo("127.0.0.1:" + proxy.address("main").getPort());
    }

    @Test
    void forwardedForFollowsTheExceptRuleAndAppendsToAClientSentValue() throws Exception {
        web1.enqueue(body("web1"));
        web2.enqueue(body("web2"));
        web1.enqueue(body("web1"));
        FjordProxy local = proxy(b -> b.editBackend("app", a -> a.forwardFor(ForwardFor.except("127.0.0.0/8"))));
        get(local, "/", "X-Forwarded-For", "198.51.100.9");
        assertThat(web1.takeRequest(5, TimeUnit.SECONDS).getHeaders().values("X-Forwarded-For"))
                .containsExactly("198.51.100.9"); // a loopback client: nothing added, the client's value kept

        FjordProxy other = proxy(b -> b.editBackend("app", a -> a.forwardFor(ForwardFor.except("10.0.0.0/8"))));
        get(other, "/", "X-Forwarded-For", "198.51.100.9");
        RecordedRequest forwarded = web2.getRequestCount() > 0
                ? web2.takeRequest(5, TimeUnit.SECONDS)
                : web1.takeRequest(5, TimeUnit.SECONDS);
        assertThat(forwarded.getHeaders().values("X-Forwarded-For")).containsExactly("198.51.100.9", "127.0.0.1");
    }

    @Test
    void stickyCookieGoesToItsServerAndIsRemovedBeforeForwarding() throws Exception {
        for (int i = 0; i < 3; i++) {
            web2.enqueue(body("web2"));
        }
        FjordProxy proxy = proxy(b -> {});

        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = get(proxy, "/cart", "Cookie", "PHPSESSID=abc; SERVERID=s2");
            assertThat(response.body()).isEqualTo("web2");
            assertThat(response.headers().allValues("set-cookie")).isEmpty();
            assertThat(web2.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Cookie"))
                    .isEqualTo("PHPSESSID=abc");
        }
        assertThat(web1.getRequestCount()).isZero();
    }

    @Test
    void drainKeepsStickyClientsAndMaintMovesEveryone() throws Exception {
        FjordProxy proxy = proxy(b -> {});
        proxy.router().backend("app").requireServer("web1").adminState(AdminState.DRAIN);
        web1.enqueue(body("web1"));
        web2.enqueue(body("web2"));
        web2.enqueue(body("web2"));

        assertThat(get(proxy, "/", "Cookie", "SERVERID=s1").body()).isEqualTo("web1");
        assertThat(get(proxy, "/").body()).isEqualTo("web2");

        proxy.router().backend("app").requireServer("web1").adminState(AdminState.MAINT);
        HttpResponse<String> moved = get(proxy, "/", "Cookie", "SERVERID=s1");
        assertThat(moved.body()).isEqualTo("web2");
        assertThat(moved.headers().allValues("set-cookie")).containsExactly("SERVERID=s2; path=/");
    }

    @Test
    void requestBodiesStreamToTheServerIntact() throws Exception {
        web1.enqueue(body("stored"));
        FjordProxy proxy = proxy(b -> {});
        byte[] payload = new byte[3 * 1024 * 1024 + 17];
        new java.util.Random(7).nextBytes(payload);

        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(uri(proxy, "/upload"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.body()).isEqualTo("stored");
        RecordedRequest recorded = web1.takeRequest(5, TimeUnit.SECONDS);
        assertThat(recorded.getBodySize()).isEqualTo(payload.length);
        assertThat(recorded.getBody().toByteArray()).isEqualTo(payload);
    }

    @Test
    void largeResponsesStreamBack() throws Exception {
        String big = "x".repeat(5 * 1024 * 1024);
        web1.enqueue(body(big));
        FjordProxy proxy = proxy(b -> {});

        assertThat(get(proxy, "/big").body()).hasSize(big.length());
    }

    @Test
    void deadServerIsRetriedThenRedispatched() throws Exception {
        int deadPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = socket.getLocalPort(); // closed again: connections are refused
        }
        web2.enqueue(body("web2"));
        FjordProxy proxy =
                proxy(b -> b.editBackend("app", a -> a.editServer("web1", s -> s.address("127.0.0.1:" + deadPort))));

        HttpResponse<String> response = get(proxy, "/", "Cookie", "SERVERID=s1");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("web2");
        assertThat(response.headers().allValues("set-cookie")).containsExactly("SERVERID=s2; path=/");
    }

    @Test
    void noUsableServerAnswers503() throws Exception {
        FjordProxy proxy = proxy(b -> {});
        proxy.router().backend("app").requireServer("web1").markDown();
        proxy.router().backend("app").requireServer("web2").markDown();

        HttpResponse<String> response = get(proxy, "/");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("No server is available");
    }

    @Test
    void slowServerGets504() throws Exception {
        web1.enqueue(new MockResponse.Builder()
                .headersDelay(3, TimeUnit.SECONDS)
                .body("late")
                .build());
        FjordProxy proxy = proxy(b -> b.editBackend("app", a -> a.timeoutServer(Duration.ofMillis(300))));

        assertThat(get(proxy, "/").statusCode()).isEqualTo(504);
    }

    @Test
    void keepAliveServesSeveralRequestsOnOneConnection() throws Exception {
        web1.enqueue(body("one"));
        web2.enqueue(body("two"));
        FjordProxy proxy = proxy(b -> {});

        try (RawClient client = new RawClient(proxy.address("main"))) {
            client.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n");
            String responses = client.readUntil("HTTP/1.1 200", 2);
            String rest = client.readUntil("two", 1);
            assertThat(responses + rest).contains("one").contains("two");
        }
    }

    @Test
    void httpServerCloseClosesTheServerSideOnly() throws Exception {
        web1.enqueue(body("one"));
        web2.enqueue(body("two"));
        FjordProxy proxy = proxy(b -> b.editBackend("app", a -> a.connectionMode(ConnectionMode.HTTP_SERVER_CLOSE)));

        get(proxy, "/1");
        get(proxy, "/2");

        assertThat(web1.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Connection"))
                .isEqualTo("close");
    }

    @Test
    void headersNotCompleteInTimeGet408() throws Exception {
        FjordProxy proxy = proxy(b -> b.editFrontend("main", f -> f.timeoutHttpRequest(Duration.ofMillis(300))));

        try (RawClient slowloris = new RawClient(proxy.address("main"))) {
            slowloris.send("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: 1");
            assertThat(slowloris.readUntilClose()).startsWith("HTTP/1.1 408 Request Timeout");
        }
    }

    @Test
    void queuedRequestTimesOutWith503() throws Exception {
        web1.enqueue(new MockResponse.Builder()
                .headersDelay(1500, TimeUnit.MILLISECONDS)
                .body("slow")
                .build());
        FjordProxy proxy = proxy(b -> b.editBackend(
                "app",
                a -> a.timeoutQueue(Duration.ofMillis(200))
                        .editServer("web1", s -> s.maxConn(1))
                        .editServer("web2", s -> s.disabled())));

        var slow = http.sendAsync(
                HttpRequest.newBuilder(uri(proxy, "/slow")).build(), HttpResponse.BodyHandlers.ofString());
        Waits.until(
                () -> proxy.router().backend("app").requireServer("web1").activeConnections() == 1,
                "web1 holds one connection");
        HttpResponse<String> queued = get(proxy, "/queued");

        assertThat(queued.statusCode()).isEqualTo(503);
        assertThat(slow.get(5, TimeUnit.SECONDS).body()).isEqualTo("slow");
    }

    @Test
    void queuedRequestIsServedWhenASlotFrees() throws Exception {
        web1.enqueue(new MockResponse.Builder()
                .headersDelay(300, TimeUnit.MILLISECONDS)
                .body("first")
                .build());
        web1.enqueue(body("second"));
        FjordProxy proxy = proxy(b -> b.editBackend(
                "app",
                a -> a.timeoutQueue(Duration.ofSeconds(5))
                        .editServer("web1", s -> s.maxConn(1))
                        .editServer("web2", s -> s.disabled())));

        var first =
                http.sendAsync(HttpRequest.newBuilder(uri(proxy, "/1")).build(), HttpResponse.BodyHandlers.ofString());
        Waits.until(
                () -> proxy.router().backend("app").requireServer("web1").activeConnections() == 1,
                "web1 holds one connection");
        HttpResponse<String> second = get(proxy, "/2");

        assertThat(second.body()).isEqualTo("second");
        assertThat(first.get(5, TimeUnit.SECONDS).body()).isEqualTo("first");
    }

    @Test
    void gracefulCloseLetsInFlightRequestsFinish() throws Exception {
        web1.enqueue(new MockResponse.Builder()
                .headersDelay(400, TimeUnit.MILLISECONDS)
                .body("done")
                .build());
        FjordProxy proxy = proxy(b -> {});
        var inFlight =
                http.sendAsync(HttpRequest.newBuilder(uri(proxy, "/")).build(), HttpResponse.BodyHandlers.ofString());
        Waits.until(
                () -> proxy.router().backend("app").requireServer("web1").activeConnections() == 1,
                "web1 holds one connection");

        assertThat(proxy.close(Duration.ofSeconds(5))).isTrue();
        assertThat(inFlight.get(5, TimeUnit.SECONDS).body()).isEqualTo("done");
    }
}
