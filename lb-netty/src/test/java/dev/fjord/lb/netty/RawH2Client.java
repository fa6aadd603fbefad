package dev.fjord.lb.netty;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;

/**
 * An HTTP/2 client made of hand-built frames over a plain socket, for tests that need exact bytes on the wire (attacks,
 * malformed requests, flow control held by hand): each frame is written here, its 9-byte header and payload
 * (RFC 9113 4.1); header blocks are HPACK-encoded by Netty's encoder, whose dynamic table lives as long as this
 * connection, or given as raw bytes. Reads frames one by one with a timeout. Not thread-safe: one test thread.
 */
final class RawH2Client implements AutoCloseable {
    static final int DATA = 0;
    static final int HEADERS = 1;
    static final int RST_STREAM = 3;
    static final int SETTINGS = 4;
    static final int PING = 6;
    static final int GOAWAY = 7;
    static final int WINDOW_UPDATE = 8;
    static final int CONTINUATION = 9;

    static final int END_STREAM = 0x1;
    static final int ACK = 0x1;
    static final int END_HEADERS = 0x4;

    static final int NO_ERROR = 0x0;
    static final int PROTOCOL_ERROR = 0x1;
    static final int REFUSED_STREAM = 0x7;
    static final int CANCEL = 0x8;
    static final int ENHANCE_YOUR_CALM = 0xb;

    static final int SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;
    static final int SETTINGS_INITIAL_WINDOW_SIZE = 0x4;

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /**
     * A frame as read: its type, flags, stream and payload, and for a HEADERS frame its fields, decoded as it was read
     * (every block must be, in order, to keep the HPACK table in step).
     */
    record Frame(
            int type,
            int flags,
            int stream,
            byte[] payload,
            @Nullable Http2Headers headers) {
        boolean has(int flag) {
            return (flags & flag) != 0;
        }

        /** The error code of a RST_STREAM or GOAWAY frame. */
        int errorCode() {
            return ByteBuffer.wrap(payload, type == GOAWAY ? 4 : 0, 4).getInt();
        }

        /** The debug data of a GOAWAY frame, as text. */
        String debugData() {
            return new String(payload, 8, payload.length - 8, StandardCharsets.UTF_8);
        }

        /** The increment of a WINDOW_UPDATE frame. */
        int increment() {
            return ByteBuffer.wrap(payload).getInt() & 0x7fffffff;
        }

        @Override
        public String toString() {
            return "Frame[type=" + type + ", flags=" + flags + ", stream=" + stream + ", length=" + payload.length
                    + "]";
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final Http2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
    private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false, Integer.MAX_VALUE);
    private long written;

    /** Connects to {@code address}; a receive buffer above 0 is set first (a small one makes a slow reader). */
    RawH2Client(InetSocketAddress address, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.setTcpNoDelay(true); // each frame goes at once, as an HTTP/2 client sends them
        socket.connect(address, 2000);
        socket.setSoTimeout(5000);
        in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
        out = socket.getOutputStream();
    }

    RawH2Client(InetSocketAddress address) throws IOException {
        this(address, 0);
    }

    /** The connection preface: the magic, then a SETTINGS frame of {@code settings} (id, value pairs). */
    RawH2Client preface(int... settings) throws IOException {
        ByteBuffer payload = ByteBuffer.allocate(settings.length / 2 * 6);
        for (int i = 0; i + 1 < settings.length; i += 2) {
            payload.putShort((short) settings[i]).putInt(settings[i + 1]);
        }
        out.write(PREFACE);
        frame(SETTINGS, 0, 0, payload.array());
        return this;
    }

    /** Bytes written so far, frame headers included. */
    long written() {
        return written;
    }

    /** Writes one frame: 24-bit length, type, flags, 31-bit stream id, payload. */
    void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        out.write(frameBytes(type, flags, stream, payload));
        written += 9 + payload.length;
    }

    /** The bytes of one frame, to batch many in one write. */
    static byte[] frameBytes(int type, int flags, int stream, byte[] payload) {
        ByteBuffer frame = ByteBuffer.allocate(9 + payload.length);
        frame.put((byte) (payload.length >>> 16))
                .put((byte) (payload.length >>> 8))
                .put((byte) payload.length);
        frame.put((byte) type).put((byte) flags).putInt(stream & 0x7fffffff).put(payload);
        return frame.array();
    }

    /** Writes {@code bytes} as they are (frames batched by {@link #frameBytes}). */
    void raw(byte[] bytes) throws IOException {
        out.write(bytes);
        written += bytes.length;
    }

    /** The HPACK block of {@code headers}, from this connection's encoder. */
    byte[] block(Http2Headers headers) {
        ByteBuf buf = Unpooled.buffer();
        try {
            encoder.encodeHeaders(1, headers, buf);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } catch (Http2Exception e) {
            throw new IllegalStateException(e);
        } finally {
            buf.release();
        }
    }

