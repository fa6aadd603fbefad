package dev.fjord.lb.netty;

import java.net.InetSocketAddress;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.Address;
import dev.fjord.lb.core.BindSocket;
import dev.fjord.lb.core.FrontendConfig;
import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.TlsBind;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;

/**
 * A frontend's listening socket on one bind address, and the pipeline of each connection it accepts: its
 * {@link ConnectionTracking} ({@code tcp-request connection} rules, sticky counters), a PROXY header, TLS
 * ({@link SniSelector}, with {@link AlpnSwitch} where ALPN may choose h2), then HTTP/1 (the strict decoder, the
 * response encoder, {@link HttpProxyHandler}), HTTP/2 ({@link Http2Frontend}: {@code proto h2}, or ALPN's choice) or
 * TCP ({@link TcpProxyHandler}). Stateless.
 */
final class FrontendListener {
    static final String CLIENT_DECODER = "fjord.client.decoder";

    private FrontendListener() {}

    /**
     * The listen backlog of {@code frontend}: its {@code backlog}, else its {@code maxconn}, else the global
     * {@code maxconn}, as HAProxy derives it (the kernel caps it at {@code net.core.somaxconn}). Kept small, what
     * waits beyond {@code maxconn} is in the proxy, where {@code timeout queue} and {@code abortonclose} reach it.
     */
    static int backlog(FrontendConfig frontend, int globalMaxConn) {
        int backlog = frontend.settings().backlog();
        if (backlog > 0) {
            return backlog;
        }
        int maxConn = frontend.settings().maxConn();
        return maxConn > 0 ? maxConn : globalMaxConn;
    }

    /** How long a PROXY header may take: {@code timeout client}, else {@code timeout http-request}, else 5 s. */
    static java.time.Duration proxyHeaderWait(FrontendConfig frontend) {
        var timeouts = frontend.settings().timeouts();
        java.time.Duration client = timeouts.client();
        java.time.Duration httpRequest = timeouts.httpRequest();
        return client != null ? client : httpRequest != null ? httpRequest : java.time.Duration.ofSeconds(5);
    }

    /** How long a TLS handshake may take: {@code timeout client}, else 10 s (Netty's default). */
    static java.time.Duration handshakeWait(FrontendConfig frontend) {
        java.time.Duration client = frontend.settings().timeouts().client();
        return client != null ? client : java.time.Duration.ofSeconds(10);
    }

    /**
     * Makes {@code pipeline}'s connection HTTP/1.x: its codec ({@link ClientHttp1Codec}) and its
     * {@link HttpProxyHandler}, which it returns.
     */
    static HttpProxyHandler http1(
            ChannelPipeline pipeline, ProxyRuntime runtime, FrontendSlot.State state, ConnectionTracking tracking) {
        // a request's end of input is not its abort: HttpProxyHandler decides
        pipeline.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        HttpProxyHandler handler = new HttpProxyHandler(runtime, state.config(), tracking);
        pipeline.addLast(CLIENT_DECODER, new ClientHttp1Codec(state.policy(), handler))
                .addLast("fjord.client.proxy", handler);
        return handler;
    }

