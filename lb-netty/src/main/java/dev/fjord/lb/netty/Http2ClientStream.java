package dev.fjord.lb.netty;

import java.util.ArrayDeque;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fjord.lb.core.Counters;
import dev.fjord.lb.core.FrontendConfig;
import dev.fjord.lb.core.LocalResponse;
import dev.fjord.lb.core.StickCounters;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.ReferenceCountUtil;

/**
 * One HTTP/2 stream: one request, run as an {@link HttpExchange} exactly as an HTTP/1.1 request is (routing, ACLs,
 * stickiness, limits and queue, retries, timeouts, counters, the access log), with the stream as the exchange's
 * {@link ClientSide}: the stream's flow-control window is its writability, so the client's flow control reaches the
 * server connection, and pausing its reads withholds the client's WINDOW_UPDATEs (DATA received meanwhile, at most a
 * window, is acknowledged when reading resumes). The stream ends with the response (END_STREAM), or is reset
 * (CANCEL) when the response was cut short or the request is not read whole; a client's RST_STREAM aborts the
 * exchange and drops its server connection, as a closed HTTP/1.1 connection does. A malformed request is answered
 * with the frontend's error page (400, 413, 431, 501) and logged, never forwarded.
 *
 * <p>Nothing is routed before the read that opened the stream completes ({@link #start}): a stream the client resets
 * in the same read as its HEADERS (rapid reset, CVE-2023-44487) is dropped before it reaches routing, a server or the
 * counters.
 *
 * <p>Not thread-safe: one per stream; all calls on its connection's event loop.
 */
final class Http2ClientStream implements ClientSide, ExchangeCompletion, Http2ResponseEncoder.Frames {
    private static final Logger log = LoggerFactory.getLogger(Http2ClientStream.class);

    private final Http2ServerCodec codec;
    private final Http2Stream stream;
    private final ProxyRuntime runtime;
    private final FrontendConfig frontend;
    private final Http2Session session;
    private final Http2RequestDecoder decoder;
    private final Http2ResponseEncoder encoder = new Http2ResponseEncoder(this);
    /** What arrived before the read that opened the stream completed; null once it did. */
    private @Nullable ArrayDeque<Object> early = new ArrayDeque<>(2);

    private @Nullable HttpExchange exchange;
    private boolean closing;
    /** Whether a request, or its refusal, was seen: it is logged once either way. */
    private boolean requested;

    private boolean reads = true;
    /** DATA bytes received while not reading, acknowledged (WINDOW_UPDATE) when reading resumes. */
    private int unacknowledged;

    private boolean endReceived;
    private boolean endSent;
    /** The write of the frame that ended the stream, which a reset must not overtake. */
    private @Nullable ChannelPromise endWrite;

    Http2ClientStream(
            Http2ServerCodec codec,
            Http2Stream stream,
            ProxyRuntime runtime,
            FrontendConfig frontend,
            RequestPolicy policy,
            Http2Session session) {
        this.codec = codec;
        this.stream = stream;
        this.runtime = runtime;
        this.frontend = frontend;
        this.session = session;
        this.decoder = new Http2RequestDecoder(policy, this::arrived);
        session.streamOpened(stream.id());
    }

    @Override
    public Counters frontendCounters() {
        return session.frontendCounters();
    }

    @Override
    public StickCounters stickCounters() {
        return session.stickCounters();
    }

    // ---- frames from the client (Http2Streams) ----

    void onHeaders(Http2Headers headers, boolean endStream) {
        endReceived |= endStream;
        decoder.headers(headers, endStream);
    }

    /** A DATA frame's content (owned here) of {@code bytes} flow-controlled bytes: those acknowledged now. */
    int onData(ByteBuf content, int bytes, boolean endStream) {
        endReceived |= endStream;
        decoder.data(content, endStream);
        if (reads) {
            return bytes;
        }
        unacknowledged += bytes;
        return 0;
    }

    private void arrived(Object msg) {
        ArrayDeque<Object> waiting = early;
        if (closing) {
            ReferenceCountUtil.release(msg);
        } else if (waiting != null) {
            waiting.add(msg);
        } else {
            handle(msg);
        }
    }

    /** The read that opened the stream completed: what arrived is handled, unless the stream is gone already. */
    void start() {
        ArrayDeque<Object> waiting = early;
        if (waiting == null) {
            return;
        }
        early = null;
        Object msg;
        while ((msg = waiting.poll()) != null) {
            handle(msg);
        }
    }

