package dev.fjord.lb.netty;

import java.util.List;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;

/**
 * Writes the response an exchange produces, as HTTP/1.1 messages, as frames of its HTTP/2 stream: the head as a
 * HEADERS frame (the connection-specific fields {@code Connection}, {@code Keep-Alive}, {@code Transfer-Encoding},
 * {@code Upgrade} and those {@code Connection} names dropped by {@link HttpConversionUtil}), each body part as a DATA
 * frame, the last part with END_STREAM (or trailers as a HEADERS frame with END_STREAM). An interim response
 * ({@code 100}, {@code 103}) is a HEADERS frame that does not end the stream, and the empty part that closes it in
 * HTTP/1.1 is dropped. Other stream frames (a RST_STREAM) pass through.
 *
 * <p>Not sharable: one per stream (it remembers an interim response being written); its connection's event loop.
 */
final class Http2ResponseEncoder extends MessageToMessageEncoder<HttpObject> {
    /** Whether the last head written was interim: the {@code LastHttpContent} that follows it is not the end. */
    private boolean interim;

    Http2ResponseEncoder() {
        super(HttpObject.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, HttpObject msg, List<Object> out) {
        if (msg instanceof HttpResponse response) {
            Http2Headers headers = HttpConversionUtil.toHttp2Headers(response, false);
            int code = response.status().code();
            if (code < 200) {
                out.add(new DefaultHttp2HeadersFrame(headers, false));
                interim = !(msg instanceof LastHttpContent);
                return;
            }
            if (msg instanceof FullHttpResponse full) {
                boolean bodyless =
                        !full.content().isReadable() && full.trailingHeaders().isEmpty();
                out.add(new DefaultHttp2HeadersFrame(headers, bodyless));
                if (!bodyless) {
                    last(full, out);
                }
            } else {
                out.add(new DefaultHttp2HeadersFrame(headers, false));
            }
            return;
        }
        if (msg instanceof LastHttpContent last) {
            if (interim) {
                interim = false; // the end of an interim response in HTTP/1.1 terms
                return;
            }
            last(last, out);
        } else if (msg instanceof HttpContent content) {
            out.add(new DefaultHttp2DataFrame(content.content().retain(), false));
        }
    }

    private static void last(LastHttpContent last, List<Object> out) {
        boolean trailers = !last.trailingHeaders().isEmpty();
        if (last.content().isReadable() || !trailers) {
            out.add(new DefaultHttp2DataFrame(last.content().retain(), !trailers));
        }
        if (trailers) {
            out.add(new DefaultHttp2HeadersFrame(
                    HttpConversionUtil.toHttp2Headers(last.trailingHeaders(), false), true));
        }
    }
}