    /**
     * Binds {@code bind} of the frontend {@code slot} holds, accepting on {@code acceptLoop} (where {@code admission}
     * keeps its state) and serving connections on {@code loops}' workers; each connection gets the frontend's
     * configuration of the moment it is accepted. A {@code paused} listener accepts nothing until admission resumes
     * it (a reconfiguration binds new addresses so, before it commits).
     *
     * @throws IllegalStateException naming the frontend and the address when the bind fails
     */
    static Channel bind(
            ProxyRuntime runtime,
            EventLoops loops,
            EventLoop acceptLoop,
            FrontendSlot slot,
            Address bind,
            Admission admission,
            ClientConnections connections,
            boolean paused) {
        FrontendConfig frontend = slot.config();
        InetSocketAddress address =
                bind.isAny() ? new InetSocketAddress(bind.port()) : new InetSocketAddress(bind.host(), bind.port());
        BindSocket socket = frontend.bindOptions(bind).socket();
        int backlog = socket.backlog() > 0
                ? socket.backlog()
                : backlog(frontend, runtime.router.config().global().maxConn());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptLoop, loops.workers())
                .channelFactory(ChannelFactories.server(loops.serverChannelType(), address))
                .option(ChannelOption.SO_BACKLOG, backlog)
                .option(ChannelOption.SO_REUSEADDR, true)
                // accept up to 64 connections a wake-up (HAProxy's tune.maxaccept), not Netty's 16: in a storm the
                // kernel's accept queue, where timeout queue cannot reach, stays short
                .option(
                        ChannelOption.RECVBUF_ALLOCATOR,
                        new io.netty.channel.ServerChannelRecvByteBufAllocator().maxMessagesPerRead(64))
                .option(ChannelOption.AUTO_READ, !paused)
                .childOption(ChannelOption.RECVBUF_ALLOCATOR, ChannelFactories.RECEIVE) // one for all connections
                .handler(admission.gate(frontend.name())) // maxconn, before a worker gets the connection
                .childHandler(
                        new ChannelInitializer<Channel>() { // TCP_NODELAY: Netty's default already
                            /** The counters this bind's untracked connections share; made again on a rename. */
                            private volatile @Nullable ConnectionTracking shared;

                            private ConnectionTracking untracked(String name) {
                                ConnectionTracking now = shared;
                                if (now == null || !now.frontend().equals(name)) {
                                    now = ConnectionTracking.untracked(runtime, name);
                                    shared = now;
                                }
                                return now;
                            }

                            @Override
                            protected void initChannel(Channel ch) {
                                FrontendSlot.State state = slot.state();
                                FrontendConfig now = state.config();
                                // tcp-request connection rules (on the TCP peer, before a PROXY header is read,
                                // as HAProxy), then the sticky counters of the connection; tcp-request session
                                // rules once the header has come (at once without one)
                                boolean acceptProxy = now.bindOptions(bind).acceptProxy();
                                boolean sessionLater =
                                        acceptProxy && !now.tcpSessionRules().isEmpty();
                                ConnectionTracking tracking;
                                if (sessionLater || runtime.router.tracksConnections(now.name())) {
                                    tracking = new ConnectionTracking(runtime, now.name(), sessionLater);
                                    ch.pipeline().addLast("fjord.client.tracking", tracking);
                                } else {
                                    tracking = untracked(now.name()); // no table, no rule: no handler either
                                }
                                boolean http = now.settings().mode() == Mode.HTTP;
                                if (acceptProxy) {
                                    ch.pipeline()
                                            .addLast("fjord.client.proxy-header", new HAProxyMessageDecoder())
                                            .addLast(
                                                    "fjord.client.proxy-receiver",
                                                    new ProxyProtocolReceiver(proxyHeaderWait(now)));
                                }
                                TlsBind tls = now.bindOptions(bind).tls();
                                FrontendTls frontendTls = tls == null ? null : runtime.tls.frontend(tls, http);
                                if (frontendTls != null) { // after a PROXY header, which comes in clear
                                    ch.pipeline()
                                            .addLast(
                                                    TlsNames.SNI_SELECTOR,
                                                    new SniSelector(
                                                            frontendTls,
                                                            handshakeWait(now).toMillis()));
                                }
                                // tcp-request session: once the PROXY header has come; behind TLS, before its handshake
                                // ends
                                if (sessionLater) {
                                    ch.pipeline().addLast("fjord.client.session", new SessionStart(runtime, tracking));
                                }
                                boolean alpnMayChooseH2 = frontendTls != null && http && frontendTls.mayOfferH2();
                                if (http && now.bindOptions(bind).h2()) {
                                    Http2Frontend.configure(ch.pipeline(), runtime, state, tracking); // proto h2
                                } else if (alpnMayChooseH2) {
                                    // HTTP/1 or HTTP/2 once the handshake says which
                                    ch.pipeline().addLast(new AlpnSwitch(runtime, state, tracking));
                                } else if (http) {
                                    http1(ch.pipeline(), runtime, state, tracking);
                                } else {
                                    ch.pipeline()
                                            .addLast(
                                                    "fjord.client.tcp",
                                                    new TcpProxyHandler(runtime, now, tracking, ch));
                                }
                            }
                        });
        ListenerSockets.apply(
                bootstrap,
                socket,
                address,
                loops.serverChannelType(),
                backlog,
                "frontend '" + frontend.name() + "': bind " + bind);
        try {
            return bootstrap.bind(address).syncUninterruptibly().channel();
        } catch (Exception e) { // the native transports throw their IOException unchecked (Errors.NativeIoException)
            throw new IllegalStateException(
                    "frontend '" + frontend.name() + "': cannot bind " + bind + ": " + e.getMessage(), e);
        }
    }
}
