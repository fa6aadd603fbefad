package dev.fjord.lb.netty;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

/**
 * Relays bytes both ways between a client and a server connection, once HTTP is over ({@code 101 Switching
 * Protocols}, e.g. WebSocket) or for a TCP-mode frontend, with back-pressure: a side stops reading while the other
 * cannot take more. Either side closing closes the other after what was read is written. {@code timeout tunnel}
 * closes both after inactivity.
 */
final class Tunnel extends ChannelInboundHandlerAdapter {
    static final String NAME = "fjord.tunnel";
    private static final String IDLE = "fjord.tunnel.idle";

    private final Channel peer;
    private final @Nullable Runnable onClose;
    /** Bytes relayed through this side; read by the session's log at its end. */
    long bytes;

    private Tunnel(Channel peer, @Nullable Runnable onClose) {
        this.peer = peer;
        this.onClose = onClose;
    }

    /**
     * Turns an HTTP exchange into a tunnel: HTTP codecs leave both pipelines, bytes they still hold are relayed.
     * Call on the client's event loop after the {@code 101} response was written.
     */
    static void start(
            ChannelHandlerContext client,
            Channel server,
            String serverHandler,
            String serverCodec,
            @Nullable Duration timeout,
            Runnable onClose) {
        ChannelPipeline clientPipeline = client.pipeline();
        client.flush();
        String decoder = FrontendListener.CLIENT_DECODER;
        clientPipeline.addAfter(decoder, NAME, new Tunnel(server, onClose));
        ChannelPipeline serverPipeline = server.pipeline();
        serverPipeline.addLast(NAME, new Tunnel(client.channel(), null));
        if (timeout != null) {
            idle(clientPipeline, timeout);
            idle(serverPipeline, timeout);
        }
        serverPipeline.remove(serverHandler);
        clientPipeline.remove(decoder);
        serverPipeline.remove(serverCodec);
        client.channel().config().setAutoRead(true);
        server.config().setAutoRead(true);
    }

    /**
     * Relays a TCP-mode connection: the handlers go at the end of both pipelines.
     *
     * @return the server side's handler, whose {@link #bytes} are those sent to the client
     */
    static Tunnel relay(
            Channel client,
            Channel server,
            @Nullable Duration clientTimeout,
            @Nullable Duration serverTimeout,
            Runnable onClose) {
        client.pipeline().addLast(NAME, new Tunnel(server, onClose));
        Tunnel toClient = new Tunnel(client, null);
        server.pipeline().addLast(NAME, toClient);
        if (clientTimeout != null) {
            idle(client.pipeline(), clientTimeout);
        }
        if (serverTimeout != null) {
            idle(server.pipeline(), serverTimeout);
        }
        client.config().setAutoRead(true);
        server.config().setAutoRead(true);
        return toClient;
    }

    private static void idle(ChannelPipeline pipeline, Duration timeout) {
        pipeline.addBefore(NAME, IDLE, new IdleStateHandler(0, 0, timeout.toNanos(), TimeUnit.NANOSECONDS));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof io.netty.buffer.ByteBuf buf) {
            bytes += buf.readableBytes();
        }
        peer.write(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
        if (!peer.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        peer.config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
            peer.close();
        } else if (evt instanceof ChannelInputShutdownEvent) {
            ctx.close(); // a side done sending ends the tunnel; the other gets what was read first
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (peer.isActive()) {
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        if (onClose != null) {
            onClose.run();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
