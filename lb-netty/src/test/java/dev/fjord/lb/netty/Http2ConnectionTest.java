package dev.fjord.lb.netty;

import static dev.fjord.lb.netty.RawH2Client.PING;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.haproxy.HaproxyImport;
import dev.fjord.lb.netty.RawH2Client.Frame;

/**
 * The life of an HTTP/2 client connection: idle ones close with GOAWAY on the frontend's timeouts (PINGs do not keep
 * them), a closing proxy or a removed frontend sends GOAWAY and finishes the streams in flight, the PROXY protocol
 * still names the client, an HTTP/1.1 client on an HTTP/2 bind is refused, and HTTP/1.1's {@code Upgrade: h2c} is never
 * answered by Fjord.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class Http2ConnectionTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final RecordingHttpServer web = fjord.recordingServer();
    private final CountDownLatch release = new CountDownLatch(1);
    private FjordProxy proxy;

    @AfterEach
    void releaseServer() {
        release.countDown();
    }

    private RawH2Client connect(String timeouts, String bindOptions) throws Exception {
        proxy = fjord.start("defaults\n    mode http\n    option forwardfor\n    timeout connect 1s\n"
                + "    timeout client 10s\n    timeout server 10s\n" + timeouts
                + "frontend main\n    bind 127.0.0.1:0 " + bindOptions + "\n    default_backend app\n"
                + "backend app\n    server web1 " + web.address() + "\n");
        return fjord.closeAfter(new RawH2Client(proxy.address("main")));
    }

    /** A connection whose stream 1 the server holds (answering {@code late} once {@link #release} opens). */
    private RawH2Client streamHeldByTheServer() throws Exception {
        web.respond(request -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return RecordingHttpServer.response(request, 200, "late");
        });
        RawH2Client client = connect("", "proto h2");
        client.preface();
        client.get(1, "/held");
        web.await(1, 5000);
        return client;
    }

    @Test
    void anIdleConnectionGetsGoAwayAfterHttpKeepAliveAndPingsDoNotKeepIt() throws Exception {
        RawH2Client client = connect("    timeout http-request 5s\n    timeout http-keep-alive 300ms\n", "proto h2");
        client.preface();
        client.get(1, "/");
        assertThat(client.response(1, Duration.ofSeconds(5)).status()).isEqualTo("200");
        long answered = System.nanoTime();
        long deadline = answered + TimeUnit.SECONDS.toNanos(3);
        Frame goAway = null;
        while (goAway == null && System.nanoTime() < deadline) { // a PING every 100 ms: not a request, not activity
            client.frame(PING, 0, 0, new byte[8]);
            long next = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
            while (goAway == null && System.nanoTime() < next) {
                Frame frame = client.read(Duration.ofMillis(20));
                goAway = frame != null && frame.type() == RawH2Client.GOAWAY ? frame : null;
            }
        }
        long idle = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - answered);
        assertThat(goAway).as("GOAWAY within 3 s").isNotNull();
        assertThat(goAway.errorCode()).isEqualTo(RawH2Client.NO_ERROR);
        assertThat(idle)
                .as("300 ms from the stream's end on the proxy, measured at the client")
                .isBetween(150L, 2000L);
        assertThat(client.closedWithin(Duration.ofSeconds(2))).isTrue();
    }

    @Test
    void aConnectionWithoutRequestsIsClosedAfterHttpRequest() throws Exception {
        RawH2Client client = connect("    timeout http-request 300ms\n", "proto h2");
        client.preface();
        long start = System.nanoTime();
        Frame goAway = client.awaitGoAway(Duration.ofSeconds(3));
        assertThat(goAway).isNotNull();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(150L, 2000L);
    }

    @Test
    void closingTheProxySendsGoAwayAndLetsTheStreamInFlightFinish() throws Exception {
        RawH2Client client = streamHeldByTheServer();

        CompletableFuture<Boolean> closed = CompletableFuture.supplyAsync(() -> proxy.close(Duration.ofSeconds(10)));
        Frame goAway = client.awaitGoAway(Duration.ofSeconds(5));
        assertThat(goAway).isNotNull();
        assertThat(goAway.errorCode()).isEqualTo(RawH2Client.NO_ERROR);
        release.countDown();

        RawH2Client.Response response = client.response(1, Duration.ofSeconds(5));
        assertThat(response.status()).isEqualTo("200");
        assertThat(response.text()).isEqualTo("late");
        assertThat(closed.get(10, TimeUnit.SECONDS))
                .as("every request finished before the deadline")
                .isTrue();
    }

    @Test
    void removingTheFrontendSendsGoAwayAndLetsTheStreamInFlightFinish() throws Exception {
        RawH2Client client = streamHeldByTheServer();

        proxy.reconfigure(HaproxyImport.parse(
                        "defaults\n    mode http\n    timeout connect 1s\n    timeout client 10s\n"
                                + "    timeout server 10s\nfrontend other\n    bind 127.0.0.1:0\n"
                                + "    default_backend app\nbackend app\n    server web1 " + web.address() + "\n",
                        "reload.cfg",
                        Map.of())
                .builder()
                .build());
        Frame goAway = client.awaitGoAway(Duration.ofSeconds(5));
        assertThat(goAway).as("GOAWAY once the frontend is removed").isNotNull();
        assertThat(goAway.errorCode()).isEqualTo(RawH2Client.NO_ERROR);
        release.countDown();

        RawH2Client.Response response = client.response(1, Duration.ofSeconds(5));
        assertThat(response.status()).isEqualTo("200");
        assertThat(response.text()).isEqualTo("late");
        assertThat(client.closedWithin(Duration.ofSeconds(5)))
                .as("closed once its stream is over")
                .isTrue();
        assertThat(web.received()).hasSize(1);
    }

    @Test
    void behindAcceptProxyTheClientIsTheOneThePROXYHeaderNames() throws Exception {
        RawH2Client client = connect("", "accept-proxy proto h2");
        client.raw("PROXY TCP4 10.1.2.3 127.0.0.1 5555 80\r\n".getBytes(StandardCharsets.US_ASCII));
        client.preface();
        client.get(1, "/");

        assertThat(client.response(1, Duration.ofSeconds(5)).status()).isEqualTo("200");
        assertThat(web.await(1, 5000).get(0).request().header("X-Forwarded-For"))
                .isEqualTo("10.1.2.3");
    }

    @Test
    void anHttp11ClientOnAnHttp2BindIsRefusedAndNothingIsForwarded() throws Exception {
        connect("", "proto h2");
        try (RawClient http1 = new RawClient(proxy.address("main"))) {
            http1.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
            String answer = http1.readUntilClose();
            assertThat(answer).doesNotContain("HTTP/1.1");
        }
        assertThat(web.received()).isEmpty();
    }

    @Test
    void thePrefaceOnAnHttp1BindIsRefusedWithoutAnImplicitUpgrade() throws Exception {
        connect("", "");
        try (RawClient http1 = new RawClient(proxy.address("main"))) {
            http1.send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
            assertThat(http1.readUntilClose()).startsWith("HTTP/1.1 505");
        }
        assertThat(web.received()).isEmpty();
    }

    @Test
    void upgradeToH2cOverHttp11IsNotAnsweredByFjordItself() throws Exception {
        connect("", "");
        try (RawClient http1 = new RawClient(proxy.address("main"))) {
            http1.send("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                    + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n");
            String answer = http1.readResponse();
            assertThat(answer).startsWith("HTTP/1.1 200").doesNotContain("101");
        }
        assertThat(web.await(1, 5000).get(0).request().header("Upgrade"))
                .as("passed to the server like any upgrade, as HAProxy does: the server may accept it")
                .isEqualTo("h2c");
    }
}
