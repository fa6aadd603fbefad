package dev.fjord.lb.netty;

import static dev.fjord.lb.netty.RawH2Client.CONTINUATION;
import static dev.fjord.lb.netty.RawH2Client.END_HEADERS;
import static dev.fjord.lb.netty.RawH2Client.END_STREAM;
import static dev.fjord.lb.netty.RawH2Client.HEADERS;
import static dev.fjord.lb.netty.RawH2Client.PING;
import static dev.fjord.lb.netty.RawH2Client.RST_STREAM;
import static dev.fjord.lb.netty.RawH2Client.SETTINGS;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.Http2Tuning;
import dev.fjord.lb.core.haproxy.HaproxyImport;
import dev.fjord.lb.netty.RawH2Client.Frame;

/**
 * Known HTTP/2 attacks, each made of hand-built frames over a raw socket, against a proxy in front of a recording
 * server: each is cut off at its bound, and none floods the server.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Http2AttackTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final RecordingHttpServer web = fjord.recordingServer();
    private final CountDownLatch release = new CountDownLatch(1);
    private FjordProxy proxy;

    @AfterEach
    void releaseServer() {
        release.countDown();
    }

    private RawH2Client connect(Consumer<Http2Tuning.Builder> tuning) throws IOException {
        proxy = fjord.start(HaproxyImport.parse(
                        "defaults\n    mode http\n    timeout connect 1s\n    timeout client 10s\n"
                                + "    timeout server 10s\nfrontend main\n    bind 127.0.0.1:0 proto h2\n"
                                + "    default_backend app\nbackend app\n    server web1 " + web.address()
                                + "\n",
                        "haproxy.cfg",
                        Map.of())
                .builder()
                .global(g -> g.http2(tuning))
                .build());
        return open(0);
    }

    private RawH2Client open(int receiveBuffer) throws IOException {
        RawH2Client client = fjord.closeAfter(new RawH2Client(proxy.address("main"), receiveBuffer));
        client.preface();
        return client;
    }

    /** Reads the proxy's SETTINGS and acknowledges them, as a client does before it relies on them. */
    private static void acknowledgeSettings(RawH2Client client) throws IOException {
        for (int i = 0; i < 10; i++) {
            Frame frame = client.read(Duration.ofSeconds(2));
            if (frame != null && frame.type() == SETTINGS && !frame.has(RawH2Client.ACK)) {
                client.settingsAck();
                return;
            }
        }
        throw new IOException("no SETTINGS from the proxy");
    }

    @Test
    void rapidResetIsCutOffWithEnhanceYourCalmAndNeverReachesTheServer() throws Exception {
        RawH2Client client = connect(h -> {});
        int pairs = 0;
        try {
            for (int batch = 0; batch < 20; batch++) { // 20 batches of 50 HEADERS + RST_STREAM pairs: 1000 streams
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                for (int i = 0; i < 50; i++) {
                    int stream = 1 + 2 * pairs++;
                    bytes.writeBytes(RawH2Client.frameBytes(
                            HEADERS, END_HEADERS | END_STREAM, stream, client.block(RawH2Client.request("GET", "/"))));
                    bytes.writeBytes(RawH2Client.frameBytes(RST_STREAM, 0, stream, code(RawH2Client.CANCEL)));
                }
                client.raw(bytes.toByteArray());
            }
        } catch (SocketException closed) {
            // the proxy closed the connection mid-flood
        }

        Frame goAway = client.awaitGoAway(Duration.ofSeconds(5));
        assertThat(goAway).as("GOAWAY before the close").isNotNull();
        assertThat(goAway.errorCode()).isEqualTo(RawH2Client.ENHANCE_YOUR_CALM);
        assertThat(client.closedWithin(Duration.ofSeconds(5))).isTrue();
        TimeUnit.MILLISECONDS.sleep(200); // anything dispatched would have reached the server by now
        int reached = web.received().size();
        System.out.printf(
                "rapid reset: %d HEADERS+RST_STREAM pairs sent, %d requests reached the server%n", pairs, reached);
        assertThat(reached)
                .as("streams reset in the read of their HEADERS never reach routing; at most the reset bound could")
                .isLessThanOrEqualTo(Http2Tuning.DEFAULT.maxResetsPerWindow());
        assertThat(proxy.router().frontendCounters("main").requests())
                .as("a stream reset in a later read than its HEADERS is routed (and counted), then aborted")
                .isLessThanOrEqualTo(Http2Tuning.DEFAULT.maxResetsPerWindow());
    }

    private static byte[] code(int errorCode) {
        return ByteBuffer.allocate(4).putInt(errorCode).array();
    }

    @Test
    void continuationFloodsEndWithGoAwayBeforeTheHeaderBlockGrowsBeyondItsBound() throws Exception {
        RawH2Client large = connect(h -> {});
        large.frame(HEADERS, 0, 1, large.block(RawH2Client.request("GET", "/")));
        byte[] fragment = new byte[4096];
        Arrays.fill(fragment, (byte) 'a');
        int sent = 0;
        try {
            for (; sent < 1000; sent++) { // 4 MB of header block, never ended
                large.frame(CONTINUATION, 0, 1, fragment);
            }
        } catch (SocketException closed) {
            // cut off mid-flood
        }
        Frame goAway = large.awaitGoAway(Duration.ofSeconds(5));
        assertThat(large.closedWithin(Duration.ofSeconds(5))).isTrue();
        System.out.printf(
                "CONTINUATION flood, 4 KiB frames: %d written before the close, GOAWAY %s%n",
                sent, goAway == null ? "none" : goAway.errorCode() + " " + goAway.debugData());
        assertThat(goAway).isNotNull();
        assertThat(goAway.debugData())
                .as("the block was refused once it outgrew the header list size with 25% to spare")
                .contains(String.valueOf(Http2Frontend.maxHeaderListSize(HttpLimits.DEFAULT) * 5 / 4));

        RawH2Client small = open(0);
        small.frame(HEADERS, 0, 1, small.block(RawH2Client.request("GET", "/")));
        byte[] empty = new byte[0];
        sent = 0;
        try {
            for (; sent < 10_000; sent++) { // endless empty CONTINUATION frames: CPU, not memory
                small.frame(CONTINUATION, 0, 1, empty);
            }
        } catch (SocketException closed) {
            // cut off mid-flood
        }
        Frame smallGoAway = small.awaitGoAway(Duration.ofSeconds(5));
        assertThat(small.closedWithin(Duration.ofSeconds(5))).isTrue();
        System.out.printf(
                "CONTINUATION flood, empty frames: %d written before the close, GOAWAY %s%n",
                sent, smallGoAway == null ? "none" : smallGoAway.errorCode() + " " + smallGoAway.debugData());
        assertThat(smallGoAway).isNotNull();
        assertThat(smallGoAway.errorCode()).isEqualTo(RawH2Client.ENHANCE_YOUR_CALM);
        assertThat(web.received()).isEmpty();
    }

    @Test
    void anHpackBombIsRefusedAtTheHeaderListSize() throws Exception {
        RawH2Client client = connect(h -> {});
        client.frame(HEADERS, END_HEADERS | END_STREAM, 1, hpackBomb(2000));

        RawH2Client.Response response = client.response(1, Duration.ofSeconds(5));
        System.out.printf(
                "HPACK bomb: a %d-byte block decoding to %d bytes: status %s, reset %d%n",
                hpackBomb(2000).length, 2000L * (6 + 4000 + 32), response.status(), response.reset());
        assertThat(response.status()).isEqualTo("431");
        assertThat(web.received()).isEmpty();

        client.frame(PING, 0, 0, new byte[8]); // the connection lives on
        Frame pong = null;
        for (int i = 0; i < 10 && (pong == null || pong.type() != PING); i++) {
            pong = client.read(Duration.ofSeconds(2));
        }
        assertThat(pong).isNotNull();
        assertThat(pong.has(RawH2Client.ACK)).isTrue();
    }

    /**
     * A request whose header block inserts one 4000-byte field into the HPACK dynamic table, then names it
     * {@code copies} times by its index, one byte each: a few kilobytes that decode to {@code copies * 4038} bytes.
     */
    static byte[] hpackBomb(int copies) {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        block.writeBytes(new byte[] {(byte) 0x82, (byte) 0x86, (byte) 0x84}); // :method GET, :scheme http, :path /
        block.write(0x01); // :authority, literal without indexing, name from the static table
        block.write(9);
        block.writeBytes("localhost".getBytes(StandardCharsets.US_ASCII));
        block.write(0x40); // literal with incremental indexing, new name
        block.write(6);
        block.writeBytes("x-bomb".getBytes(StandardCharsets.US_ASCII));
        block.writeBytes(new byte[] {0x7f, (byte) 0xa1, 0x1e}); // value length 4000: 127 + 3873 as 7-bit groups
        byte[] value = new byte[4000];
        Arrays.fill(value, (byte) 'b');
        block.writeBytes(value);
        for (int i = 0; i < copies; i++) {
            block.write(0x80 | 62); // indexed: the first dynamic-table entry, x-bomb
        }
        return block.toByteArray();
    }

    @Test
    void aStreamBeyondMaxConcurrentStreamsIsRefused() throws Exception {
        web.respond(request -> {
            try {
                release.await(10, TimeUnit.SECONDS); // every request held until the test lets them go
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return RecordingHttpServer.OK.apply(request);
        });
        RawH2Client client = connect(h -> {});
        acknowledgeSettings(client);
        for (int i = 0; i < 101; i++) {
            client.get(1 + 2 * i, "/held/" + i);
        }

        Frame refused = null;
        for (int i = 0; i < 50 && refused == null; i++) {
            Frame frame = client.read(Duration.ofMillis(200));
            if (frame != null && frame.type() == RST_STREAM) {
                refused = frame;
            }
        }
        assertThat(refused).as("RST_STREAM for the 101st stream").isNotNull();
        assertThat(refused.stream()).isEqualTo(201);
        assertThat(refused.errorCode()).isEqualTo(RawH2Client.REFUSED_STREAM);
        assertThat(web.await(100, 5000)).hasSize(100);
        release.countDown();
        assertThat(client.response(199, Duration.ofSeconds(10)).status()).isEqualTo("200");
        assertThat(web.received()).hasSize(100);
    }

    @Test
    void maxConcurrentStreamsHoldsForAClientThatNeverAcknowledgesTheSettings() throws Exception {
        web.respond(request -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return RecordingHttpServer.OK.apply(request);
        });
        RawH2Client client = connect(h -> h.maxConcurrentStreams(10));
        ByteArrayOutputStream burst = new ByteArrayOutputStream();
        for (int i = 0; i < 50; i++) { // sent at once, before the proxy's SETTINGS could be read
            burst.writeBytes(RawH2Client.frameBytes(
                    HEADERS, END_HEADERS | END_STREAM, 1 + 2 * i, client.block(RawH2Client.request("GET", "/x"))));
        }
        client.raw(burst.toByteArray());

        int refused = 0;
        for (int i = 0; i < 100 && refused < 40; i++) {
            Frame frame = client.read(Duration.ofMillis(100));
            if (frame != null && frame.type() == RST_STREAM && frame.errorCode() == RawH2Client.REFUSED_STREAM) {
                refused++;
            }
        }
        TimeUnit.MILLISECONDS.sleep(200);
        System.out.printf(
                "50 streams at once, limit 10, SETTINGS never acknowledged: %d refused, %d reached the server%n",
                refused, web.received().size());
        assertThat(refused).isEqualTo(40);
        assertThat(web.received()).hasSizeLessThanOrEqualTo(10);
    }

    @Test
    void pingAndSettingsFloodsFromAClientThatDoesNotReadCloseTheConnection() throws Exception {
        connect(h -> h.maxQueuedControlFrames(1000));
        for (int type : new int[] {PING, SETTINGS}) {
            RawH2Client client = open(4096);
            byte[] frame = RawH2Client.frameBytes(type, 0, 0, type == PING ? new byte[8] : new byte[0]);
            byte[] batch = new byte[frame.length * 1000];
            for (int i = 0; i < 1000; i++) {
                System.arraycopy(frame, 0, batch, i * frame.length, frame.length);
            }
            int sent = 0;
            try {
                for (; sent < 3_000_000; sent += 1000) { // never reading the acknowledgements
                    client.raw(batch);
                }
            } catch (SocketException closed) {
                // the proxy closed the connection
            }
            boolean closed = client.closedWithin(Duration.ofSeconds(5));
            System.out.printf(
                    "%s flood without reading: %d frames sent before the close%n",
                    type == PING ? "PING" : "SETTINGS", sent);
            assertThat(closed).isTrue();
            assertThat(sent).as("cut off long before the flood ended").isLessThan(3_000_000);
        }
        assertThat(web.received()).isEmpty();
    }
}
