package dev.fjord.lb.netty;

import org.jspecify.annotations.Nullable;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of every HTTP server connection: hands what the server sends to the exchange attached to the
 * connection, so an exchange changes nothing in the pipeline. While no exchange is attached (the connection is
 * idle in the pool) anything the server sends closes the connection: it could never be trusted as a response.
 * Not sharable; all calls on the connection's event loop.
 */
final class ServerConnectionHandler extends ChannelInboundHandlerAdapter {
    static final String NAME = "fjord.server.exchange";
    private static final AttributeKey<ServerConnectionHandler> KEY = AttributeKey.valueOf(NAME);

    /** What an attached exchange gets from its server connection. */
    interface Listener {
        void read(Object msg);

        void readComplete();

        void writabilityChanged(boolean writable);

        void inactive(Channel channel);
    }

    private @Nullable Listener listener;

    /** The handler of {@code channel}. */
    static ServerConnectionHandler of(Channel channel) {
        return channel.attr(KEY).get();
    }

    /** Adds the handler of {@code channel}, an HTTP server connection, to its pipeline. */
    static void add(Channel channel) {
        ServerConnectionHandler handler = new ServerConnectionHandler();
        channel.attr(KEY).set(handler);
        channel.pipeline().addLast(NAME, handler);
    }

    void attach(Listener exchange) {
        this.listener = exchange;
    }

    void detach() {
        this.listener = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Listener current = listener;
        if (current == null) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        current.read(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Listener current = listener;
        if (current != null) {
            current.readComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Listener current = listener;
        if (current != null) {
            current.writabilityChanged(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Listener current = listener;
        listener = null;
        if (current != null) {
            current.inactive(ctx.channel());
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
