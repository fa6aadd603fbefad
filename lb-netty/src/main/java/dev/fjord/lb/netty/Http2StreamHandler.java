package dev.fjord.lb.netty;

import java.util.ArrayDeque;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fjord.lb.core.ClientTls;
import dev.fjord.lb.core.Counters;
import dev.fjord.lb.core.FrontendConfig;
import dev.fjord.lb.core.LocalResponse;
import dev.fjord.lb.core.StickCounters;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.util.ReferenceCountUtil;

/**
 * One HTTP/2 stream: one request, run as an {@link HttpExchange} exactly as an HTTP/1.1 request is (routing, ACLs,
 * stickiness, limits and queue, retries, timeouts, counters, the access log), with the stream's channel as the client
 * side: its writability carries the client's flow control to the server connection, and pausing its reads withholds
 * WINDOW_UPDATEs from the client. The stream ends with the response (END_STREAM), or is reset (CANCEL) when the
 * response was cut short or the request is not read whole; a client's RST_STREAM aborts the exchange and drops its
 * server connection, as a closed HTTP/1.1 connection does. A malformed request is answered with the frontend's error
 * page (400, 413, 431, 501) and logged, never forwarded.
 *
 * <p>Nothing is routed before the stream's first read completes: a stream the client resets in the same read as its
 * HEADERS (rapid reset, CVE-2023-44487) is dropped before it reaches routing, a server or the counters.
 *
 * <p>Not sharable: one per stream; all calls on its connection's event loop.
 */
final class Http2StreamHandler extends ChannelInboundHandlerAdapter implements HttpExchange.Completion {
    private static final Logger log = LoggerFactory.getLogger(Http2StreamHandler.class);

    private final ProxyRuntime runtime;
    private final FrontendConfig frontend;
    private final Http2Session session;
    /** Set in {@link #handlerAdded}, before any other call (a known initializer to NullAway). */
    private ChannelHandlerContext ctx;
    /** What arrived before the first read completed; null once it did. */
    private @Nullable ArrayDeque<Object> early = new ArrayDeque<>(2);

    private @Nullable HttpExchange exchange;
    private boolean closing;
    /** Whether a request, or its refusal, reached this handler: it is logged once either way. */
    private boolean requested;

    Http2StreamHandler(ProxyRuntime runtime, FrontendConfig frontend, Http2Session session) {
        this.runtime = runtime;
        this.frontend = frontend;
        this.session = session;
    }

    @Override
    public Counters frontendCounters() {
        return session.frontendCounters();
    }

