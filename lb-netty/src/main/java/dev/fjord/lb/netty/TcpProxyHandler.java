package dev.fjord.lb.netty;

import java.net.InetSocketAddress;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fjord.lb.core.Counters;
import dev.fjord.lb.core.FrontendConfig;
import dev.fjord.lb.core.RequestHead;
import dev.fjord.lb.core.RouteDecision;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * A client connection of a {@code mode tcp} frontend: routed on connect (source address, local port), then relayed
 * byte for byte to a server, both directions streamed with back-pressure ({@link Tunnel}), with {@code timeout
 * client} and {@code timeout server} as inactivity timeouts. Not sharable: one per connection.
 */
final class TcpProxyHandler extends ChannelInboundHandlerAdapter implements ServerConnector.Listener {
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
    private final ExchangeRecord record = new ExchangeRecord();
    private @Nullable RouteDecision decision;
    private @Nullable Tunnel toClient;

    /** The connection's sticky counters, from its {@code tcp-request connection} rules. */
    private final ConnectionTracking tracking;

    TcpProxyHandler(ProxyRuntime runtime, FrontendConfig frontend, ConnectionTracking tracking) {
        this.runtime = runtime;
        this.frontend = frontend;
        this.tracking = tracking;
        this.counters = runtime.router.frontendCounters(frontend.name());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        Channel channel = context.channel();
        channel.config().setAutoRead(false); // nothing is read until the server is connected
        InetSocketAddress client = ClientAddresses.source(channel);
        RequestHead head = RequestHead.builder()
                .client(client.getAddress(), client.getPort())
                .localPort(ClientAddresses.destination(channel).getPort())
                .build();
        counters.sessionStarted();
        decision = runtime.route(frontend, head, tracking.counters());
        if (!(decision instanceof RouteDecision.Forward forward)) {
            log.debug("{}: no server for {}", frontend.name(), client);
            record.ended(Termination.NO_SERVER, Termination.Phase.CONNECT);
            writeLog(null);
            channel.close();
            return;
        }
        runtime.inFlight.incrementAndGet();
        connector = new ServerConnector(runtime, channel, forward, false, this, record);
        connector().start();
        context.fireChannelActive();
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
        toClient = Tunnel.relay(
                ctx.channel(), channel, frontend.settings().timeouts().client(), backend.server(), () -> {});
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
        if (connector != null && server == null) {
            record.ended(Termination.CLIENT_CLOSED, Termination.Phase.CONNECT);
            writeLog(connector().server());
            connector().abort();
            runtime.exchangeEnded();
        }
        context.fireChannelInactive();
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
        writeLog(connector().server());
        connector().release(null, false);
        runtime.exchangeEnded();
    }
}
