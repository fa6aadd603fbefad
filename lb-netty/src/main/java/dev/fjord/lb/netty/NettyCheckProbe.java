package dev.fjord.lb.netty;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.CheckProbe;
import dev.fjord.lb.core.CheckResult;
import dev.fjord.lb.core.CheckStatus;
import dev.fjord.lb.core.HttpCheck;
import dev.fjord.lb.core.ProxyProtocol;
import dev.fjord.lb.core.Server;
import dev.fjord.lb.core.ServerConfig;
import dev.fjord.lb.core.ServerTls;
import dev.fjord.lb.core.TcpCheck;
import dev.fjord.lb.core.Timeouts;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * Health checks over the network: a TCP connection ({@code L4OK}), or an HTTP request whose response the
 * backend's {@link HttpCheck} judges. The connection is bounded by {@code timeout connect} and the response by
 * {@code timeout check} (each defaulting to the server's {@code inter}); responses are read up to 16 KiB.
 * Thread-safe; checks run on the given event loops (a proxy's, or those of the Reactor Netty client binding).
 *
 * <pre>{@code
 * HealthChecks checks = HealthChecks.start(router, scheduler, new NettyCheckProbe(loops, NioSocketChannel.class),
 *         Ticker.system(), listener, random);
 * }</pre>
 */
public final class NettyCheckProbe implements CheckProbe {
    private static final int MAX_RESPONSE = 16 * 1024;

    private final EventLoopGroup loops;
    private final Class<? extends SocketChannel> channelType;
    /** The client TLS context of a server's TLS options ({@code check-ssl}). */
    private final java.util.function.Function<ServerTls, SslContext> tlsContexts;

    NettyCheckProbe(EventLoopGroup loops) {
        this(loops, NioSocketChannel.class);
    }

    /** A probe whose checks over TLS take their contexts from {@code tlsContexts} (a running proxy's). */
    NettyCheckProbe(
            EventLoopGroup loops,
            Class<? extends SocketChannel> channelType,
            java.util.function.Function<ServerTls, SslContext> tlsContexts) {
        this.loops = java.util.Objects.requireNonNull(loops, "loops");
        this.channelType = java.util.Objects.requireNonNull(channelType, "channelType");
        this.tlsContexts = tlsContexts;
    }

    /**
     * A probe connecting with {@code channelType} channels on {@code loops}; the type must suit the loops' I/O
     * handler (NIO channels on NIO loops, epoll channels on epoll loops).
     */
    public NettyCheckProbe(EventLoopGroup loops, Class<? extends SocketChannel> channelType) {
        this(loops, channelType, cached());
    }

    private static java.util.function.Function<ServerTls, SslContext> cached() {
        java.util.Map<ServerTls, SslContext> contexts = new java.util.concurrent.ConcurrentHashMap<>();
        return tls -> contexts.computeIfAbsent(tls, TlsRuntime::clientContext);
    }

    @Override
    public void check(Server server, @Nullable HttpCheck check, Consumer<CheckResult> done) {
        ServerConfig config = server.config();
        Timeouts timeouts = server.backend().config().settings().timeouts();
        Duration connectTimeout = timeouts.connect() != null ? timeouts.connect() : config.inter();
        Duration checkTimeout = timeouts.check() != null ? timeouts.check() : config.inter();
        String host = config.checkAddress() != null
                ? config.checkAddress()
                : config.address().host();
        int port =
                config.checkPort() > 0 ? config.checkPort() : config.address().port();
        long start = System.nanoTime();
        Attempt attempt = new Attempt(done, start);
        TcpCheck tcpCheck = check == null ? server.backend().config().settings().tcpCheck() : null;
        Bootstrap bootstrap = new Bootstrap()
                .group(loops.next())
                .channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (check != null) {
                            ch.pipeline()
                                    .addLast(
                                            new HttpClientCodec(),
                                            new HttpObjectAggregator(MAX_RESPONSE),
                                            new ResponseHandler(check, attempt));
                        } else if (tcpCheck != null && !tcpCheck.steps().isEmpty()) {
                            ch.pipeline().addLast(new TcpCheckHandler(tcpCheck, attempt));
                        }
                    }
                });
        ChannelFuture connect = bootstrap.connect(new InetSocketAddress(host, port));
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                Throwable cause = f.cause();
                attempt.finish(
                        cause instanceof ConnectTimeoutException
                                ? CheckStatus.L4TOUT
                                : cause instanceof ConnectException ? CheckStatus.L4CON : CheckStatus.SOCKERR,
                        0,
                        shortReason(cause));
                return;
            }
            Channel channel = connect.channel();
            if (config.checkSendProxy()) { // a LOCAL header: the check is the proxy's own connection
                ProxyProtocol version =
                        config.sendProxy() == ProxyProtocol.NONE ? ProxyProtocol.V1 : config.sendProxy();
                ProxyHeaders.write(channel, version.header(null, null));
            }
            ServerTls tls = config.tls();
            if (tls != null && tls.checks()) {
                handshake(
                        channel,
                        attempt,
                        tls,
                        connectTimeout,
                        () -> probe(channel, attempt, check, tcpCheck, checkTimeout, host, port, true));
                return;
            }
            probe(channel, attempt, check, tcpCheck, checkTimeout, host, port, false);
        });
    }

    /** TLS before the check ({@code check-ssl}): a failed handshake is {@code L6RSP}, a slow one {@code L6TOUT}. */
    private void handshake(Channel channel, Attempt attempt, ServerTls tls, Duration timeout, Runnable then) {
        io.netty.util.concurrent.Future<Channel> done;
        try {
            done = ServerTlsHandshake.start(channel, tlsContexts.apply(tls), tls, tls.checkServerName(), timeout);
        } catch (IllegalArgumentException e) { // a server added at run time whose files cannot be read
            attempt.finish(CheckStatus.SOCKERR, 0, String.valueOf(e.getMessage()));
            channel.close();
            return;
        }
        done.addListener(f -> {
            if (f.isSuccess()) {
                then.run();
            } else {
                Throwable cause = f.cause();
                attempt.finish(
                        cause instanceof io.netty.handler.ssl.SslHandshakeTimeoutException
                                ? CheckStatus.L6TOUT
                                : CheckStatus.L6RSP,
                        0,
                        shortReason(cause));
                channel.close();
            }
        });
    }

    /** The check on a connection made (and through TLS when {@code overTls}). */
    private static void probe(
            Channel channel,
            Attempt attempt,
            @Nullable HttpCheck check,
            @Nullable TcpCheck tcpCheck,
            Duration checkTimeout,
            String host,
            int port,
            boolean overTls) {
        if (check == null && (tcpCheck == null || tcpCheck.steps().isEmpty())) {
            attempt.finish(overTls ? CheckStatus.L6OK : CheckStatus.L4OK, 0, "");
            channel.close();
            return;
        }
        ScheduledFuture<?> timeout = channel.eventLoop()
                .schedule(
                        () -> {
                            attempt.finish(CheckStatus.L7TOUT, 0, "");
                            channel.close();
                        },
                        checkTimeout.toNanos(),
                        TimeUnit.NANOSECONDS);
        channel.closeFuture().addListener(c -> {
            timeout.cancel(false);
            attempt.finish(CheckStatus.L7RSP, 0, "connection closed without a response");
        });
        if (check != null) {
            channel.writeAndFlush(request(check, host, port));
        } else {
            channel.pipeline().get(TcpCheckHandler.class).next(channel);
        }
    }

    private static DefaultFullHttpRequest request(HttpCheck check, String host, int port) {
        HttpVersion version = HttpVersion.valueOf(check.version());
        DefaultFullHttpRequest request =
                new DefaultFullHttpRequest(version, HttpMethod.valueOf(check.method()), check.uri());
        if (version.equals(HttpVersion.HTTP_1_1)) {
            request.headers()
                    .set(HttpHeaderNames.HOST, host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ':' + port);
        }
        for (Map.Entry<String, String> header : check.headers()) {
            request.headers().add(header.getKey(), header.getValue());
        }
        request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return request;
    }

    private static String shortReason(Throwable cause) {
        String message = cause.getMessage();
        if (message == null) {
            return cause.getClass().getSimpleName();
        }
        int colon = message.indexOf(": /");
        return colon > 0 ? message.substring(0, colon) : message; // "Connection refused: /127.0.0.1:80"
    }

    /** One check: reports exactly once. */
    private static final class Attempt {
        private final Consumer<CheckResult> done;
        private final long start;
        private boolean finished;

        Attempt(Consumer<CheckResult> done, long start) {
            this.done = done;
            this.start = start;
        }

        void finish(CheckStatus status, int code, String detail) {
            synchronized (this) {
                if (finished) {
                    return;
                }
                finished = true;
            }
            done.accept(new CheckResult(status, code, Duration.ofNanos(System.nanoTime() - start), detail));
        }
    }

    /** Runs the steps of a {@code tcp-check}: sends, and waits for received data to match, in order. */
    private static final class TcpCheckHandler extends SimpleChannelInboundHandler<io.netty.buffer.ByteBuf> {
        private final java.util.Iterator<TcpCheck.Step> steps;
        private final Attempt attempt;
        private final StringBuilder received = new StringBuilder();
        /** The expectation awaited: a {@link TcpCheck.Expect} or {@link TcpCheck.MysqlPackets}; null: none. */
        private TcpCheck.@Nullable Step waiting;

        TcpCheckHandler(TcpCheck check, Attempt attempt) {
            this.steps = check.steps().iterator();
            this.attempt = attempt;
        }

        /** Runs steps until one waits for data not received yet, or all passed. */
        void next(Channel channel) {
            while (steps.hasNext()) {
                TcpCheck.Step step = steps.next();
                if (step instanceof TcpCheck.Send send) {
                    channel.writeAndFlush(
                            io.netty.buffer.Unpooled.copiedBuffer(send.data(), StandardCharsets.ISO_8859_1));
                } else {
                    waiting = step;
                    if (!evaluate(channel)) {
                        return; // waits for more data, or failed
                    }
                }
            }
            attempt.finish(CheckStatus.L7OK, 0, "");
            channel.close();
        }

        /** Judges what was received against the awaited expectation; true when it is met. */
        private boolean evaluate(Channel channel) {
            TcpCheck.Step step = waiting;
            if (step == null || received.length() == 0) {
                return false;
            }
            int verdict = step instanceof TcpCheck.MysqlPackets packets
                    ? packets.judge(received)
                    : ((TcpCheck.Expect) step).matches(received.toString()) ? 1 : 0;
            if (verdict > 0) {
                waiting = null;
                received.setLength(0);
                return true;
            }
            if (verdict < 0
                    || (step instanceof TcpCheck.Expect expect && expect.negated())
                    || received.length() > MAX_RESPONSE) {
                attempt.finish(CheckStatus.L7RSP, 0, "tcp-check expect failed");
                channel.close();
            }
            return false;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, io.netty.buffer.ByteBuf data) {
            // kept even before an expect step is reached: a greeting may arrive before the connect listener ran
            received.append(data.toString(StandardCharsets.ISO_8859_1));
            if (evaluate(ctx.channel())) {
                next(ctx.channel());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            attempt.finish(CheckStatus.SOCKERR, 0, shortReason(cause));
            ctx.close();
        }
    }

    /** Judges the aggregated response of an HTTP check. */
    private static final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final HttpCheck check;
        private final Attempt attempt;

        ResponseHandler(HttpCheck check, Attempt attempt) {
            this.check = check;
            this.attempt = attempt;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            if (response.decoderResult().isFailure()) {
                attempt.finish(CheckStatus.L7RSP, 0, "invalid response");
            } else {
                int code = response.status().code();
                String body = response.content().toString(StandardCharsets.UTF_8);
                attempt.finish(check.evaluate(code, body), code, "");
            }
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            attempt.finish(CheckStatus.L7RSP, 0, shortReason(cause));
            ctx.close();
        }
    }
}
