package dev.fjord.lb.netty;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.ReferenceCountUtil;

/**
 * Writes the response an exchange produces, as HTTP/1.1 messages, as frames of its HTTP/2 stream: the head as a
 * HEADERS frame (the connection-specific fields {@code Connection}, {@code Keep-Alive}, {@code Transfer-Encoding},
 * {@code Upgrade} and those {@code Connection} names dropped by {@link HttpConversionUtil}), each body part as a DATA
 * frame (its buffer, not a copy), the last part with END_STREAM (or trailers as a HEADERS frame with END_STREAM). An
 * interim response ({@code 100}, {@code 103}) is a HEADERS frame that does not end the stream, and the empty part
 * that closes it in HTTP/1.1 is dropped.
 *
 * <p>Not thread-safe: one per stream (it remembers an interim response being written); its connection's event loop.
 */
final class Http2ResponseEncoder {
    /** Where the frames go. */
    interface Frames {
        void headers(Http2Headers headers, boolean endStream);

        /** A DATA frame of {@code content}, which the callee then owns. */
        void data(ByteBuf content, boolean endStream);
    }

    private final Frames frames;
    /** Whether the last head written was interim: the {@code LastHttpContent} that follows it is not the end. */
    private boolean interim;

    Http2ResponseEncoder(Frames frames) {
        this.frames = frames;
    }

    /** Writes {@code msg} as frames; takes ownership of it. */
    void write(HttpObject msg) {
        if (msg instanceof HttpResponse response) {
            head(response);
        } else if (msg instanceof LastHttpContent last) {
            if (interim) {
                interim = false; // the end of an interim response in HTTP/1.1 terms
                last.release();
            } else {
                last(last);
            }
        } else if (msg instanceof HttpContent content) {
            frames.data(content.content(), false);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void head(HttpResponse response) {
        Http2Headers headers = HttpConversionUtil.toHttp2Headers(response, false);
        if (response.status().code() < 200) {
            frames.headers(headers, false);
            interim = !(response instanceof LastHttpContent);
            ReferenceCountUtil.release(response);
            return;
        }
        if (response instanceof FullHttpResponse full) {
            boolean bodyless =
                    !full.content().isReadable() && full.trailingHeaders().isEmpty();
            frames.headers(headers, bodyless);
            if (bodyless) {
                full.release();
            } else {
                last(full);
            }
        } else {
            frames.headers(headers, false);
        }
    }

    private void last(LastHttpContent last) {
        boolean trailers = !last.trailingHeaders().isEmpty();
        Http2Headers trailerFields = trailers ? HttpConversionUtil.toHttp2Headers(last.trailingHeaders(), false) : null;
        if (last.content().isReadable() || !trailers) {
            frames.data(last.content(), !trailers);
        } else {
            last.release();
        }
        if (trailerFields != null) {
            frames.headers(trailerFields, true);
        }
    }
}
