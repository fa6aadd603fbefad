package dev.fjord.lb.core.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.fjord.lb.core.StickData;
import dev.fjord.lb.core.peers.PeerMessage.Control;
import dev.fjord.lb.core.peers.PeerMessage.Count;
import dev.fjord.lb.core.peers.PeerMessage.Define;
import dev.fjord.lb.core.peers.PeerMessage.Name;
import dev.fjord.lb.core.peers.PeerMessage.Rate;
import dev.fjord.lb.core.peers.PeerMessage.Update;

/**
 * Bytes captured from HAProxy 2.6.12 (test resource {@code haproxy-2.6.12.hex}, recorded by
 * {@code capture-haproxy-2.6.12.py}: HAProxy connected to a recording peer, a request tracked on {@code fe}, a
 * {@code stick on src} in {@code app}, {@code set table strs key hello data.gpc0 7}, then a full resync asked of it):
 * decoded, and encoded back to the same bytes wherever HAProxy's encoding is deterministic.
 */
final class PeerCodecGoldenTest {
    private static final Map<String, byte[]> CAPTURED = captured();

    private static final Define FE = new Define(
            1,
            "fe",
            Define.KEY_IPV4,
            4,
            bit(StickData.GPC0) | bit(StickData.CONN_CNT) | bit(StickData.HTTP_REQ_RATE),
            30_000,
            Map.of(StickData.HTTP_REQ_RATE.type(), 10_000L),
            Map.of());
    private static final Define APP = new Define(
            2,
            "app",
            Define.KEY_IPV4,
            4,
            bit(StickData.SERVER_ID) | bit(StickData.SERVER_KEY),
            30_000,
            Map.of(),
            Map.of());
    private static final Define STRS =
            new Define(3, "strs", Define.KEY_STRING, 17, bit(StickData.GPC0), 60_000, Map.of(), Map.of());
    private static final PeerMessage.Bytes LOCALHOST = PeerMessage.Bytes.of(new byte[] {127, 0, 0, 1});

    private static long bit(StickData data) {
        return 1L << data.type();
    }

    @Test
    void afterTheHandshake_haproxyAsksForAResyncAndConfirmsOurs() {
        assertThat(decodeAll(CAPTURED.get("after_hello")))
                .containsExactly(Control.RESYNC_REQUEST, Control.RESYNC_CONFIRM);
        assertThat(decodeAll(CAPTURED.get("later"))).containsExactly(Control.HEARTBEAT);
        assertThat(PeerEncoder.control(Control.HEARTBEAT)).isEqualTo(CAPTURED.get("later"));
    }

    @Test
    void trackedRequestAndStickOn_decodeAndEncodeToTheSameBytes() {
        List<PeerMessage> messages = decodeAll(CAPTURED.get("after_request"));

        Update fe = new Update(
                FE,
                2,
                null,
                LOCALHOST,
                Map.of(
                        StickData.GPC0,
                        new Count(0),
                        StickData.CONN_CNT,
                        new Count(1),
                        StickData.HTTP_REQ_RATE,
                        new Rate(0, 1, 0)));
        Update app = new Update(
                APP,
                1,
                null,
                LOCALHOST,
                Map.of(StickData.SERVER_ID, new Count(1), StickData.SERVER_KEY, new Name("web1")));
        assertThat(messages).containsExactly(FE, fe, APP, app);
        ByteArrayOutputStream encoded = new ByteArrayOutputStream();
        encoded.writeBytes(PeerEncoder.define(FE));
        encoded.writeBytes(PeerEncoder.update(fe));
        encoded.writeBytes(PeerEncoder.define(APP));
        encoded.writeBytes(PeerEncoder.update(app));
        assertThat(HexFormat.of().formatHex(encoded.toByteArray()))
                .isEqualTo(HexFormat.of().formatHex(CAPTURED.get("after_request")));
    }

    @Test
    void stringKey_decodesAndEncodesToTheSameBytes() {
        Update hello = new Update(STRS, 1, null, "hello", Map.of(StickData.GPC0, new Count(7)));

        assertThat(decodeAll(CAPTURED.get("after_set"))).containsExactly(STRS, hello);
        assertThat(concat(PeerEncoder.define(STRS), PeerEncoder.update(hello))).isEqualTo(CAPTURED.get("after_set"));
    }

