package dev.fjord.lb.netty;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
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
 * that came with the header are handed on unchanged: at once to an HTTP connection, and to a TCP one when it first
 * reads (once its server is connected). A connection whose header is malformed, or does not come within
 * {@code wait}, is closed. Not sharable: one per connection.
 */
final class ProxyProtocolReceiver extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(ProxyProtocolReceiver.class);

    private final Duration wait;
    private final boolean handOnAtOnce;
    private final ArrayDeque<Object> early = new ArrayDeque<>(2);
    private @Nullable ScheduledFuture<?> timer;
    private boolean received;

    /**
     * @param wait how long the header may take ({@code timeout client})
     * @param handOnAtOnce an HTTP connection: the bytes after the header go on at once, not at the first read
     */
    ProxyProtocolReceiver(Duration wait, boolean handOnAtOnce) {
        this.wait = wait;
        this.handOnAtOnce = handOnAtOnce;
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
            early.add(msg); // the bytes that came with the header, handed on by the decoder as it leaves
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
        ctx.fireChannelActive(); // the decoder leaves the pipeline next, handing on the bytes behind the header

        if (handOnAtOnce) {
            ctx.pipeline().remove(this);
        }
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        if (received && !handOnAtOnce) {
            ctx.pipeline().remove(this);
        }
        ctx.read();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (!early.isEmpty()) {
            while (!early.isEmpty()) {
                ctx.fireChannelRead(early.poll());
            }
            ctx.fireChannelReadComplete();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
        }
        early.forEach(ReferenceCountUtil::release);
        early.clear();
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
