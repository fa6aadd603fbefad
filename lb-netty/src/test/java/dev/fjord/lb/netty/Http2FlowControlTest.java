package dev.fjord.lb.netty;

import static dev.fjord.lb.netty.RawH2Client.DATA;
import static dev.fjord.lb.netty.RawH2Client.SETTINGS;
import static dev.fjord.lb.netty.RawH2Client.WINDOW_UPDATE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.netty.RawH2Client.Frame;

import io.netty.handler.codec.http2.Http2Headers;

/**
 * HTTP/2 flow control carries back-pressure both ways through the proxy: a client that grants no window pauses the
 * server connection (the server's writes block), and a server that does not read stops the WINDOW_UPDATEs the client
 * needs to send more; each side resumes when the other does, and every byte arrives.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class Http2FlowControlTest {
    private static final long BODY = 64L << 20;

    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicLong serverBytes = new AtomicLong();
    private ServerSocket backend;

    @AfterEach
    void stopBackend() throws IOException {
        release.countDown();
        if (backend != null) {
            backend.close();
        }
    }

    private RawH2Client proxyTo(Runnable serve) throws IOException {
        backend = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread thread = new Thread(serve, "slow-backend");
        thread.setDaemon(true);
        thread.start();
        FjordProxy proxy = fjord.start("defaults\n    mode http\n    timeout connect 1s\n    timeout client 30s\n"
                + "    timeout server 30s\nfrontend main\n    bind 127.0.0.1:0 proto h2\n    default_backend app\n"
                + "backend app\n    server web1 127.0.0.1:" + backend.getLocalPort() + "\n");
        RawH2Client client = fjord.closeAfter(new RawH2Client(proxy.address("main")));
        client.preface();
        return client;
    }

    @Test
    void aClientThatGrantsNoWindowPausesTheServerUntilItReads() throws Exception {
        RawH2Client client = proxyTo(serve(socket -> {
            readHead(socket.getInputStream()); // read, or the close at the end would be a reset that drops the rest
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + BODY + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[1 << 16];
            for (long sent = 0; sent < BODY; sent += chunk.length) {
                out.write(chunk); // blocks once the proxy stops reading
                serverBytes.addAndGet(chunk.length);
            }
            awaitClose(socket); // until the proxy has it all
        }));
        client.get(1, "/large");

        long received = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long stalled = -1;
        long settledSince = System.nanoTime();
        while (System.nanoTime() < deadline) { // read what the windows allow, never granting more
            Frame frame = client.read(Duration.ofMillis(100));
            if (frame != null && frame.type() == DATA) {
                received += frame.payload().length;
            } else if (frame != null && frame.type() == SETTINGS && !frame.has(RawH2Client.ACK)) {
                client.settingsAck();
            }
            long now = serverBytes.get();
            if (now != stalled) {
                stalled = now;
                settledSince = System.nanoTime();
            } else if (System.nanoTime() - settledSince > TimeUnit.MILLISECONDS.toNanos(1000)) {
                break; // the server has not written a byte for a second
            }
        }
        System.out.printf(
                "slow HTTP/2 client: the server stalled after %d of %d bytes; the client had %d (its windows)%n",
                stalled, BODY, received);
        assertThat(received).as("no more than the client's initial windows").isLessThanOrEqualTo(65_535);
        assertThat(stalled)
                .as("the server's writes blocked long before the end")
                .isLessThan(BODY / 2);

        received += drain(client, 1, serverBytes);
        assertThat(received).isEqualTo(BODY);
        assertThat(serverBytes.get()).isEqualTo(BODY);
    }

    /** Reads stream {@code stream} to its end, granting window for each DATA frame; the bytes read. */
    private static long drain(RawH2Client client, int stream, AtomicLong serverBytes) throws IOException {
        long received = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        boolean granted = false;
        while (System.nanoTime() < deadline) {
            if (!granted) {
                client.windowUpdate(0, 1 << 24);
                client.windowUpdate(stream, 1 << 24);
                granted = true;
            }
            Frame frame = client.read(Duration.ofSeconds(5));
            if (frame == null) {
                throw new IOException(
                        "no frame for 5 s after " + received + " bytes (the server wrote " + serverBytes.get() + ")");
            }
            if (frame.type() == DATA && frame.stream() == stream) {
                received += frame.payload().length;
                client.windowUpdate(0, frame.payload().length);
                client.windowUpdate(stream, frame.payload().length);
                if (frame.has(RawH2Client.END_STREAM)) {
                    return received;
                }
            }
        }
        throw new IOException("stream " + stream + " not ended in 60 s");
    }

    @Test
    void aServerThatDoesNotReadStopsTheWindowUpdatesOfTheClient() throws Exception {
        RawH2Client client = proxyTo(serve(socket -> {
            InputStream in = socket.getInputStream();
            readHead(in);
            release.await(30, TimeUnit.SECONDS); // reads nothing of the body until the test lets it
            byte[] buffer = new byte[1 << 16];
            while (serverBytes.get() < BODY) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                serverBytes.addAndGet(n);
            }
            String body = String.valueOf(serverBytes.get());
            socket.getOutputStream()
                    .write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                            .getBytes(StandardCharsets.US_ASCII));
            awaitClose(socket);
        }));
        Http2Headers post = RawH2Client.request("POST", "/upload").add("content-length", String.valueOf(BODY));
        client.headers(1, post, false);
        Upload upload = new Upload(client);

        long stalledAt = upload.send(BODY, Duration.ofMillis(1000));
        System.out.printf(
                "slow server: the client was held after sending %d of %d bytes (server read %d)%n",
                stalledAt, BODY, serverBytes.get());
        assertThat(stalledAt)
                .as("held by the stream's window long before the end")
                .isLessThan(BODY / 2);
        assertThat(serverBytes.get()).isZero();

        release.countDown();
        assertThat(upload.send(BODY, Duration.ofSeconds(10))).isEqualTo(BODY);
        RawH2Client.Response response = client.response(1, Duration.ofSeconds(30));
        assertThat(response.status()).isEqualTo("200");
        assertThat(response.text()).isEqualTo(String.valueOf(BODY));
    }

    /** A request body sent as HTTP/2 flow control allows: within the connection's and the stream's windows. */
    private static final class Upload {
        private final RawH2Client client;
        private long connectionWindow = 65_535;
        private long streamWindow = 65_535;
        private long sent;

        Upload(RawH2Client client) {
            this.client = client;
        }

        /** Sends until {@code total} bytes went, or the windows stay shut for {@code stall}; the bytes sent. */
        long send(long total, Duration stall) throws IOException {
            byte[] chunk = new byte[16_384];
            long idleSince = System.nanoTime();
            while (sent < total && System.nanoTime() - idleSince < stall.toNanos()) {
                long room = Math.min(Math.min(connectionWindow, streamWindow), Math.min(chunk.length, total - sent));
                if (room > 0) {
                    byte[] part = room == chunk.length ? chunk : java.util.Arrays.copyOf(chunk, (int) room);
                    client.data(1, part, sent + room == total);
                    sent += room;
                    connectionWindow -= room;
                    streamWindow -= room;
                    idleSince = System.nanoTime();
                    continue;
                }
                Frame frame = client.read(Duration.ofMillis(50));
                if (frame != null && frame.type() == WINDOW_UPDATE) {
                    if (frame.stream() == 0) {
                        connectionWindow += frame.increment();
                    } else if (frame.stream() == 1) {
                        streamWindow += frame.increment();
                    }
                } else if (frame != null && frame.type() == SETTINGS && !frame.has(RawH2Client.ACK)) {
                    client.settingsAck();
                }
            }
            return sent;
        }
    }

    private interface Serve {
        void on(Socket socket) throws Exception;
    }

    /** Accepts one connection and serves it with {@code serve}. */
    private Runnable serve(Serve serve) {
        return () -> {
            try (Socket socket = backend.accept()) {
                serve.on(socket);
            } catch (Exception e) {
                // the test ended, or the proxy closed the connection
            }
        };
    }

    /** Waits for the proxy to close the connection (a pooled connection stays: up to 30 s). */
    private static void awaitClose(Socket socket) throws IOException {
        socket.setSoTimeout(30_000);
        try {
            while (socket.getInputStream().read() >= 0) {
                // nothing more is expected
            }
        } catch (java.net.SocketTimeoutException e) {
            // the proxy kept the connection for reuse
        }
    }

    /** Reads a request head, up to its empty line. */
    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed in the request head");
            }
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }
}
