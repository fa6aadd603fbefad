package dev.fjord.lb.netty;

import java.net.InetSocketAddress;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fjord.lb.core.StickCounters;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Starts the session of a connection whose PROXY header has come ({@code bind ... accept-proxy}): runs the
 * frontend's {@code tcp-request session} rules with the header's addresses ({@link
 * dev.fjord.lb.core.Router#startSession}), closing the connection at once when they reject it (not logged, as
 * HAProxy), then lets it begin for the handlers behind and leaves the pipeline. Placed after
 * {@link ProxyProtocolReceiver} (and, when binds terminate TLS, after the handshake), only for frontends with session
 * rules; without them {@link ConnectionTracking} starts the session at accept. Not sharable: one per connection.
 */
final class SessionStart extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(SessionStart.class);

    private final ProxyRuntime runtime;
    private final ConnectionTracking tracking;

    SessionStart(ProxyRuntime runtime, ConnectionTracking tracking) {
        this.runtime = runtime;
        this.tracking = tracking;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        StickCounters counters = tracking.counters();
        InetSocketAddress client = ClientAddresses.source(ctx.channel());
        int localPort = ClientAddresses.destination(ctx.channel()).getPort();
        try {
            runtime.router.startSession(
                    tracking.frontend(), counters, client.getAddress(), client.getPort(), localPort);
        } catch (IllegalArgumentException removed) {
            // a reconfiguration removed the frontend: its requests get 503, as for a connection accepted then
        }
        if (counters.rejected()) {
            log.debug("{}: session from {} rejected by tcp-request session", tracking.frontend(), client);
            ctx.channel().config().setAutoRead(false);
            ctx.close();
            return;
        }
        ctx.fireChannelActive();
        ctx.pipeline().remove(this);
    }
}