    @Override
    public StickCounters stickCounters() {
        return session.stickCounters();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        session.streamOpened(((io.netty.handler.codec.http2.Http2StreamChannel) context.channel())
                .stream().id());
        context.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        ArrayDeque<Object> waiting = early;
        if (closing) {
            ReferenceCountUtil.release(msg);
        } else if (waiting != null) {
            waiting.add(msg);
        } else {
            handle(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        ArrayDeque<Object> waiting = early;
        if (waiting != null) {
            early = null;
            Object msg;
            while ((msg = waiting.poll()) != null) {
                handle(msg);
            }
        }
        context.fireChannelReadComplete();
    }

    private void handle(Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
        } else if (msg instanceof RequestRejected rejected) {
            reject(rejected.status(), rejected.reason());
        } else if (msg instanceof HttpRequest request) {
            start(request);
        } else if (msg instanceof HttpContent content) {
            HttpExchange current = exchange;
            if (current != null) {
                current.onRequestContent(content);
            } else {
                content.release();
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void start(HttpRequest request) {
        requested = true;
        ExchangeRecord record = newRecord();
        ClientTls tls = connectionTls();
        record.tls(tls);
        record.received(request);
        stickCounters().requestStarted();
        HttpExchange started = new HttpExchange(
                ctx,
                runtime,
                frontend,
                this,
                request,
                new NettyRequestHead(
                        request,
                        ClientAddresses.source(ctx.channel()),
                        ClientAddresses.destination(ctx.channel()).getPort(),
                        tls),
                record);
        exchange = started;
        runtime.inFlight.incrementAndGet();
        started.start();
    }

    /** A stream's record: its request counted, no idle time before it ({@code %Ti} 0). */
    private ExchangeRecord newRecord() {
        return new ExchangeRecord(runtime.requestCounter.getAndIncrement(), ctx.channel(), System.nanoTime());
    }

    /** The TLS handshake of the stream's connection, whose pipeline holds the TLS handler; null without TLS. */
    private @Nullable ClientTls connectionTls() {
        io.netty.channel.Channel connection = ctx.channel().parent();
        return ClientTlsFacts.of(connection != null ? connection : ctx.channel());
    }

    /** Called by the exchange once its response is complete, or cut short ({@code keepAlive} false). */
    @Override
    public void exchangeDone(HttpExchange done, boolean keepAlive) {
        if (done != exchange) {
            return;
        }
        exchange = null;
        runtime.exchangeEnded();
        stickCounters().requestEnded();
        ctx.flush();
        if (!keepAlive) {
            closing = true;
            ctx.close(); // RST_STREAM CANCEL unless both sides ended the stream already
        }
    }

    /** Answers {@code status} (the frontend's error page), logged, then ends the stream; a started response resets. */
    private void reject(int status, String reason) {
        log.debug("{}: rejecting HTTP/2 request with {}: {}", frontend.name(), status, reason);
        HttpExchange current = exchange;
        if (current == null) {
            logRefused(status);
        } else if (status != 408) {
            frontendCounters().requestError();
            stickCounters().requestError();
        }
        boolean responseStarted = current != null && current.responseStarted();
        tearDown();
        if (responseStarted) {
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.PROTOCOL_ERROR));
            ctx.close();
            return;
        }
        ctx.writeAndFlush(HttpMessages.local(errorPage(status), Http2RequestHeaders.HTTP_2, false, false, ctx.alloc()))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** A request refused before it ran ({@code status}, {@code <BADREQ>}): counted and logged, once. */
    private void logRefused(int status) {
        requested = true;
        if (status != 408) {
            frontendCounters().requestError();
            stickCounters().requestError(); // an invalid request: a request and an error, as HAProxy counts them
        }
        ExchangeRecord record = newRecord();
        record.tls(connectionTls());
        record.localResponse(status, 0);
        record.ended(Termination.PROXY, Termination.Phase.REQUEST);
        runtime.log(frontend, record, ClientAddresses.source(ctx.channel()), null, null, null);
    }

    /** The frontend's errorfile for {@code status}, else the proxy-wide page (no {@code http-after-response}). */
    private LocalResponse errorPage(int status) {
        LocalResponse page = frontend.settings().errorFiles().get(status);
        return page != null ? page : runtime.errorPage(status);
    }

    /** Stops the exchange in flight (its server connection dropped) and frees what waits. */
    private void tearDown() {
        closing = true;
        HttpExchange current = exchange;
        if (current != null) {
            exchange = null;
            current.abort();
            runtime.exchangeEnded();
            stickCounters().requestEnded();
        }
        ArrayDeque<Object> waiting = early;
        if (waiting != null) {
            waiting.forEach(ReferenceCountUtil::release);
            waiting.clear();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
        HttpExchange current = exchange;
        if (current != null) {
            current.clientWritabilityChanged(context.channel().isWritable());
        }
        context.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        tearDown(); // reset by the client, or the connection is gone
        session.streamClosed();
        context.fireChannelInactive();
    }

    /**
     * A stream error the codec found (a {@code Content-Length} unlike the DATA received, say) stops the exchange; the
     * multiplexer then resets the stream with the error's code. Any other error resets it with CANCEL.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        log.debug("{}: HTTP/2 stream error: {}", frontend.name(), cause.toString());
        if (!requested && !closing && Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null) {
            logRefused(400); // the codec refused the request before it reached this handler (two Content-Lengths)
        }
        tearDown();
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) == null) {
            context.close();
        }
    }
}
