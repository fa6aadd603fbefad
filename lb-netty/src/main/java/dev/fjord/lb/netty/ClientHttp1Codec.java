package dev.fjord.lb.netty;

import java.net.SocketAddress;

import org.jspecify.annotations.Nullable;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponseEncoder;

/**
 * The HTTP/1.x codec of a client connection in one handler: requests decoded strictly ({@link StrictRequestDecoder}),
 * responses encoded by Netty's {@link HttpResponseEncoder}, called in place. One pipeline context less than the two
 * handlers apart (64 bytes of each of thousands of idle connections, and a hop per write). Removing it from the
 * pipeline (a tunnel) removes both halves and passes on the bytes it holds.
 *
 * <p>Not sharable: one per connection, its calls on its event loop.
 */
final class ClientHttp1Codec extends StrictRequestDecoder implements ChannelOutboundHandler {
    /** Made at the first response: a connection that never sends a request holds none (40 bytes each). */
    private @Nullable HttpResponseEncoder encoder;

    ClientHttp1Codec(RequestPolicy policy, @Nullable HeadListener listener) {
        super(policy, listener);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        HttpResponseEncoder responses = encoder;
        if (responses == null) {
            responses = new HttpResponseEncoder();
            encoder = responses;
        }
        responses.write(ctx, msg, promise); // its output goes to the handler before this one
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        ctx.read();
    }

    @Override
    public void bind(ChannelHandlerContext ctx, SocketAddress localAddress, ChannelPromise promise) {
        ctx.bind(localAddress, promise);
    }

    @Override
    public void connect(
            ChannelHandlerContext ctx,
            SocketAddress remoteAddress,
            @Nullable SocketAddress localAddress,
            ChannelPromise promise) {
        ctx.connect(remoteAddress, localAddress, promise);
    }

    @Override
    public void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.disconnect(promise);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.close(promise);
    }

    @Override
    public void deregister(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.deregister(promise);
    }
}
