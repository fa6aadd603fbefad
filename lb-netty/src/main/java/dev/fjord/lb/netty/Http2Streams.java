package dev.fjord.lb.netty;

import java.util.ArrayDeque;

import org.jspecify.annotations.Nullable;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2RemoteFlowController;
import io.netty.handler.codec.http2.Http2Stream;

/**
 * The streams of one HTTP/2 connection, as {@link Http2ServerCodec}'s frame listener: a client stream's first
 * HEADERS frame opens its {@link Http2ClientStream} (kept as a property of Netty's stream), its later frames go to
 * it, and it hears of its stream's close (a RST_STREAM, both ends done, the connection gone), of the flow-control
 * window's writability and of the stream errors the codec finds. Connection frames (SETTINGS, PING, GOAWAY,
 * WINDOW_UPDATE) are the codec's alone.
 *
 * <p>Not thread-safe: one per connection, on its event loop.
 */
final class Http2Streams extends Http2FrameAdapter implements Http2RemoteFlowController.Listener {
    /** Opens the handler of a new client stream. */
    interface Factory {
        Http2ClientStream open(Http2ServerCodec codec, Http2Stream stream);
    }

    private final Http2ServerCodec codec;
    private final Factory factory;
    private final Http2Connection.PropertyKey key;
    /** Streams opened during the current read, started when it completes. */
    private final ArrayDeque<Http2ClientStream> opened = new ArrayDeque<>(4);

    Http2Streams(Http2ServerCodec codec, Factory factory) {
        this.codec = codec;
        this.factory = factory;
        this.key = codec.connection().newKey();
    }

    private @Nullable Http2ClientStream of(int streamId) {
        Http2Stream stream = codec.connection().stream(streamId);
        return stream == null ? null : stream.getProperty(key);
    }

    @Override
    public void onHeadersRead(
            ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding, boolean endOfStream) {
        Http2Stream stream = codec.connection().stream(streamId);
        if (stream == null) {
            return;
        }
        Http2ClientStream client = stream.getProperty(key);
        if (client == null) {
            client = factory.open(codec, stream);
            stream.setProperty(key, client);
            opened.add(client);
        }
        client.onHeaders(headers, endOfStream);
    }

    @Override
    public void onHeadersRead(
            ChannelHandlerContext ctx,
            int streamId,
            Http2Headers headers,
            int streamDependency,
            short weight,
            boolean exclusive,
            int padding,
            boolean endOfStream) {
        onHeadersRead(ctx, streamId, headers, padding, endOfStream);
    }

    /** Passes the DATA on; the bytes acknowledged to the client now (the rest once the stream reads again). */
    @Override
    public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
        int bytes = data.readableBytes() + padding;
        Http2ClientStream client = of(streamId);
        return client == null ? bytes : client.onData(data.retain(), bytes, endOfStream);
    }

    /** Starts the streams opened by the read that just completed, which were not reset meanwhile. */
    void startOpened() {
        Http2ClientStream client;
        while ((client = opened.poll()) != null) {
            client.start();
        }
    }

    /** The codec found a stream error on {@code streamId}, which it resets next; false when no stream of Fjord's. */
    boolean streamError(int streamId, Throwable cause) {
        Http2ClientStream client = of(streamId);
        if (client == null) {
            return false;
        }
        client.codecError(cause);
        return true;
    }

    @Override
    public void writabilityChanged(Http2Stream stream) {
        Http2ClientStream client = stream.getProperty(key);
        if (client != null) {
            client.writabilityChanged();
        }
    }

    /** What hears of streams closing. */
    Http2Connection.Listener closings() {
        return new Http2ConnectionAdapter() {
            @Override
            public void onStreamClosed(Http2Stream stream) {
                Http2ClientStream client = stream.getProperty(key);
                if (client != null) {
                    client.closed();
                }
            }
        };
    }
}
