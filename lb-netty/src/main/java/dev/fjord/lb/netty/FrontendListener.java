package dev.fjord.lb.netty;

import java.net.InetSocketAddress;

import dev.fjord.lb.core.Address;
import dev.fjord.lb.core.FrontendConfig;
import dev.fjord.lb.core.Mode;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpResponseEncoder;

/**
 * A frontend's listening socket on one bind address, and the pipeline of each connection it accepts: HTTP (the strict
 * decoder, the response encoder, {@link HttpProxyHandler}) or TCP ({@link TcpProxyHandler}). Stateless.
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

    /**
     * Binds {@code bind} of {@code frontend}, accepting on {@code acceptLoop} (where {@code admission} keeps its
     * state) and serving connections on {@code loops}' workers.
     *
     * @throws IllegalStateException naming the frontend and the address when the bind fails
     */
    static Channel bind(
            ProxyRuntime runtime,
            EventLoops loops,
            EventLoop acceptLoop,
            FrontendConfig frontend,
            Address bind,
            Admission admission,
            ChannelGroup connections) {
        boolean http = frontend.settings().mode() == Mode.HTTP;
        RequestPolicy policy = RequestPolicy.of(runtime.router.config(), frontend, runtime.limits);
        InetSocketAddress address =
                bind.isAny() ? new InetSocketAddress(bind.port()) : new InetSocketAddress(bind.host(), bind.port());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptLoop, loops.workers())
                .channelFactory(ChannelFactories.server(loops.serverChannelType(), address))
                .option(ChannelOption.SO_BACKLOG, backlog(frontend, runtime.globalMaxConn))
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, http) // a request's end of input is not its abort
                .handler(admission.gate(frontend.name())) // maxconn, before a worker gets the connection
                .childHandler(
                        new ChannelInitializer<Channel>() { // TCP_NODELAY: Netty's default already
                            @Override
                            protected void initChannel(Channel ch) {
                                connections.add(ch);
                                if (http) {
                                    HttpProxyHandler handler = new HttpProxyHandler(runtime, frontend);
                                    ch.pipeline()
                                            .addLast(CLIENT_DECODER, new StrictRequestDecoder(policy, handler))
                                            .addLast("fjord.client.encoder", new HttpResponseEncoder())
                                            .addLast("fjord.client.proxy", handler);
                                } else {
                                    ch.pipeline().addLast("fjord.client.tcp", new TcpProxyHandler(runtime, frontend));
                                }
                            }
                        });
        try {
            return bootstrap.bind(address).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "frontend '" + frontend.name() + "': cannot bind " + bind + ": " + e.getMessage(), e);
        }
    }
}
