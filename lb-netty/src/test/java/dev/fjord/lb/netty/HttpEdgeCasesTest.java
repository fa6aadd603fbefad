package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.LocalResponse;
import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.ProxyConfig;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpEdgeCasesTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final MockWebServer web = fjord.mockServer();
    private FjordProxy proxy;

    private FjordProxy proxy(String server, java.util.function.Consumer<FjordProxy.Builder> options) {
        proxy = fjord.start(
                ProxyConfig.builder()
                        .defaults(d -> d.mode(Mode.HTTP)
                                .timeoutConnect(Duration.ofMillis(500))
                                .timeoutServer(Duration.ofSeconds(3))
                                .timeoutHttpRequest(Duration.ofSeconds(3))
                                .timeoutHttpKeepAlive(Duration.ofMillis(300)))
                        .frontend("main", f -> f.bind("127.0.0.1:0").defaultBackend("app"))
                        .backend("app", b -> b.server("web1", server))
                        .build(),
                options);
        return proxy;
    }

    private FjordProxy proxy() {
        return proxy(ProxyExtension.address(web), b -> {});
    }

    private RawClient client() throws IOException {
        return new RawClient(proxy.address("main"));
    }

    @Test
    void hopByHopFieldsAreNotForwardedAndHostIsKept() throws Exception {
        web.enqueue(new MockResponse.Builder()
                .addHeader("Connection", "X-Secret")
                .addHeader("X-Secret", "s")
                .addHeader("Keep-Alive", "timeout=5")
                .body("ok")
                .build());
        proxy();

        try (RawClient client = client()) {
            client.send("GET /a HTTP/1.1\r\nHost: shop.example\r\nConnection: keep-alive, X-Drop\r\n"
                    + "X-Drop: 1\r\nKeep-Alive: timeout=9\r\nTE: trailers\r\nProxy-Connection: x\r\n\r\n");
            String response = client.readUntil("ok", 1);
            assertThat(response)
                    .startsWith("HTTP/1.1 200")
                    .doesNotContainIgnoringCase("x-secret")
                    .doesNotContainIgnoringCase("keep-alive:");
        }
        RecordedRequest request = web.takeRequest(5, TimeUnit.SECONDS);
        assertThat(request.getHeaders().get("Host")).isEqualTo("shop.example");
        assertThat(request.getHeaders().names()).doesNotContain("X-Drop", "Keep-Alive", "TE", "Proxy-Connection");
    }

    @Test
    void invalidResponseBecomes502() throws Exception {
        try (ServerSocket garbage = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (Socket socket = garbage.accept()) {
                    socket.getInputStream().read(new byte[1024]);
                    OutputStream out = socket.getOutputStream();
                    out.write("NOT HTTP AT ALL\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    socket.getInputStream().read();
                } catch (IOException e) {
                    // closed by the proxy
                }
            });
            server.start();
            proxy("127.0.0.1:" + garbage.getLocalPort(), b -> {});

            try (RawClient client = client()) {
                client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(client.readUntil("</html>", 1)).startsWith("HTTP/1.1 502 Bad Gateway");
            }
            server.join(5000);
        }
    }

    @Test
    void errorPagesCanBeReplaced() throws Exception {
        proxy(
                ProxyExtension.address(web),
                b -> b.errorPage(
                        503, new LocalResponse(503, List.of(Map.entry("Content-Type", "text/plain")), "back soon\n")));
        proxy.router().backend("app").requireServer("web1").markDown();

        try (RawClient client = client()) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            String response = client.readUntil("back soon", 1);
            assertThat(response).startsWith("HTTP/1.1 503 Service Unavailable").contains("Content-Type: text/plain");
        }
    }

    @Test
    void http10ClientGetsAClosedConnectionUnlessItAsksForKeepAlive() throws Exception {
        web.enqueue(new MockResponse.Builder().body("one").build());
        web.enqueue(new MockResponse.Builder().body("two").build());
        proxy();

        try (RawClient client = client()) {
            client.send("GET / HTTP/1.0\r\n\r\n");
            String response = client.readUntilClose();
            assertThat(response).startsWith("HTTP/1.0 200").contains("one");
        }
        try (RawClient client = client()) {
            client.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertThat(client.readUntil("two", 1)).containsIgnoringCase("connection: keep-alive");
        }
    }

    @Test
    void headResponsesHaveNoBody() throws Exception {
        try (ServerSocket origin = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> serveHeadThenGet(origin));
            server.start();
            proxy("127.0.0.1:" + origin.getLocalPort(), b -> {});

            try (RawClient client = client()) {
                client.send("HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
                String both = client.readUntil("next", 1);
                assertThat(both)
                        .startsWith("HTTP/1.1 200 OK\r\nContent-Length: 30\r\n\r\nHTTP/1.1 200 OK")
                        .endsWith("next");
            }
            server.join(5000);
        }
    }

    /** A well-behaved origin: HEAD gets headers only, then GET gets a body, on one kept-alive connection. */
    private static void serveHeadThenGet(ServerSocket origin) {
        try (Socket socket = origin.accept()) {
            java.io.BufferedReader in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            for (int i = 0; i < 2; i++) {
                String requestLine = in.readLine();
                while (!in.readLine().isEmpty()) {
                    // skip the headers
                }
                out.write((requestLine.startsWith("HEAD")
                                ? "HTTP/1.1 200 OK\r\nContent-Length: 30\r\n\r\n"
                                : "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException e) {
            // closed by the proxy
        }
    }

    @Test
    void clientThatStopsSendingItsBodyGets408() throws Exception {
        proxy = fjord.start(ProxyConfig.builder()
                .defaults(d ->
                        d.mode(Mode.HTTP).timeoutClient(Duration.ofMillis(300)).timeoutServer(Duration.ofSeconds(5)))
                .frontend("main", f -> f.bind("127.0.0.1:0").defaultBackend("app"))
                .backend("app", b -> b.server("web1", ProxyExtension.address(web)))
                .build());

        try (RawClient client = client()) {
            client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
            assertThat(client.readUntilClose()).contains("408 Request Timeout");
        }
    }

    @Test
    void idleKeepAliveConnectionIsClosedAfterHttpKeepAlive() throws Exception {
        web.enqueue(new MockResponse.Builder().body("one").build());
        proxy();

        try (RawClient client = client()) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            String response = client.readUntilClose();
            assertThat(response).startsWith("HTTP/1.1 200").endsWith("one"); // closed silently, no 408
        }
    }

    @Test
    @SuppressWarnings("try") // the first client closes inside its try: that is when the second gets its turn
    void frontendMaxConnHoldsExtraConnectionsInTheBacklog() throws Exception {
        web.enqueue(new MockResponse.Builder().body("first").build());
        web.enqueue(new MockResponse.Builder().body("second").build());
        proxy = fjord.start(ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP).timeoutHttpKeepAlive(Duration.ofSeconds(5)))
                .frontend("main", f -> f.bind("127.0.0.1:0").maxConn(1).defaultBackend("app"))
                .backend("app", b -> b.server("web1", ProxyExtension.address(web)))
                .build());

        try (RawClient first = client()) {
            first.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(first.readUntil("first", 1)).contains("first");
            try (RawClient second = client()) {
                second.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                Thread.onSpinWait();
                assertThat(web.takeRequest(300, TimeUnit.MILLISECONDS)).isNotNull(); // the first one
                assertThat(web.takeRequest(300, TimeUnit.MILLISECONDS)).isNull(); // the second waits
                first.close();
                assertThat(second.readUntil("second", 1)).contains("second");
            }
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{1}")
    @org.junit.jupiter.params.provider.CsvSource(
            delimiter = '|',
            value = {
                "POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 4\\r\\nTransfer-Encoding: "
                        + "chunked\\r\\n\\r\\n0\\r\\n\\r\\n"
                        + "| HTTP/1.1 400 Bad Request",
                "GET / HTTP/1.1\\r\\n\\r\\n| HTTP/1.1 400 Bad Request",
                "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: gzip\\r\\n\\r\\n| HTTP/1.1 501 Not Implemented",
                "GET /big HTTP/1.1\\r\\nHost: x\\r\\nX-Big: BIG\\r\\n\\r\\n| HTTP/1.1 431 Request Header Fields Too "
                        + "Large",
            })
    void malformedRequestsGetTheirStatusAndAreNeverForwarded(String request, String statusLine) throws Exception {
        proxy();

        try (RawClient client = client()) {
            client.send(request.replace("\\r", "\r").replace("\\n", "\n").replace("BIG", "b".repeat(20_000)));
            assertThat(client.readUntilClose()).startsWith(statusLine);
        }
        assertThat(web.getRequestCount()).isZero();
    }
}
