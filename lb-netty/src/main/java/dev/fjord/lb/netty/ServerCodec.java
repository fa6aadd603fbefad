package dev.fjord.lb.netty;

import org.jspecify.annotations.Nullable;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

/**
 * The HTTP/1.1 codec of a server connection, and its guard against reuse after anything unexpected: it knows the
 * method of the request in flight (a response to {@code HEAD} has no body whatever its fields say), how many bytes
 * the server sent beyond the response the proxy took ({@link #bufferedBytes}: a connection holding any is never
 * reused, or they would be read as the next client's response), and while the connection is idle in the pool it
 * closes it on the first byte the server sends. Responses with both {@code Content-Length} and
 * {@code Transfer-Encoding} fail to decode (Netty follows RFC 9112 6.1) and their connection is closed.
 *
 * <p>Not sharable; all calls on the connection's event loop.
 */
final class ServerCodec extends CombinedChannelDuplexHandler<ServerCodec.ResponseDecoder, HttpRequestEncoder> {
    private static final AttributeKey<ServerCodec> KEY = AttributeKey.valueOf("fjord.server.codec");

    private boolean idle;

    ServerCodec(HttpLimits limits) {
        init(
                new ResponseDecoder(new HttpDecoderConfig()
                        .setMaxInitialLineLength(limits.maxRequestLine())
                        .setMaxHeaderSize(limits.maxHeaderBytes())
                        .setMaxChunkSize(65536)),
                new HttpRequestEncoder());
    }

    /** The codec of {@code channel}, an HTTP server connection (an attribute: a pipeline lookup walks its names). */
    static ServerCodec of(Channel channel) {
        return channel.attr(KEY).get();
    }

    /** Adds the codec of {@code channel}, an HTTP server connection, to its pipeline. */
    static void add(Channel channel, HttpLimits limits) {
        ServerCodec codec = new ServerCodec(limits);
        channel.attr(KEY).set(codec);
        channel.pipeline().addLast(BackendPool.CODEC, codec);
    }

    /** Bytes received and not yet decoded into messages: what the server sent after the response taken. */
    int bufferedBytes() {
        return inboundHandler().buffered();
    }

    /** While idle (in the pool), any byte from the server closes the connection. */
    void idle(boolean idle) {
        this.idle = idle;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (idle && msg instanceof ByteBuf) {
            ReferenceCountUtil.release(msg);
            ctx.close(); // nobody asked: never a response to trust
            return;
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpRequest request) {
            inboundHandler().method = request.method();
        }
        super.write(ctx, msg, promise);
    }

    /** Netty's response decoder, told the method of the request in flight. */
    static final class ResponseDecoder extends HttpResponseDecoder {
        private @Nullable HttpMethod method;

        ResponseDecoder(HttpDecoderConfig config) {
            super(config);
        }

        int buffered() {
            return actualReadableBytes();
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage msg) {
            if (msg instanceof HttpResponse response
                    && response.status().code() >= 200
                    && HttpMethod.HEAD.equals(method)) {
                return true;
            }
            return super.isContentAlwaysEmpty(msg);
        }
    }
}
