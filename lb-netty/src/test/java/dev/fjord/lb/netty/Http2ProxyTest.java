package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.Counters;
import dev.fjord.lb.core.Server;
import dev.fjord.lb.netty.NettyH2Client.Reply;
import dev.fjord.lb.netty.ReferenceHttp.Request;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * HTTP/2 to clients with prior knowledge ({@code bind ... proto h2}), translated to HTTP/1.1 servers: routing, ACLs,
 * cookie stickiness, bodies both ways, retries, maxconn and its queue, logs and counters behave as for HTTP/1.1.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Http2ProxyTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final RecordingHttpServer web1 = fjord.recordingServer();
    private final RecordingHttpServer web2 = fjord.recordingServer();
    private final RecordingHttpServer cdn = fjord.recordingServer();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private FjordProxy proxy;

    private NettyH2Client client(String backendLines) throws InterruptedException {
        proxy = fjord.start(
                "defaults\n    mode http\n    log global\n    option httplog\n    retries 2\n"
                        + "    option redispatch\n    timeout connect 500ms\n    timeout client 10s\n"
                        + "    timeout server 10s\n    timeout queue 10s\n"
                        + "frontend main\n    bind 127.0.0.1:0 proto h2\n"
                        + "    acl static path_beg /static/\n    use_backend static if static\n"
                        + "    default_backend app\n"
                        + "backend static\n    server cdn " + cdn.address() + "\n"
                        + "backend app\n    cookie SERVERID insert indirect nocache\n" + backendLines,
                b -> b.accessLog((entry, line) -> log.add(line)));
        NettyH2Client client = new NettyH2Client(proxy.address("main"));
        fjord.closeAfter(client);
        return client;
    }

    private NettyH2Client client() throws InterruptedException {
        return client(
                "    server web1 " + web1.address() + " cookie s1\n    server web2 " + web2.address() + " cookie s2\n");
    }

    private static FullHttpRequest get(String path) {
        return NettyH2Client.request(HttpMethod.GET, path, new byte[0]);
    }

    /** Answers with the node's name, as each web node of the reference cluster does. */
    private static void names(RecordingHttpServer server, String name) {
        server.respond(request -> RecordingHttpServer.response(request, 200, name));
    }

    @Test
    void routesByPathAclAndSticksByCookieAsOverHttp1() throws Exception {
        names(web1, "web1");
        names(web2, "web2");
        names(cdn, "cdn");
        NettyH2Client client = client();

        assertThat(client.exchange(get("/static/logo.css")).text()).isEqualTo("cdn");
        Reply first = client.exchange(get("/cart"));
        Reply second = client.exchange(get("/cart"));
        assertThat(List.of(first.text(), second.text())).containsExactly("web1", "web2");
        assertThat(first.headers().get(HttpHeaderNames.SET_COOKIE)).isEqualTo("SERVERID=s1; path=/");

        FullHttpRequest sticky = get("/cart");
        sticky.headers().add(HttpHeaderNames.COOKIE, "SERVERID=s2").add(HttpHeaderNames.COOKIE, "theme=dark");
        for (int i = 0; i < 3; i++) {
            assertThat(client.exchange(sticky.retainedDuplicate()).text()).isEqualTo("web2");
        }
        sticky.release();

        Request forwarded = web2.await(4, 5000).get(3).request();
        assertThat(forwarded.method() + " " + forwarded.target() + " " + forwarded.version())
                .isEqualTo("GET /cart HTTP/1.1");
        assertThat(forwarded.header("Host")).isEqualTo("localhost");
        assertThat(forwarded.headers("Cookie"))
                .as("HTTP/2 cookie fields joined for HTTP/1.1 (RFC 9113 8.2.3), Fjord's cookie removed (indirect)")
                .containsExactly("theme=dark");
        assertThat(forwarded.headers())
                .extracting(field -> field.getKey().toLowerCase(java.util.Locale.ROOT))
                .doesNotContain(":path", ":authority", "x-http2-stream-id", "x-http2-scheme", "transfer-encoding");
        assertThat(web1.errors()).isEmpty();
        assertThat(web2.errors()).isEmpty();
    }

    @Test
    void largeBodiesGoBothWaysWithAndWithoutContentLength() throws Exception {
        web1.respond(Http2ProxyTest::echo);
        NettyH2Client client = client("    server web1 " + web1.address() + "\n");
        byte[] body = new byte[3 << 20];
        new Random(18).nextBytes(body);

        Reply sized = client.exchange(NettyH2Client.request(HttpMethod.POST, "/upload", body));
        FullHttpRequest unsized = NettyH2Client.request(HttpMethod.PUT, "/upload", body);
        unsized.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
        Reply chunked = client.exchange(unsized);

        assertThat(sized.status()).isEqualTo(200);
        assertThat(sized.body()).isEqualTo(body);
        assertThat(chunked.body()).isEqualTo(body);
        List<RecordingHttpServer.Received> received = web1.await(2, 5000);
        assertThat(received.get(0).request().header("Content-Length")).isEqualTo(String.valueOf(body.length));
        assertThat(received.get(1).request().header("Transfer-Encoding"))
                .as("a body without Content-Length goes chunked to the HTTP/1.1 server")
                .isEqualTo("chunked");
        assertThat(received.get(1).request().body()).isEqualTo(body);
        assertThat(web1.errors()).isEmpty();
    }

    @Test
    void anUploadWaitsForAServerSlowToReadAndThenCompletes() throws Exception {
        RecordingHttpServer slow = fjord.closeAfter(new RecordingHttpServer(64 << 10));
        slow.respond(Http2ProxyTest::echo);
        CountDownLatch reading = new CountDownLatch(1);
        slow.holdReads(reading);
        NettyH2Client client = client("    server slow " + slow.address() + "\n");
        byte[] body = new byte[4 << 20];
        new Random(19).nextBytes(body);
        FullHttpRequest unsized = NettyH2Client.request(HttpMethod.PUT, "/upload", body);
        unsized.headers().remove(HttpHeaderNames.CONTENT_LENGTH);

        CompletableFuture<Reply> reply = client.send(unsized);
        // the server reads nothing: the proxy's server connection fills, so it stops reading the stream (no
        // WINDOW_UPDATE)
        assertThatThrownBy(() -> reply.get(500, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        reading.countDown(); // the server's buffer drains: the proxy must read the stream again, from outside its reads

        assertThat(reply.get(20, TimeUnit.SECONDS).body()).isEqualTo(body);
        assertThat(slow.received().get(0).request().body()).isEqualTo(body);
        assertThat(slow.errors()).isEmpty();
    }

    /** 200 with the request's body, with Content-Length. */
    static byte[] echo(Request request) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Length: " + request.body().length + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        out.writeBytes(head);
        out.writeBytes(request.body());
        return out.toByteArray();
    }

    @Test
    void logsHttp2AsHaproxyDoesAndCountsTheConnectionAsOneSession() throws Exception {
        names(web1, "web1");
        NettyH2Client client = client("    server web1 " + web1.address() + "\n");
        for (int i = 0; i < 3; i++) {
            assertThat(client.exchange(get("/page?n=" + i)).status()).isEqualTo(200);
        }
        assertThat(client.exchange(get("/static/missing")).status())
                .as("cdn answers 200 ok by default")
                .isEqualTo(200);

        awaitLines(4);
        assertThat(log.get(0)).contains("main app/web1 ").contains(" 200 ").contains("\"GET /page?n=0 HTTP/2.0\"");
        assertThat(log.get(3)).contains("main static/cdn ").contains("\"GET /static/missing HTTP/2.0\"");
        Counters frontend = proxy.router().frontendCounters("main");
        assertThat(frontend.sessions())
                .as("one connection, as HAProxy counts sessions")
                .isEqualTo(1);
        assertThat(frontend.requests()).isEqualTo(4);
        assertThat(frontend.responses(2)).isEqualTo(4);
        assertThat(proxy.router()
                        .backend("app")
                        .requireServer("web1")
                        .counters()
                        .responses(2))
                .isEqualTo(3);
    }

    private void awaitLines(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (log.size() < count && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(5); // a log line follows its exchange: bounded wait
        }
        assertThat(log).hasSizeGreaterThanOrEqualTo(count);
    }

    @Test
    void manyConcurrentStreamsShareOneConnection() throws Exception {
        web1.respond(request -> RecordingHttpServer.response(request, 200, request.target()));
        NettyH2Client client = client("    server web1 " + web1.address() + "\n");
        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            replies.add(client.send(get("/item/" + i)));
        }
        for (int i = 0; i < 100; i++) {
            assertThat(replies.get(i).get(10, TimeUnit.SECONDS).text()).isEqualTo("/item/" + i);
        }
        assertThat(web1.await(100, 5000)).hasSize(100);
        assertThat(proxy.router().frontendCounters("main").sessions()).isEqualTo(1);
    }

    @Test
    void aDeadServerIsRetriedOnAnotherWithRedispatch() throws Exception {
        names(web2, "web2");
        int dead = unusedPort();
        NettyH2Client client =
                client("    server web1 127.0.0.1:" + dead + "\n    server web2 " + web2.address() + "\n");
        for (int i = 0; i < 4; i++) {
            assertThat(client.exchange(get("/retry")).text()).isEqualTo("web2");
        }
        assertThat(proxy.router()
                        .backend("app")
                        .requireServer("web1")
                        .counters()
                        .connectionErrors())
                .isGreaterThan(0);
        Counters app = proxy.router().backend("app").counters();
        assertThat(app.retries() + app.redispatches()).isGreaterThan(0);
    }

    /** A loopback port nothing listens on (bound, then closed): a dead server. */
    static int unusedPort() throws java.io.IOException {
        try (java.net.ServerSocket socket =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void streamsBeyondMaxconnWaitInTheQueue() throws Exception {
        web1.respond(request -> {
            pause(100);
            return RecordingHttpServer.response(request, 200, "ok");
        });
        NettyH2Client client = client("    server web1 " + web1.address() + " maxconn 1\n");
        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            replies.add(client.send(get("/slow/" + i)));
        }
        for (CompletableFuture<Reply> reply : replies) {
            assertThat(reply.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
        Server server = proxy.router().backend("app").requireServer("web1");
        assertThat(server.counters().max())
                .as("never more than maxconn at the server")
                .isEqualTo(1);
        assertThat(web1.connections()).isEqualTo(1);
        awaitLines(5);
        assertThat(log).anySatisfy(line -> assertThat(line).containsPattern(" \\d+/[1-9]\\d*/\\d+/\\d+/\\d+ "));
    }

    private static void pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aSwitchingProtocolsAnswerToAStreamIsABadGateway() throws Exception {
        web1.respond(request -> "HTTP/1.1 101 Switching Protocols\r\nUpgrade: foo\r\nConnection: upgrade\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        NettyH2Client client = client("    server web1 " + web1.address() + "\n");

        assertThat(client.exchange(get("/switch")).status())
                .as("a 101 to a request that asked no upgrade (no HTTP/2 request can) is invalid")
                .isEqualTo(502);
        awaitLines(1);
        assertThat(log.get(0)).contains(" 502 ").contains(" SH");
    }

    @Test
    void aStreamResetByTheClientCancelsItsServerRequest() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        web1.respond(request -> {
            if (request.target().equals("/held")) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return RecordingHttpServer.response(request, 200, "ok");
        });
        NettyH2Client client = client("    server web1 " + web1.address() + "\n");
        Server server = proxy.router().backend("app").requireServer("web1");
        var stream = client.openStream(new io.netty.channel.ChannelInboundHandlerAdapter())
                .get(5, TimeUnit.SECONDS);
        stream.writeAndFlush(get("/held")).sync();
        web1.await(1, 5000);
        assertThat(server.counters().current()).isEqualTo(1);

        stream.close().sync(); // RST_STREAM CANCEL

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.counters().current() != 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(5);
        }
        assertThat(server.counters().current())
                .as("the server's session ended with the stream")
                .isZero();
        awaitLines(1);
        assertThat(log.get(0)).contains(" CH").contains("\"GET /held HTTP/2.0\"");
        release.countDown();
        assertThat(client.exchange(get("/after")).status())
                .as("the connection serves other streams")
                .isEqualTo(HttpResponseStatus.OK.code());
    }
}
