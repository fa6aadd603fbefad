package dev.fjord.lb.netty;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fjord.lb.core.Counters;
import dev.fjord.lb.core.FrontendConfig;
import dev.fjord.lb.core.StickCounters;
import dev.fjord.lb.core.Timeouts;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * One HTTP/2 client connection, after its {@link Http2ServerCodec}: the frontend's session (a session is
 * a client connection, however many streams it carries, as in HAProxy); the connection's receive window opened to
 * 2<sup>31</sup>-1 at once (as HAProxy does: each stream's window bounds what a client sends ahead); its streams
 * counted, so that a connection without any closes with GOAWAY after {@code timeout http-keep-alive} (once a stream
 * was served; before, {@code timeout http-request}), else {@code timeout client}, and never on a client's PINGs; a
 * graceful GOAWAY when the proxy closes or the frontend is removed (streams in flight finish).
 *
 * <p>Not sharable: one per connection; all calls on its event loop.
 */
final class Http2Session extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(Http2Session.class);

    final FrontendConfig frontend;
    private final ProxyRuntime runtime;
    private final Counters counters;
    private final ConnectionTracking tracking;
    /** Set in {@link #handlerAdded}, before any other call (a known initializer to NullAway). */
    private ChannelHandlerContext ctx;
    /** The connection's codec, before this handler; set with {@link #ctx}. */
    private Http2ServerCodec codec;

    private boolean started;
    private int streams;
    /** The highest stream id a stream handler was opened for. */
    private int lastOpened;

    private boolean served;
    private boolean closing;
    private @Nullable ScheduledFuture<?> idleTimer;
    /** Read at the first stream, after the handshake (and a PROXY header), for every stream. */
    private @Nullable ClientFacts clientFacts;

    Http2Session(ProxyRuntime runtime, FrontendConfig frontend, ConnectionTracking tracking) {
        this.frontend = frontend;
        this.runtime = runtime;
        this.counters = runtime.router.frontendCounters(frontend.name());
        this.tracking = tracking;
    }

    /** The connection's source, local port and TLS facts, which its streams share. */
    ClientFacts clientFacts() {
        ClientFacts known = clientFacts;
        if (known == null) {
            known = ClientFacts.of(ctx.channel());
            clientFacts = known;
        }
        return known;
    }

    /** The frontend's counters, kept: a reconfiguration may remove the frontend while this connection lives. */
    Counters frontendCounters() {
        return counters;
    }

    /** The connection's sticky counters, which its requests are routed and tracked with. */
    StickCounters stickCounters() {
        return tracking.counters();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
        this.codec = context.pipeline().get(Http2ServerCodec.class);
        if (context.channel().isActive()) {
            start(); // added after the connection became active: after a TLS handshake chose h2
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        start();
        context.fireChannelActive();
    }

    private void start() {
        if (started) {
            return;
        }
        started = true;
        counters.sessionStarted();
        int opened = Integer.MAX_VALUE - Http2CodecUtil.DEFAULT_WINDOW_SIZE;
        codec.openConnectionWindow(opened);
        armIdleTimer();
    }

    /** Stream {@code id} opened: the connection is not idle. */
    void streamOpened(int id) {
        streams++;
        lastOpened = Math.max(lastOpened, id);
        cancelIdleTimer();
    }

    /**
     * The codec reset client stream {@code id} with PROTOCOL_ERROR ({@link Http2ServerCodec#onStreamError}). One no
     * handler was opened for (a higher id than any opened) carried a request the codec refused as malformed: counted
     * and logged as a bad request, 400 {@code <BADREQ>}, as a malformed HTTP/1.1 request is; nothing was forwarded.
     */
    void resetByCodec(int id) {
        if (id <= lastOpened || id % 2 == 0) {
            return; // a stream Fjord had (its handler logs it), or not a client's
        }
        lastOpened = id;
        counters.requestError();
        tracking.counters().requestError();
        ExchangeRecord record =
                new ExchangeRecord(runtime.requestCounter.getAndIncrement(), ctx.channel(), System.nanoTime());
        record.tls(ClientTlsFacts.of(ctx.channel()));
        record.localResponse(400, 0);
        record.ended(Termination.PROXY, Termination.Phase.REQUEST);
        runtime.log(frontend, record, ClientAddresses.source(ctx.channel()), null, null, null);
    }

    /** A stream closed, answered or reset: without streams left, the idle timer runs. */
    void streamClosed() {
        streams--;
        served = true;
        if (streams == 0 && !closing) {
            armIdleTimer();
        }
    }

    /**
     * Sends GOAWAY now (no new streams) and closes the connection once the streams in flight are over: at proxy close,
     * or when the frontend is removed; after {@code timeout client} (else 30 s) at the latest.
     */
    void closeGracefully() {
        if (closing) {
            return;
        }
        closing = true;
        cancelIdleTimer();
        ctx.close(); // Http2ConnectionHandler.close: GOAWAY NO_ERROR with the last stream id, then waits for streams
    }

    private void armIdleTimer() {
        cancelIdleTimer();
        Timeouts timeouts = frontend.settings().timeouts();
        Duration request = timeouts.effectiveHttpRequest();
        Duration idle = served ? timeouts.effectiveHttpKeepAlive() : request;
        if (idle == null) {
            idle = timeouts.client();
        }
        if (idle == null) {
            return;
        }
        idleTimer = ctx.executor()
                .schedule(
                        () -> {
                            if (streams == 0) {
                                log.debug("{}: idle HTTP/2 connection closed", frontend.name());
                                closeGracefully();
                            }
                        },
                        idle.toNanos(),
                        TimeUnit.NANOSECONDS);
    }

    private void cancelIdleTimer() {
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        cancelIdleTimer();
        closing = true;
        if (started) {
            counters.sessionEnded();
        }
        context.fireChannelInactive();
    }

    /**
     * An HTTP/2 protocol error is the codec's to answer (GOAWAY with the error's code, then the connection closes);
     * any other error that reaches this handler closes the connection.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        log.debug("{}: HTTP/2 connection error: {}", frontend.name(), cause.toString());
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) == null) {
            context.close();
        }
    }
}