    /** A HEADERS frame with END_HEADERS. */
    void headers(int stream, Http2Headers headers, boolean endStream) throws IOException {
        frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), stream, block(headers));
    }

    /** A GET of {@code path} on {@code localhost}, ending its stream. */
    void get(int stream, String path) throws IOException {
        headers(stream, request("GET", path), true);
    }

    static Http2Headers request(String method, String path) {
        return new DefaultHttp2Headers()
                .method(method)
                .scheme("http")
                .path(path)
                .authority("localhost");
    }

    void data(int stream, byte[] bytes, boolean endStream) throws IOException {
        frame(DATA, endStream ? END_STREAM : 0, stream, bytes);
    }

    void rst(int stream, int code) throws IOException {
        frame(RST_STREAM, 0, stream, ByteBuffer.allocate(4).putInt(code).array());
    }

    void windowUpdate(int stream, int increment) throws IOException {
        frame(WINDOW_UPDATE, 0, stream, ByteBuffer.allocate(4).putInt(increment).array());
    }

    void settingsAck() throws IOException {
        frame(SETTINGS, ACK, 0, new byte[0]);
    }

    /** The next frame, or null when none came within {@code wait}. */
    @Nullable
    Frame read(Duration wait) throws IOException {
        socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
        int first;
        try {
            first = in.read();
        } catch (SocketTimeoutException e) {
            return null;
        }
        if (first < 0) {
            throw new EOFException("connection closed by the proxy");
        }
        socket.setSoTimeout(5000); // the rest of a frame that started
        int length = (first << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7fffffff;
        byte[] payload = new byte[length];
        in.readFully(payload);
        return new Frame(type, flags, stream, payload, type == HEADERS ? decode(stream, payload) : null);
    }

    /** Decodes a header block (the proxy sends each in one HEADERS frame) with this connection's decoder. */
    private Http2Headers decode(int stream, byte[] payload) throws IOException {
        ByteBuf block = Unpooled.wrappedBuffer(payload);
        try {
            return decoder.decodeHeaders(stream, block);
        } catch (Http2Exception e) {
            throw new IOException("undecodable header block on stream " + stream, e);
        } finally {
            block.release();
        }
    }

    /** A response read whole, or cut by RST_STREAM ({@code reset} is its error code then, else -1). */
    record Response(@Nullable Http2Headers headers, byte[] body, int reset) {
        String status() {
            return headers == null ? "none" : String.valueOf(headers.status());
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * Reads until {@code stream} ends (END_STREAM or RST_STREAM), within {@code wait}: SETTINGS acknowledged, DATA
     * acknowledged with WINDOW_UPDATEs for the stream and the connection, frames of other streams dropped.
     *
     * @throws IOException when the connection closes or {@code wait} passes first
     */
    Response response(int stream, Duration wait) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        Http2Headers headers = null;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (System.nanoTime() < deadline) {
            Frame frame = read(Duration.ofMillis(50));
            if (frame == null) {
                continue;
            }
            if (frame.type() == SETTINGS && !frame.has(ACK)) {
                settingsAck();
            } else if (frame.type() == GOAWAY) {
                throw new IOException("GOAWAY with error " + frame.errorCode());
            } else if (frame.stream() == stream) {
                if (frame.type() == RST_STREAM) {
                    return new Response(headers, body.toByteArray(), frame.errorCode());
                }
                if (frame.type() == HEADERS) {
                    Http2Headers decoded = java.util.Objects.requireNonNull(frame.headers(), "decoded");
                    CharSequence status = decoded.status();
                    if (headers == null && status != null && status.charAt(0) != '1') {
                        headers = decoded;
                    }
                } else if (frame.type() == DATA && frame.payload().length > 0) {
                    body.write(frame.payload());
                    if (!frame.has(END_STREAM)) { // after the last, the proxy may close (its GOAWAY sent)
                        windowUpdate(0, frame.payload().length);
                        windowUpdate(stream, frame.payload().length);
                    }
                }
                if (frame.has(END_STREAM) && (frame.type() == DATA || frame.type() == HEADERS)) {
                    if (headers != null) {
                        return new Response(headers, body.toByteArray(), -1);
                    }
                }
            }
        }
        throw new IOException("no end of stream " + stream + " within " + wait);
    }

    /** Reads until a GOAWAY arrives (returned) or the connection closes (null), within {@code wait}. */
    @Nullable
    Frame awaitGoAway(Duration wait) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                Frame frame = read(Duration.ofMillis(50));
                if (frame != null && frame.type() == GOAWAY) {
                    return frame;
                }
            }
        } catch (EOFException | java.net.SocketException closed) {
            return null;
        }
        throw new IOException("neither GOAWAY nor a close within " + wait);
    }

    /** Whether the proxy closed the connection within {@code wait} (frames read meanwhile are dropped). */
    boolean closedWithin(Duration wait) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                read(Duration.ofMillis(50));
            }
        } catch (EOFException | java.net.SocketException closed) {
            return true;
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