    private void handle(Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
        } else if (msg instanceof RequestRejected rejected) {
            reject(rejected.status(), rejected.reason());
        } else if (msg instanceof HttpRequest request) {
            startExchange(request);
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

    private void startExchange(HttpRequest request) {
        requested = true;
        ExchangeRecord record = newRecord();
        ClientFacts client = session.clientFacts();
        record.tls(client.tls());
        record.received(request);
        stickCounters().requestStarted();
        HttpExchange started = new HttpExchange(
                this, runtime, frontend, this, request, new NettyRequestHead(request, client, record), record);
        exchange = started;
        runtime.inFlight.incrementAndGet();
        started.start();
    }

    /** A stream's record: its request counted, no idle time before it ({@code %Ti} 0). */
    private ExchangeRecord newRecord() {
        return new ExchangeRecord(runtime.requestCounter.getAndIncrement(), connection(), System.nanoTime());
    }

    // ---- the exchange's client side ----

    @Override
    public Channel connection() {
        return codec.context().channel();
    }

    @Override
    public void write(HttpObject message) {
        if (endSent || stream.state() == Http2Stream.State.CLOSED) {
            ReferenceCountUtil.release(message); // reset, or the connection is gone
            return;
        }
        encoder.write(message);
    }

    @Override
    public void headers(Http2Headers headers, boolean endStream) {
        codec.encoder().writeHeaders(codec.context(), stream.id(), headers, 0, endStream, promise(endStream));
    }

    @Override
    public void data(ByteBuf content, boolean endStream) {
        codec.encoder().writeData(codec.context(), stream.id(), content, 0, endStream, promise(endStream));
    }

    /** The promise of a frame's write; the one that ends the stream is kept, for a reset not to overtake it. */
    private ChannelPromise promise(boolean endStream) {
        ChannelPromise promise = codec.context().newPromise();
        if (endStream) {
            endSent = true;
            endWrite = promise;
        }
        return promise;
    }

    @Override
    public void flush() {
        codec.flushSoon();
    }

    @Override
    public boolean isWritable() {
        return isActive() && codec.encoder().flowController().isWritable(stream);
    }

    @Override
    public boolean isActive() {
        return stream.state() != Http2Stream.State.CLOSED && connection().isActive();
    }

    @Override
    public void reads(boolean on) {
        reads = on;
        if (on && unacknowledged > 0) {
            int bytes = unacknowledged;
            unacknowledged = 0;
            try {
                codec.connection().local().flowController().consumeBytes(stream, bytes); // a WINDOW_UPDATE
            } catch (Http2Exception e) {
                codec.onError(codec.context(), true, e);
            }
            codec.flushSoon();
        }
    }

    @Override
    public @Nullable ChannelHandlerContext tunnelContext() {
        return null; // a stream is never upgraded (RFC 9113 8.6)
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
        codec.flushSoon();
        if (!keepAlive) {
            closing = true;
            end(Http2Error.CANCEL);
        }
    }

    // ---- refusals and the stream's end ----

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
            reset(Http2Error.PROTOCOL_ERROR);
            return;
        }
        write(HttpMessages.local(errorPage(status), Http2RequestHeaders.HTTP_2, false, false, alloc()));
        codec.flushSoon();
        end(Http2Error.CANCEL);
    }

    /** A request refused before it ran ({@code status}, {@code <BADREQ>}): counted and logged, once. */
    private void logRefused(int status) {
        requested = true;
        if (status != 408) {
            frontendCounters().requestError();
            stickCounters().requestError(); // an invalid request: a request and an error, as HAProxy counts them
        }
        ExchangeRecord record = newRecord();
        record.tls(ClientTlsFacts.of(connection()));
        record.localResponse(status, 0);
        record.ended(Termination.PROXY, Termination.Phase.REQUEST);
        runtime.log(frontend, record, ClientAddresses.source(connection()), null, null, null);
    }

    /** The frontend's errorfile for {@code status}, else the proxy-wide page (no {@code http-after-response}). */
    private LocalResponse errorPage(int status) {
        LocalResponse page = frontend.settings().errorFiles().get(status);
        return page != null ? page : runtime.errorPage(status);
    }

    /**
     * Ends the stream on this side: nothing to do when both ends are done; else RST_STREAM with {@code error} (the
     * client is still sending, or the response was cut short), after the frame that ended the response if any.
     */
    private void end(Http2Error error) {
        if (endSent && endReceived) {
            return;
        }
        ChannelPromise written = endWrite;
        if (written != null && !written.isDone()) {
            written.addListener(f -> reset(error));
        } else {
            reset(error);
        }
    }

    private void reset(Http2Error error) {
        if (stream.state() != Http2Stream.State.CLOSED && connection().isActive()) {
            ChannelHandlerContext ctx = codec.context();
            codec.resetStream(ctx, stream.id(), error.code(), ctx.newPromise());
            codec.flushSoon();
        }
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

    /** The flow-control window (or the connection's buffer) filled or emptied. */
    void writabilityChanged() {
        HttpExchange current = exchange;
        if (current != null) {
            current.clientWritabilityChanged(isWritable());
        }
    }

    /**
     * The stream closed: reset by the client, the connection gone, or both ends done. An exchange whose response
     * ended the stream finishes on its own; any other is aborted.
     */
    void closed() {
        if (!endSent) {
            tearDown();
        } else {
            closing = true;
        }
        session.streamClosed();
    }

    /**
     * A stream error the codec found (a {@code Content-Length} unlike the DATA received, say) stops the exchange; the
     * codec then resets the stream with the error's code.
     */
    void codecError(Throwable cause) {
        log.debug("{}: HTTP/2 stream error: {}", frontend.name(), cause.toString());
        if (!requested && !closing) {
            logRefused(400); // the codec refused the request before it was seen (two Content-Lengths)
        }
        tearDown();
    }
}