    @Test
    void fullResync_teachesEveryTableThenTimedUpdatesWithCachedNamesThenFinished() {
        byte[] lesson = CAPTURED.get("lesson");
        assertThat(new String(lesson, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("200\n");

        List<PeerMessage> messages = decodeAll(java.util.Arrays.copyOfRange(lesson, 4, lesson.length));

        assertThat(messages).hasSize(13).endsWith(Control.RESYNC_FINISHED);
        Update timedApp = (Update) messages.get(7);
        assertThat(timedApp.expireMillis()).isEqualTo(0x3ab0); // 15 s left of 30
        assertThat(timedApp.data())
                .isEqualTo(Map.of(
                        StickData.SERVER_ID,
                        new Count(1),
                        StickData.SERVER_KEY,
                        new Name("web1"))); // sent as cache id 1 alone: the name came earlier on this connection
        Update timedFe = (Update) messages.get(9);
        assertThat(timedFe.data().get(StickData.HTTP_REQ_RATE)).isEqualTo(new Rate(14_978, 1, 0));
        assertThat(PeerEncoder.update(timedFe)).isEqualTo(java.util.Arrays.copyOfRange(lesson, 0x9e, 0xb4));
    }

    @ParameterizedTest
    @ValueSource(
            longs = {
                0,
                1,
                239,
                240,
                2287,
                2288,
                264_431,
                264_432,
                33_818_863,
                33_818_864,
                4_328_786_159L,
                4_328_786_160L,
                Long.MAX_VALUE,
                -1
            })
    void varint_roundTripsAtEachLengthBoundary(long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PeerVarint.write(value, out);
        ByteBuffer in = ByteBuffer.wrap(out.toByteArray());

        assertThat(PeerVarint.read(in)).isEqualTo(value);
        assertThat(in.hasRemaining()).isFalse();
    }

    @Test
    void varint_lengthsAreHaproxys() {
        assertThat(encoded(239)).hasSize(1);
        assertThat(encoded(240)).containsExactly(0xf0, 0x00);
        assertThat(encoded(2288)).hasSize(3);
        assertThat(encoded(30_000)).containsExactly(0xf0, 0xc4, 0x0d); // the expire of 30s HAProxy sent
    }

    @Test
    void malformedMessages_throwNamingWhatWasExpected() {
        PeerDecoder decoder = new PeerDecoder();
        assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(new byte[] {10, (byte) 0x80, 1, 0})))
                .isInstanceOf(PeerProtocolException.class)
                .hasMessage("entry update before any table definition");
        assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(new byte[] {7, 0})))
                .hasMessage("message class 7 (expected: 0, 1 or 10)");
        assertThatThrownBy(() -> PeerDecoder.frameLength(
                        ByteBuffer.wrap(new byte[] {10, (byte) 0x80, (byte) 0xf0, (byte) 0xff, (byte) 0xff, 0x7f})))
                .hasMessage("message length 33818848 (expected: at most 65536)");
        assertThat(PeerDecoder.frameLength(ByteBuffer.wrap(new byte[] {10, (byte) 0x82, 5, 1})))
                .isEqualTo(-1);
        decoder.decode(ByteBuffer.wrap(PeerEncoder.define(FE)));
        assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(new byte[] {10, (byte) 0x80, 3, 0, 0, 1})))
                .hasMessage("message ends early (expected: every field its header announces)");
    }

    private static int[] encoded(long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PeerVarint.write(value, out);
        byte[] bytes = out.toByteArray();
        int[] unsigned = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            unsigned[i] = bytes[i] & 0xff;
        }
        return unsigned;
    }

    private static List<PeerMessage> decodeAll(byte[] bytes) {
        PeerDecoder decoder = new PeerDecoder();
        ByteBuffer in = ByteBuffer.wrap(bytes);
        List<PeerMessage> messages = new ArrayList<>();
        for (int i = 0; i < 100 && in.hasRemaining(); i++) {
            int length = PeerDecoder.frameLength(in);
            assertThat(length).as("a whole message at %d", in.position()).isPositive();
            messages.add(decoder.decode(in.slice(in.position(), length)));
            in.position(in.position() + length);
        }
        assertThat(in.hasRemaining()).isFalse();
        return messages;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(first);
        out.writeBytes(second);
        return out.toByteArray();
    }

    private static Map<String, byte[]> captured() {
        try (InputStream in = PeerCodecGoldenTest.class.getResourceAsStream("haproxy-2.6.12.hex")) {
            Map<String, byte[]> vectors = new LinkedHashMap<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII)
                    .lines()
                    .toList()) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    int space = line.indexOf(' ');
                    vectors.put(line.substring(0, space), HexFormat.of().parseHex(line.substring(space + 1)));
                }
            }
            return vectors;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
