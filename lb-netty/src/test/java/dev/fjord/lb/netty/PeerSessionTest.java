package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.fjord.lb.core.StickData;
import dev.fjord.lb.core.peers.PeerEncoder;
import dev.fjord.lb.core.peers.PeerMessage;

/**
 * Fjord's side of the peers protocol seen from a raw socket playing peer {@code hap}: the handshake's status codes,
 * the resync Fjord asks for at start, learnt updates acknowledged, a heartbeat when idle, and a protocol error
 * answered with HAProxy's error message before closing.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
final class PeerSessionTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @TempDir
    Path dir;

    private int fjordPeer;

    @BeforeEach
    void start() throws IOException {
        fjordPeer = HaproxyProcess.freePort();
        int nobody = HaproxyProcess.freePort(); // hap is never listening: Fjord's connections to it fail, retried
        fjord.start("""
                global
                    localpeer fjord
                    stats socket %s mode 600 level admin
                peers mypeers
                    peer fjord 127.0.0.1:%d
                    peer hap 127.0.0.1:%d
                frontend fe
                    mode http
                    bind 127.0.0.1:0
                    stick-table type ip size 1k expire 30s store gpc0 peers mypeers
                    http-request track-sc0 src
                    http-request deny
                """.formatted(dir.resolve("fjord.sock"), fjordPeer, nobody));
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", fjordPeer), 1000);
        socket.setSoTimeout(5000);
        return socket;
    }

    private static String hello(Socket socket, String hello) throws IOException {
        socket.getOutputStream().write(hello.getBytes(StandardCharsets.US_ASCII));
        return new String(read(socket.getInputStream(), 4), StandardCharsets.US_ASCII);
    }

    private static byte[] read(InputStream in, int length) throws IOException {
        return in.readNBytes(length);
    }

    @Test
    void handshake_refusesWrongNamesAndVersions_withHaproxysCodes() throws IOException {
        for (Map.Entry<String, String> refused : Map.of(
                        "HAProxyS 2.1\nnotfjord\nhap 1 1\n", "503\n",
                        "HAProxyS 2.1\nfjord\nstranger 1 1\n", "504\n",
                        "HAProxyS 3.0\nfjord\nhap 1 1\n", "502\n",
                        "Hello\nfjord\nhap 1 1\n", "501\n")
                .entrySet()) {
            try (Socket socket = connect()) {
                assertThat(hello(socket, refused.getKey())).as(refused.getKey()).isEqualTo(refused.getValue());
                assertThat(socket.getInputStream().read())
                        .as("closed after " + refused.getValue())
                        .isEqualTo(-1);
            }
        }
    }

    @Test
    void acceptedPeer_isAskedForAResync_andItsUpdatesAreLearntAndAcknowledged() throws Exception {
        try (Socket socket = connect()) {
            assertThat(hello(socket, "HAProxyS 2.1\nfjord\nhap 4242 1\n")).isEqualTo("200\n");
            InputStream in = socket.getInputStream();
            assertThat(read(in, 2)).as("resync request").containsExactly(0, 0);

            PeerMessage.Define fe = new PeerMessage.Define(
                    7, "fe", PeerMessage.Define.KEY_IPV4, 4, 1L << StickData.GPC0.type(), 30_000, Map.of(), Map.of());
            ByteArrayOutputStream lesson = new ByteArrayOutputStream();
            lesson.writeBytes(PeerEncoder.define(fe));
            lesson.writeBytes(PeerEncoder.update(new PeerMessage.Update(
                    fe,
                    41,
                    null,
                    PeerMessage.Bytes.of(new byte[] {(byte) 192, 0, 2, 77}),
                    Map.of(StickData.GPC0, new PeerMessage.Count(12)))));
            lesson.writeBytes(PeerEncoder.control(PeerMessage.Control.RESYNC_FINISHED));
            socket.getOutputStream().write(lesson.toByteArray());

            byte[] answer = new byte[2 + PeerEncoder.ack(7, 41).length];
            assertThat(in.readNBytes(answer, 0, answer.length)).isEqualTo(answer.length);
            assertThat(HexFormat.of().formatHex(answer))
                    .as("ack of update 41 of table 7, then resync confirm")
                    .isIn(
                            HexFormat.of().formatHex(concat(PeerEncoder.ack(7, 41), new byte[] {0, 3})),
                            HexFormat.of().formatHex(concat(new byte[] {0, 3}, PeerEncoder.ack(7, 41))));
            Waits.until(() -> table().contains("key=192.0.2.77 use=0 exp="), "entry learnt");
            assertThat(table()).contains("key=192.0.2.77 use=0 exp=").contains("gpc0=12");

            long idle = System.nanoTime();
            assertThat(read(in, 2)).as("heartbeat").containsExactly(0, 4);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - idle)).isBetween(2000L, 4500L);
        }
    }

    @Test
    void protocolError_isAnsweredWithHaproxysErrorMessage_thenClosed() throws IOException {
        try (Socket socket = connect()) {
            assertThat(hello(socket, "HAProxyS 2.1\nfjord\nhap 4242 1\n")).isEqualTo("200\n");
            InputStream in = socket.getInputStream();
            assertThat(read(in, 2)).containsExactly(0, 0);
            socket.getOutputStream().write(new byte[] {7, 0});

            assertThat(read(in, 2)).as("protocol error").containsExactly(1, 0);
            try {
                assertThat(in.read()).isEqualTo(-1);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("not closed after the error", e);
            }
        }
    }

    private String table() {
        try {
            return HaproxyStickParityTest.command(dir.resolve("fjord.sock"), "show table fe");
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
