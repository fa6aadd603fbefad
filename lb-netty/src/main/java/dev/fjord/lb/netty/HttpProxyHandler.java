package dev.fjord.lb.netty;

import java.util.ArrayDeque;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fjord.lb.core.Counters;
import dev.fjord.lb.core.FrontendConfig;
import dev.fjord.lb.core.LocalResponse;
import dev.fjord.lb.core.StickCounters;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;

/**
 * One client connection of an HTTP frontend: takes requests in order, runs each as an {@link HttpExchange}, and
 * keeps the connection's timers ({@code timeout http-request}, {@code http-keep-alive}). Requests pipelined behind
 * the one in flight wait their turn. It is the connection's {@link ClientSide} too: no object apart, 16 bytes less
 * per idle connection. Not sharable: one per connection, all calls on its event loop.
 */
final class HttpProxyHandler extends ChannelDuplexHandler
        implements ExchangeCompletion, StrictRequestDecoder.HeadListener, HeadTimer.Expiry, ClientSide {
    private static final Logger log = LoggerFactory.getLogger(HttpProxyHandler.class);

    final ProxyRuntime runtime;
    final FrontendConfig frontend;
    /** The frontend's counters, kept: a reconfiguration may remove the frontend while this connection lives. */
    private final Counters counters;
    /** Requests pipelined behind the one in flight; made at the first (most connections never pipeline). */
    private @Nullable ArrayDeque<Object> pipelined;
    /** Set in {@link #handlerAdded}, before any other call (a known initializer to NullAway). */
    ChannelHandlerContext ctx;

    private @Nullable HttpExchange exchange;
    /** Set with {@link #ctx}. */
    private HeadTimer headTimer;
    /** Bytes arrived since the last request head (tells a keep-alive timeout from an http-request one). */
    private boolean bytesSinceHead;
    /** The record of the request whose bytes are arriving, from its first byte. */
    private @Nullable ExchangeRecord pending;
    /** Since when the connection waits for a request ({@code %Ti}): its start, then each response's end. */
    private long idleSince = System.nanoTime();

    private boolean closing;

    /** The client's address, its local port and TLS facts, read from the channel at the first request. */
    private @Nullable ClientFacts facts;

    /** Set by {@link #retire}: the connection closes once the request in flight is answered. */
    private boolean retired;

    /** The connection's sticky counters, which its requests are tracked with. */
    private final ConnectionTracking tracking;

    HttpProxyHandler(ProxyRuntime runtime, FrontendConfig frontend, ConnectionTracking tracking) {
        this.runtime = runtime;
        this.frontend = frontend;
        this.counters = runtime.router.frontendCounters(frontend.name());
        this.tracking = tracking;
    }

    @Override
    public Counters frontendCounters() {
        return counters;
    }

    @Override
    public StickCounters stickCounters() {
        return tracking.counters();
    }

    /** The frontend was removed: close now when idle, else once the request in flight is answered. */
    void retire() {
        retired = true;
        closeIfIdle();
    }

    /** The decoder saw the first bytes of a request head: the head timer now means 408, its record starts. */
    @Override
    public void headBytesArrived() {
        bytesSinceHead = true;
        if (pending == null) {
            pending = newRecord();
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
        this.headTimer = new HeadTimer(
                runtime.deadlines, context.executor(), frontend.settings().timeouts(), this);
    }

    private ExchangeRecord newRecord() {
        return new ExchangeRecord(runtime.requestCounter.getAndIncrement(), ctx.channel(), idleSince);
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        idleSince = System.nanoTime(); // after the PROXY header, if any: HAProxy's Ti starts after the handshakes
        counters.sessionStarted(); // a session is a client connection
        headTimer.arm(false);
        context.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (exchange != null && (exchange.requestComplete() || !nothingPipelined())) {
            // a pipelined request, or its refusal: it waits for the response in flight, so answers stay in order
            ArrayDeque<Object> queue = pipelined;
            if (queue == null) {
                queue = new ArrayDeque<>(4);
                pipelined = queue;
            }
            queue.add(msg);
            context.channel().config().setAutoRead(false);
            return;
        }
        handle(msg);
    }

    private void handle(Object msg) {
        if (msg instanceof RequestRejected rejected) {
            if (exchange != null && exchange.responseStarted()) {
                tearDown(); // the request in flight is malformed and its response has begun: no room for a 400
                ctx.close();
            } else {
                rejectAndClose(rejected.status(), rejected.reason());
            }
            return;
        }
        if (msg instanceof HttpObject object && object.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            rejectAndClose(
                    HttpMessages.statusOf(object.decoderResult()),
                    String.valueOf(object.decoderResult().cause()));
            return;
        }
        if (msg instanceof HttpRequest request) {
            headTimer.disarm();
            bytesSinceHead = false;
            ClientFacts client = facts;
            if (client == null) { // the first request: the addresses (a PROXY header's) and TLS facts are known now
                client = ClientFacts.of(ctx.channel());
                facts = client;
            }
            ExchangeRecord record = pending != null ? pending : newRecord();
            pending = null;
            record.tls(client.tls());
            record.received(request);
            stickCounters().requestStarted();
            exchange = new HttpExchange(
                    this, runtime, frontend, this, request, new NettyRequestHead(request, client, record), record);
            runtime.inFlight.incrementAndGet();
            exchange.start();
            if (msg instanceof HttpContent content && exchange != null) {
                exchange.onRequestContent(content);
            }
        } else if (msg instanceof HttpContent content) {
            if (exchange != null) {
                exchange.onRequestContent(content);
            } else {
                content.release();
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Called by the exchange once its response is complete. */
    @Override
    public void exchangeDone(HttpExchange done, boolean keepAlive) {
        if (done != exchange) {
            return;
        }
        exchange = null;
        idleSince = System.nanoTime();
        runtime.exchangeEnded();
        stickCounters().requestEnded();
        ChannelHandlerContext context = ctx;
        if (!keepAlive || runtime.closing || retired) {
            closing = true;
            context.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        context.flush();
        headTimer.arm(true);
        drainPipelined();
        if (nothingPipelined() && (exchange == null || !exchange.requestComplete())) {
            context.channel().config().setAutoRead(true);
        }
    }

    private boolean nothingPipelined() {
        return pipelined == null || pipelined.isEmpty();
    }

    /** Feeds queued pipelined messages: a new request when none is in flight, else the rest of the current one. */
    private void drainPipelined() {
        ArrayDeque<Object> queue = pipelined;
        while (queue != null && !queue.isEmpty() && !closing) {
            Object next = queue.peek();
            if (exchange != null && (exchange.requestComplete() || next instanceof HttpRequest)) {
                return;
            }
            handle(queue.poll());
        }
    }

    /** Stops everything in flight on this connection: timers, the exchange, pipelined requests. */
    private void tearDown() {
        headTimer.cancel();
        closing = true;
        if (exchange != null) {
            exchange.abort();
            exchange = null;
            runtime.exchangeEnded();
            stickCounters().requestEnded();
        }
        if (pipelined != null) {
            pipelined.forEach(ReferenceCountUtil::release);
            pipelined.clear();
        }
    }

    /** Answers {@code status} (the configured error page) and closes the connection. */
    void rejectAndClose(int status, String reason) {
        log.debug("{}: rejecting request with {}: {}", frontend.name(), status, reason);
        if (status != 408) {
            counters.requestError();
            stickCounters().requestError(); // an invalid request: a request and an error, as HAProxy counts them
        }
        ExchangeRecord record = pending;
        if (record == null && status == 408 && !frontend.settings().dontLogNull()) {
            record = newRecord(); // a connection that sent nothing: its 408 is logged as HAProxy's <BADREQ>
        }
        if (exchange == null && record != null) {
            pending = null;
            record.localResponse(status, 0);
            record.tls(ClientTlsFacts.of(ctx.channel()));
            record.ended(status == 408 ? Termination.CLIENT_TIMEOUT : Termination.PROXY, Termination.Phase.REQUEST);
            runtime.log(frontend, record, ClientAddresses.source(ctx.channel()), null, null, null);
        }
        tearDown();
        ctx.writeAndFlush(HttpMessages.local(errorPage(status), HttpVersion.HTTP_1_1, false, false, ctx.alloc()))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * The frontend's errorfile for {@code status}, else the proxy-wide page. As in HAProxy, errors found while the
     * request is parsed get no {@code http-after-response} rule.
     */
    private LocalResponse errorPage(int status) {
        LocalResponse page = frontend.settings().errorFiles().get(status);
        return page != null ? page : runtime.errorPage(status);
    }

    @Override
    public void headTimedOut(boolean keptAlive, boolean requestTimeoutSet) {
        if (exchange != null || closing) {
            return;
        }
        if (bytesSinceHead) {
            rejectAndClose(408, "request head not complete in time");
        } else if ((keptAlive && requestTimeoutSet)
                || frontend.settings().logOptions().ignoreProbes()) {
            closeSilently(); // an idle kept-alive connection simply closes, as a probe does (http-ignore-probes)
        } else {
            rejectAndClose(408, "no request in time");
        }
    }

    /** At proxy close: a connection between requests closes now; one with a request in flight after it. */
    void closeIfIdle() {
        if (exchange == null && !closing) {
            closeSilently();
        }
    }

    private void closeSilently() {
        closing = true;
        ctx.close();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
        if (exchange != null) {
            exchange.clientWritabilityChanged(context.channel().isWritable());
        }
        context.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        counters.sessionEnded();
        tearDown();
        context.fireChannelInactive();
    }

    /**
     * The client shut its side down (a FIN): between requests the connection closes; a request whose body is still
     * coming is aborted; a request read whole is answered, then the connection closes, unless its backend has
     * {@code option abortonclose}, which cancels it wherever it is (queued, connecting, waiting, relaying).
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            HttpExchange current = exchange;
            if (current == null) {
                if (nothingPipelined()) {
                    closeSilently();
                }
            } else if (!current.requestComplete() || current.abortsOnClose()) {
                tearDown();
                context.close();
            } else {
                current.clientKeepAlive(false); // answered, then closed: the client reads no further requests
            }
        }
        context.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        log.debug("{}: client connection error: {}", frontend.name(), cause.toString());
        context.close();
    }

    // the connection as its exchanges see it (ClientSide): this handler's context, whose writes the codec encodes

    @Override
    public Channel connection() {
        return ctx.channel();
    }

    @Override
    public void write(HttpObject message) {
        ctx.write(message);
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public boolean isActive() {
        return ctx.channel().isActive();
    }

    @Override
    public void reads(boolean on) {
        ctx.channel().config().setAutoRead(on);
    }

    @Override
    public ChannelHandlerContext tunnelContext() {
        return ctx;
    }

    @Override
    public EventExecutor executor() {
        return ctx.executor();
    }

    @Override
    public ByteBufAllocator alloc() {
        return ctx.alloc();
    }
}
