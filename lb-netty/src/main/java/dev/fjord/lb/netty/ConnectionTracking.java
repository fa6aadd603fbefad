package dev.fjord.lb.netty;

import java.net.InetSocketAddress;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fjord.lb.core.StickCounters;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;

/**
 * The first handler of a client connection: runs its frontend's {@code tcp-request connection} rules when it is
 * accepted, before a byte is read ({@link dev.fjord.lb.core.Router#acceptConnection}), closing it at once when they
 * reject it (no response, no server contacted, not logged, as HAProxy), and its {@code tcp-request session} rules
 * then too, unless a {@link SessionStart} runs them later (after a PROXY header); then keeps the connection's sticky
 * counters, which it feeds the bytes read and written (headers included, as HAProxy counts them) and releases when
 * the connection closes. The protocol handler after it routes requests with {@link #counters()}. Not sharable: one
 * per connection, on its event loop.
 */
final class ConnectionTracking extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(ConnectionTracking.class);

    private final ProxyRuntime runtime;
    private final String frontend;
    private final boolean sessionLater;
    private @Nullable StickCounters counters;

    /** @param sessionLater whether a {@link SessionStart} further on starts the session (after a PROXY header) */
    ConnectionTracking(ProxyRuntime runtime, String frontend, boolean sessionLater) {
        this.runtime = runtime;
        this.frontend = frontend;
        this.sessionLater = sessionLater;
    }

    /**
     * Counters for the connections of {@code frontend} when nothing tracks them ({@link
     * dev.fjord.lb.core.Router#tracksConnections} false): not in a pipeline, shared by those connections, which saves
     * a handler (and its context and counters) per connection.
     */
    static ConnectionTracking untracked(ProxyRuntime runtime, String frontend) {
        ConnectionTracking shared = new ConnectionTracking(runtime, frontend, false);
        shared.counters = StickCounters.untracked(); // no table: its methods change nothing, from any thread
        return shared;
    }

    /** The frontend's name. */
    String frontend() {
        return frontend;
    }

    /** The connection's sticky counters; set once the connection is accepted, before the next handlers hear of it. */
    StickCounters counters() {
        StickCounters accepted = counters;
        if (accepted == null) {
            throw new IllegalStateException("frontend '" + frontend + "': the connection was not accepted yet");
        }
        return accepted;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetSocketAddress client = (InetSocketAddress) ctx.channel().remoteAddress();
        int localPort = ((InetSocketAddress) ctx.channel().localAddress()).getPort();
        StickCounters accepted;
        try {
            accepted = sessionLater
                    ? runtime.router.acceptConnection(frontend, client.getAddress(), client.getPort(), localPort)
                    : runtime.router.accept(frontend, client.getAddress(), client.getPort(), localPort);
        } catch (IllegalArgumentException removed) {
            accepted = StickCounters.untracked(); // a reconfiguration removed the frontend: its requests get 503
        }
        if (accepted.rejected()) {
            log.debug("{}: connection from {} rejected by tcp-request connection", frontend, client);
            ctx.channel().config().setAutoRead(false);
            ctx.close();
            return;
        }
        counters = accepted;
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        StickCounters tracked = counters;
        if (tracked != null && msg instanceof ByteBuf bytes) {
            tracked.bytesIn(bytes.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        StickCounters tracked = counters;
        if (tracked != null) {
            if (msg instanceof ByteBuf bytes) {
                tracked.bytesOut(bytes.readableBytes());
            } else if (msg instanceof ByteBufHolder holder) {
                tracked.bytesOut(holder.content().readableBytes());
            } else if (msg instanceof FileRegion region) {
                tracked.bytesOut(region.count());
            }
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        StickCounters tracked = counters;
        if (tracked != null) {
            tracked.close();
            ctx.fireChannelInactive();
        }
    }
}
