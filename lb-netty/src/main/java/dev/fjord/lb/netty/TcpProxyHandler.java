package dev.fjord.lb.netty;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fjord.lb.core.ClientTls;
import dev.fjord.lb.core.ContentInspector;
import dev.fjord.lb.core.Counters;
import dev.fjord.lb.core.FrontendConfig;
import dev.fjord.lb.core.RequestContent;
import dev.fjord.lb.core.RequestHead;
import dev.fjord.lb.core.RouteDecision;
import dev.fjord.lb.core.Scheduler;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * A client connection of a {@code mode tcp} frontend: routed on connect (source address, local port; over TLS, once
 * the handshake is done, with its facts), or, when the
 * frontend has {@code tcp-request content} rules, once a {@link ContentInspector} has accepted the first bytes
 * (which {@code use_backend} then sees; a rejected connection is closed, no server contacted); then relayed byte for
 * byte to a server, the bytes held for inspection first and unchanged, both directions streamed with back-pressure
 * ({@link Tunnel}), with {@code timeout client} and {@code timeout server} as inactivity timeouts ({@code timeout
 * client} also while inspecting: it closes the connection if it expires first, as in HAProxy). Not sharable: one per
 * connection.
 */
final class TcpProxyHandler extends ChannelInboundHandlerAdapter
        implements ServerConnector.Listener, ContentInspector.Listener {
    private static final Logger log = LoggerFactory.getLogger(TcpProxyHandler.class);
    /** The frontend's counters, kept: a reconfiguration may remove the frontend while this session lives. */
    private final Counters counters;

    private final ProxyRuntime runtime;
    private final FrontendConfig frontend;
    /** Set in {@link #handlerAdded}, before any other call (a known initializer to NullAway). */
    private ChannelHandlerContext ctx;

    private @Nullable ServerConnector connector;
    private @Nullable Channel server;
    private Runnable endSession = () -> {};
    private final ExchangeRecord record;
    /** The bytes of the client relayed once the server is connected ({@code %U}); null before. */
    private @Nullable Tunnel fromClient;
    /** The bytes held before the server was connected ({@code %U}). */
    private long heldBytes;

    private @Nullable RouteDecision decision;
    private @Nullable Tunnel toClient;
    /** Inspects the first bytes; null: not started, or the frontend was removed. */
    private @Nullable ContentInspector inspector;
    /** {@code timeout client} while the first bytes are inspected: closes the connection, as in HAProxy. */
    private @Nullable InactivityTimer inspectionIdle;
    /** What the client sent before the server was connected: written to it first, unchanged. */
    private final java.util.ArrayDeque<ByteBuf> held = new java.util.ArrayDeque<>();

    /** A TLS handshake is under way: the session starts when it completes. */
    private boolean awaitingHandshake;

    /** The connection's sticky counters, from its {@code tcp-request connection} rules. */
    private final ConnectionTracking tracking;

    TcpProxyHandler(ProxyRuntime runtime, FrontendConfig frontend, ConnectionTracking tracking, Channel client) {
        this.runtime = runtime;
        this.frontend = frontend;
        this.tracking = tracking;
        this.counters = runtime.router.frontendCounters(frontend.name());
        this.record = new ExchangeRecord(runtime.requestCounter.getAndIncrement(), client, -1);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        Channel channel = context.channel();
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        if (channel.pipeline().get(SniSelector.class) != null
                || (tls != null && !tls.handshakeFuture().isDone())) {
            // as HAProxy, the session of a TLS connection starts after the handshake: its fetches route and log it;
            // the connection reads meanwhile, for the handshake's sake
            awaitingHandshake = true;
        } else {
            start(context);
        }
        context.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) {
        if (event instanceof SslHandshakeCompletionEvent done && awaitingHandshake) {
            awaitingHandshake = false;
            if (done.isSuccess() && context.channel().isActive()) {
                start(context);
            }
        }
        context.fireUserEventTriggered(event);
    }

    private void start(ChannelHandlerContext context) {
        Channel channel = context.channel();
        channel.config().setAutoRead(false); // read only to inspect, then once the server is connected
        InetSocketAddress client = ClientAddresses.source(channel);
        ClientTls tls = ClientTlsFacts.of(channel);
        record.tls(tls);
        RequestHead head = RequestHead.builder()
                .client(client.getAddress(), client.getPort())
                .localPort(ClientAddresses.destination(channel).getPort())
                .tls(tls)
                .build();
        counters.sessionStarted();
        Scheduler onThisLoop = (delay, task) -> {
            var future = channel.eventLoop().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> future.cancel(false);
        };
        try {
            inspector = ContentInspector.start(
                    runtime.router, frontend.name(), head, tracking.counters(), onThisLoop, this);
        } catch (IllegalArgumentException removed) {
            accepted(head); // a reconfiguration removed the frontend: routing answers for it
        }
        if (inspector != null && inspector.waiting()) {
            inspectionIdle = new InactivityTimer(
                    runtime.deadlines,
                    channel.eventLoop(),
                    frontend.settings().timeouts().client(),
                    () -> inspector != null && inspector.waiting(),
                    this::inspectionTimedOut);
            inspectionIdle.arm();
            context.read();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        held.add(buf);
        heldBytes += buf.readableBytes();
        ContentInspector inspecting = inspector;
        if (inspecting != null && inspecting.waiting()) {
            if (inspectionIdle != null) {
                inspectionIdle.touch();
            }
            byte[] bytes = new byte[Math.min(buf.readableBytes(), RequestContent.LIMIT)];
            buf.getBytes(buf.readerIndex(), bytes);
            inspecting.received(bytes);
            if (inspecting.waiting() && context.channel().isActive()) {
                context.read();
            }
        }
    }

    /** {@code timeout client} passed with the rules still waiting: closed, no server contacted ({@code cR}). */
    private void inspectionTimedOut() {
        ContentInspector inspecting = java.util.Objects.requireNonNull(inspector, "inspector");
        inspecting.close();
        log.debug(
                "{}: timeout client while inspecting {}",
                frontend.name(),
                ctx.channel().remoteAddress());
        record.ended(Termination.CLIENT_TIMEOUT, Termination.Phase.REQUEST);
        writeLog(null);
        ctx.channel().close();
    }

    @Override
    public void accepted(RequestHead head) {
        if (inspectionIdle != null) {
            inspectionIdle.cancel();
        }
        Channel channel = ctx.channel();
        decision = runtime.route(frontend, head, tracking.counters());
        if (!(decision instanceof RouteDecision.Forward forward)) {
            log.debug("{}: no server for {}", frontend.name(), channel.remoteAddress());
            record.ended(Termination.NO_SERVER, Termination.Phase.CONNECT);
            writeLog(null);
            channel.close();
            return;
        }
        runtime.inFlight.incrementAndGet();
        connector = new ServerConnector(runtime, channel, forward, false, this, record);
        connector().start();
    }

    @Override
    public void rejected() {
        if (inspectionIdle != null) {
            inspectionIdle.cancel();
        }
        log.debug(
                "{}: rejected by tcp-request content: {}",
                frontend.name(),
                ctx.channel().remoteAddress());
        counters.denied();
        record.ended(Termination.PROXY, Termination.Phase.REQUEST);
        writeLog(null);
        ctx.channel().close();
    }

    @Override
    public void connected(Channel channel, boolean reused) {
        server = channel;
        if (!ctx.channel().isActive()) {
            connector().release(channel, false);
            return;
        }
        endSession = runtime.session(connector().server(), () -> {
            channel.close();
            ctx.channel().close();
        });
        var backend = connector().decision().backend().config().settings().timeouts();
        if (!held.isEmpty()) {
            while (!held.isEmpty()) {
                channel.write(held.poll()); // the inspected bytes, unchanged, before anything relayed
            }
            channel.flush();
        }
        toClient = Tunnel.relay(
                ctx.channel(), channel, frontend.settings().timeouts().client(), backend.server(), () -> {});
        fromClient = (Tunnel) ctx.channel().pipeline().get(Tunnel.NAME);
        channel.closeFuture().addListener(f -> ctx.executor().execute(this::ended));
        ctx.channel().pipeline().remove(this);
    }

    @Override
    public void failed(Termination why) {
        log.debug("{}: {}", frontend.name(), why.description);
        record.ended(
                why,
                why == Termination.QUEUE_FULL || why == Termination.QUEUE_TIMEOUT
                        ? Termination.Phase.QUEUE
                        : Termination.Phase.CONNECT);
        writeLog(connector().server());
        runtime.exchangeEnded();
        connector = null;
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        ContentInspector inspecting = inspector;
        if (inspecting != null && inspecting.waiting()) {
            inspecting.close();
            if (inspectionIdle != null) {
                inspectionIdle.cancel();
            }
            record.ended(Termination.CLIENT_CLOSED, Termination.Phase.REQUEST);
            writeLog(null);
        }
        if (connector != null && server == null) {
            record.ended(Termination.CLIENT_CLOSED, Termination.Phase.CONNECT);
            writeLog(connector().server());
            connector().abort();
            runtime.exchangeEnded();
        }
        context.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext context) {
        releaseHeld();
    }

    private void releaseHeld() {
        while (!held.isEmpty()) {
            ReferenceCountUtil.release(held.poll());
        }
    }

    private ServerConnector connector() {
        return java.util.Objects.requireNonNull(connector, "connector");
    }

    private void writeLog(dev.fjord.lb.core.@Nullable Server server) {
        counters.sessionEnded();
        runtime.log(frontend, record, ClientAddresses.source(ctx.channel()), decision, server, null);
    }

    private void ended() {
        endSession.run();
        if (toClient != null) {
            record.bodyBytes(toClient.bytes);
        }
        record.bytesIn(heldBytes + (fromClient == null ? 0 : fromClient.bytes));
        writeLog(connector().server());
        connector().release(null, false);
        runtime.exchangeEnded();
    }
}
