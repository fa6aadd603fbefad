package dev.fjord.lb.netty;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * The start of a connection on a bind with {@code accept-proxy}: after Netty's {@link HAProxyMessageDecoder} (v1 and
 * v2), it takes the PROXY header's addresses as the client's ({@link ClientAddresses}), then lets the connection
 * begin for the handlers behind it, which see neither the header nor the connection until it has come. The bytes
 * that came with the header are handed on unchanged, at once (the TCP handler holds what comes before its server is
 * connected). A connection whose header is malformed, or does not come within
 * {@code wait}, is closed. Not sharable: one per connection.
 */
final class ProxyProtocolReceiver extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ProxyProtocolReceiver.class);

    private final Duration wait;
    private @Nullable ScheduledFuture<?> timer;
    private boolean received;

    /** @param wait how long the header may take ({@code timeout client}) */
    ProxyProtocolReceiver(Duration wait) {
        this.wait = wait;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        timer = ctx.executor()
                .schedule(
                        () -> {
                            log.debug("{}: no PROXY header within {}", ctx.channel(), wait);
                            ctx.close();
                        },
                        wait.toNanos(),
                        TimeUnit.NANOSECONDS);
        // the handlers behind see the connection once its header has come
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (received) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!(msg instanceof HAProxyMessage header)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        received = true;
        if (timer != null) {
            timer.cancel(false);
        }
        try {
            if (header.command() == HAProxyCommand.PROXY
                    && (header.proxiedProtocol() == HAProxyProxiedProtocol.TCP4
                            || header.proxiedProtocol() == HAProxyProxiedProtocol.TCP6)) {
                ClientAddresses.told(
                        ctx.channel(),
                        address(header.sourceAddress(), header.sourcePort()),
                        address(header.destinationAddress(), header.destinationPort()));
            } // LOCAL or UNKNOWN: a connection of the sending proxy's own, with the socket's addresses
        } finally {
            header.release();
        }
        ctx.fireChannelActive();
        ctx.pipeline().remove(this); // the decoder leaves next, handing the bytes behind the header to those behind
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
        }
        if (received) {
            ctx.fireChannelInactive();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (received) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        log.debug("{}: bad PROXY header: {}", ctx.channel(), cause.toString());
        ctx.close();
    }

    private static @Nullable InetSocketAddress address(@Nullable String host, int port) {
        java.net.InetAddress address =
                host == null ? null : io.netty.util.NetUtil.createInetAddressFromIpAddressString(host);
        return address == null ? null : new InetSocketAddress(address, port);
    }
}
