package dev.fjord.lb.netty;

import java.util.ArrayDeque;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fjord.lb.core.ConnectionMode;
import dev.fjord.lb.core.LocalResponse;
import dev.fjord.lb.core.RetryOn;
import dev.fjord.lb.core.RouteDecision;
import dev.fjord.lb.core.Settings;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * One request and its response: routing, a server connection ({@link ServerConnector}), then the request body
 * streamed to the server and the response streamed back, with back-pressure both ways (a side stops reading while
 * the other cannot take more). All calls on the client connection's event loop; the server connection shares it.
 */
final class HttpExchange implements ServerConnector.Listener {
    private static final Logger log = LoggerFactory.getLogger(HttpExchange.class);

    private final HttpProxyHandler client;
    private final ChannelHandlerContext ctx;
    private final HttpRequest request;
    private final NettyRequestHead head;
    private final ArrayDeque<HttpContent> bufferedBody = new ArrayDeque<>();
    private final ServerSide serverSide = new ServerSide();
    private final ExchangeLog record;
    private final boolean hasBody;
    private RouteDecision decision;
    private @Nullable ServerConnector connector;
    private @Nullable Channel serverChannel;
    /** {@code timeout server}: inactivity while waiting for or reading the response (504 before it starts). */
    private @Nullable InactivityTimer serverTimer;
    /** {@code timeout client}: a stalled upload (408) or a client that stops reading (abort). */
    private final InactivityTimer clientTimer;
    private boolean reusedConnection;
    private boolean requestComplete;
    private boolean requestSent;
    private boolean responseStarted;
    private boolean responseBodyless;
    private boolean upgrading;
    private boolean clientKeepAlive;
    private boolean serverReusable;
    private boolean discardingBody;
    private boolean done;
    /** The form of a stats admin POST as it arrives; null otherwise. */
    private @Nullable StringBuilder statsForm;
    /** Retained copies of the request body for a {@code retry-on} retry; null when the request is not retryable. */
    /** The request body kept for a {@code retry-on} retry; null when the request is not retryable. */
    private @Nullable Replay replay;
    private int attempt;
    private int retriesLeft;
    /** Unregisters this exchange from its server's sessions; a no-op when not connected. */
    private Runnable endSession = () -> { };

    HttpExchange(HttpProxyHandler client, HttpRequest request, NettyRequestHead head, ExchangeLog record) {
        this.record = record;
        record.headReceived();
        this.client = client;
        this.ctx = client.ctx;
        this.request = request;
        this.head = head;
        this.hasBody = HttpUtil.isContentLengthSet(request) ? HttpUtil.getContentLength(request, 0L) > 0
                : HttpUtil.isTransferEncodingChunked(request);
        this.clientKeepAlive = HttpUtil.isKeepAlive(request)
                && client.frontend.settings().connectionMode() != ConnectionMode.HTTP_CLOSE;
        this.clientTimer = new InactivityTimer(ctx.executor(), client.frontend.settings().timeouts().client(),
                () -> !done && (hasBody && !requestComplete || responseStarted && !ctx.channel().isWritable()),
                this::clientTimedOut);
    }

    boolean requestComplete() {
        return requestComplete;
    }

    /** Whether the response head went to the client. */
    boolean responseStarted() {
        return responseStarted;
    }

    void start() {
        client.runtime.router.frontendCounters(client.frontend.name()).sessionStarted();
        decision = client.runtime.router.route(client.frontend.name(), head);
        if (decision instanceof RouteDecision.Respond respond) {
            respondLocally(respond.response());
        } else if (decision instanceof RouteDecision.Stats stats) {
            if (request.method().equals(io.netty.handler.codec.http.HttpMethod.POST)) {
                statsForm = new StringBuilder(); // an admin action: answered once its form is read
            } else {
                respondLocally(StatsPage.render(client.runtime, stats, request.uri()));
            }
        } else if (decision instanceof RouteDecision.Forward forward) {
            Set<RetryOn> retryOn = backendSettings().retryOn();
            retriesLeft = backendSettings().retries();
            if (isIdempotent(request.method()) && !RetryOn.DEFAULT.containsAll(retryOn)) {
                replay = new Replay(client.runtime.limits.retryBufferBytes());
            }
            ctx.channel().config().setAutoRead(false); // the body waits until a server is connected
            serverTimer = new InactivityTimer(ctx.executor(), backendSettings().timeouts().server(),
                    () -> !done && serverChannel != null, this::serverTimedOut);
            clientTimer.arm();
            connector = new ServerConnector(client.runtime, ctx.channel().eventLoop(), forward,
                    connectorPoolable(), this, record);
            connector.start();
        }
    }

    private Settings backendSettings() {
        return decision.backend().config().settings();
    }

    // ---- request side ----

    void onRequestContent(HttpContent content) {
        clientTimer.touch();
        int received = content.content().readableBytes();
        if (received > 0) {
            client.runtime.router.frontendCounters(client.frontend.name()).bytes(received, 0);
            if (connector != null) {
                connector.server().counters().bytes(received, 0);
                decision.backend().counters().bytes(received, 0);
            }
        }
        boolean last = content instanceof LastHttpContent;
        if (last) {
            requestComplete = true;
        }
        if (statsForm != null && !done && !discardingBody) {
            statsForm.append(content.content().toString(java.nio.charset.StandardCharsets.ISO_8859_1));
            content.release();
            if (statsForm.length() > 16384) {
                statsForm = null;
                fail(413, "stats form too large");
            } else if (last) {
                String form = statsForm.toString();
                statsForm = null;
                respondLocally(StatsPage.post(client.runtime, decision.asStats(), form));
            }
            return;
        }
        if (done || discardingBody) {
            content.release();
            if (last && discardingBody && !done) {
                finish(clientKeepAlive);
            }
            return;
        }
        if (serverChannel == null) {
            bufferedBody.add(content);
            return;
        }
        remember(content);
        serverChannel.write(content);
        if (last) {
            requestSent = true;
            serverChannel.flush();
            armServerTimer();
        } else if (!serverChannel.isWritable()) {
            // pause the client first: the flush may make the server side writable again at once
            ctx.channel().config().setAutoRead(false);
            serverChannel.flush();
            if (serverChannel.isWritable()) {
                ctx.channel().config().setAutoRead(true);
            }
        }
    }

    @Override
    public void connected(Channel channel, boolean reused) {
        decision = connector.decision();
        serverChannel = channel;
        endSession = client.runtime.session(connector.server(), () -> ctx.executor().execute(() -> {
            if (!done && serverChannel != null) {
                releaseServer(false);
                abortClient("server marked down: sessions shut down");
            }
        }));
        reusedConnection = reused;
        ServerChannelHandler.of(channel).attach(serverSide);
        channel.config().setAutoRead(true);
        ConnectionMode mode = client.frontend.settings().connectionMode() == ConnectionMode.HTTP_CLOSE
                ? ConnectionMode.HTTP_CLOSE : backendSettings().connectionMode();
        channel.write(HttpMessages.serverRequest(request, connector.decision(), mode));
        boolean wroteLast = false;
        if (attempt > 0 && replay != null) {
            wroteLast = replay.writeTo(channel);
        }
        HttpContent part;
        while ((part = bufferedBody.poll()) != null) {
            wroteLast |= part instanceof LastHttpContent;
            remember(part);
            channel.write(part);
        }
        if (requestComplete && !wroteLast) {
            channel.write(LastHttpContent.EMPTY_LAST_CONTENT); // a retry of a body-less request
        }
        channel.flush();
        if (requestComplete) {
            requestSent = true;
            armServerTimer();
        } else {
            ctx.channel().config().setAutoRead(channel.isWritable());
        }
    }

    @Override
    public void failed(int status, String reason) {
        fail(status, reason);
    }

    // ---- response side ----

    /** Handles what the server sends while attached to the server connection. */
    private final class ServerSide implements ServerChannelHandler.Listener {
        @Override
        public void read(Object msg) {
            if (done) {
                ReferenceCountUtil.release(msg);
                return;
            }
            serverTimer.touch();
            if (msg instanceof HttpObject object && object.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                serverFailed("invalid response: " + object.decoderResult().cause());
                return;
            }
            if (msg instanceof HttpResponse response) {
                onResponseHead(response);
            }
            if (msg instanceof HttpContent content) {
                onResponseContent(content);
            } else if (!(msg instanceof HttpResponse)) {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void readComplete() {
            ctx.flush();
        }

        @Override
        public void writabilityChanged(boolean writable) {
            if (!requestComplete && !done) {
                ctx.channel().config().setAutoRead(writable);
            }
        }

        @Override
        public void inactive(Channel channel) {
            if (!done && serverChannel == channel) {
                serverFailed("server closed the connection");
            }
        }
    }

    private void onResponseHead(HttpResponse response) {
        int code = response.status().code();
        if (code >= 100 && code < 200 && code != 101) {
            ctx.write(HttpMessages.clientResponse(response, request, connector.decision(), true, true)); // 100, 103
            return;
        }
        if (code >= 500 && code != 501 && code != 505) {
            client.runtime.reportError(connector.server(), true);
        } else {
            client.runtime.reportSuccess(connector.server());
        }
        RetryOn onStatus = RetryOn.ofStatus(code);
        if (onStatus != null && retry(onStatus, "status " + code)) {
            return;
        }
        responseStarted = true;
        record.response(code, 64 + response.headers().size() * 32L); // an estimate of the head's bytes
        connector.server().counters().response(code);
        decision.backend().counters().response(code);
        responseBodyless = HttpMessages.isBodyless(request.method(), response.status());
        serverReusable = HttpUtil.isKeepAlive(response) && HttpMessages.isFramed(response, responseBodyless);
        HttpResponse out = HttpMessages.clientResponse(response, request, connector.decision(), clientKeepAlive,
                responseBodyless);
        clientKeepAlive = clientKeepAlive && HttpUtil.isKeepAlive(out);
        if (code == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
            upgrading = true;
            out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            out.headers().set(HttpHeaderNames.UPGRADE, response.headers().get(HttpHeaderNames.UPGRADE, ""));
            out.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
        }
        ctx.write(out);
    }

    private void onResponseContent(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (!responseStarted || upgrading || responseBodyless) {
            content.release(); // the end of an interim or body-less response, or of a 101
            if (last && upgrading) {
                startTunnel();
                return;
            }
            if (last) {
                ctx.write(LastHttpContent.EMPTY_LAST_CONTENT);
            }
        } else {
            int bytes = content.content().readableBytes();
            record.bodyBytes(bytes);
            connector.server().counters().bytes(0, bytes);
            decision.backend().counters().bytes(0, bytes);
            ctx.write(content);
        }
        if (last && responseStarted) {
            onResponseComplete();
        } else if (!last && !ctx.channel().isWritable()) {
            Channel server = serverChannel;
            server.config().setAutoRead(false); // before the flush, which may make the client writable again
            ctx.flush();
            if (ctx.channel().isWritable() && !done) {
                server.config().setAutoRead(true);
            }
        }
    }

    private void startTunnel() {
        cancelServerTimer();
        Channel upgraded = serverChannel;
        serverChannel = null;
        connector.release(null, false); // the slot is freed; the tunnel keeps the connection
        done = true;
        ServerChannelHandler.of(upgraded).detach();
        Tunnel.start(ctx, upgraded, ServerChannelHandler.NAME, BackendPool.CODEC, backendSettings().timeouts().effectiveTunnel(),
                () -> client.exchangeDone(this, false));
    }

    void clientWritabilityChanged(boolean writable) {
        clientTimer.touch();
        if (serverChannel != null && responseStarted && !done) {
            serverChannel.config().setAutoRead(writable);
        }
        if (!writable) {
            clientTimer.arm();
        }
    }

    private void clientTimedOut() {
        releaseServer(false);
        if (responseStarted) {
            abortClient("timeout client");
        } else {
            fail(408, "timeout client");
        }
    }

    private void onResponseComplete() {
        cancelServerTimer();
        releaseServer(serverReusable && requestSent);
        finish(clientKeepAlive && requestComplete);
    }

    private void serverFailed(String reason) {
        endSession.run();
        connector.server().counters().responseError();
        client.runtime.reportError(connector.server(), reason.startsWith("invalid"));
        if (!responseStarted && retry(reason.startsWith("invalid") ? RetryOn.JUNK_RESPONSE : RetryOn.EMPTY_RESPONSE,
                reason)) {
            return;
        }
        cancelServerTimer();
        Channel failed = serverChannel;
        serverChannel = null;
        if (failed != null) {
            ServerChannelHandler.of(failed).detach();
            failed.close();
        }
        if (!responseStarted && reusedConnection && !hasBody) {
            // a kept-alive connection the server closed as we reused it: once more, on a fresh connection
            log.debug("{}: reused connection closed, retrying on a new one", connector.server().name());
            reusedConnection = false;
            requestSent = false;
            connector.retryFresh();
            return;
        }
        connector.release(null, false);
        if (responseStarted) {
            abortClient(reason);
        } else {
            fail(502, reason);
        }
    }

    // ---- retry-on ----

    private static boolean isIdempotent(HttpMethod method) {
        return method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD) || method.equals(HttpMethod.OPTIONS)
                || method.equals(HttpMethod.TRACE) || method.equals(HttpMethod.PUT) || method.equals(HttpMethod.DELETE);
    }

    private void remember(HttpContent part) {
        if (replay != null) {
            replay.remember(part);
        }
    }

    /**
     * Sends the whole request again ({@code retry-on}): to another server with {@code option redispatch}, else to
     * the same one. Only before any response reached the client, for a retryable request read whole.
     *
     * @return whether a retry started
     */
    private boolean retry(RetryOn event, String reason) {
        if (replay == null || !replay.isAvailable() || !requestComplete || !requestSent || responseStarted || done || retriesLeft <= 0
                || !backendSettings().retryOn().contains(event)) {
            return false;
        }
        retriesLeft--;
        attempt++;
        endSession.run();
        log.debug("{} {}: retrying after {} ({} retries left)", request.method(), request.uri(), reason, retriesLeft);
        cancelServerTimer();
        Channel failed = serverChannel;
        serverChannel = null;
        if (failed != null) {
            ServerChannelHandler.of(failed).detach();
        }
        connector.release(failed, false);
        requestSent = false;
        RouteDecision.Forward last = connector.decision();
        RouteDecision.Forward next = last; // unless redispatched: the same server once more
        if (backendSettings().redispatch()
                && client.runtime.router.redispatch(last) instanceof RouteDecision.Forward other) {
            next = other;
        }
        record.retried(next.server() != last.server());
        decision = next;
        connector = new ServerConnector(client.runtime, ctx.channel().eventLoop(), next,
                connectorPoolable(), this, record);
        connector.start();
        return true;
    }

    private boolean connectorPoolable() {
        return backendSettings().connectionMode() == ConnectionMode.KEEP_ALIVE
                && client.frontend.settings().connectionMode() == ConnectionMode.KEEP_ALIVE;
    }

    private void releaseReplay() {
        if (replay != null) {
            replay.release();
            replay = null;
        }
    }

    // ---- timers ----

    private void serverTimedOut() {
        client.runtime.reportError(connector.server(), true);
        if (!responseStarted && retry(RetryOn.RESPONSE_TIMEOUT, "timeout server")) {
            return;
        }
        releaseServer(false);
        if (responseStarted) {
            abortClient("timeout server");
        } else {
            fail(504, "timeout server");
        }
    }

    private void armServerTimer() {
        if (serverTimer != null && !done) {
            serverTimer.arm();
        }
    }

    private void cancelServerTimer() {
        if (serverTimer != null) {
            serverTimer.cancel();
        }
    }

    // ---- endings ----

    private void respondLocally(LocalResponse response) {
        record.localResponse(response.status(), response.body().length());
        boolean stats = decision instanceof RouteDecision.Stats;
        if (!stats && decision.backend() == null && response.status() == 403) {
            client.runtime.router.frontendCounters(client.frontend.name()).denied();
        }
        record.ended(stats ? 'L' : decision.backend() != null ? 'S' : 'P', decision.backend() != null ? 'C' : 'R');
        if (response.equals(LocalResponse.error(response.status()))) {
            response = client.runtime.errorPage(response.status()); // a built-in error page: replaceable
        }
        ctx.write(HttpMessages.local(response, request.protocolVersion(), clientKeepAlive,
                HttpProxyHandler.isHead(request.method()), ctx.alloc()));
        discardingBody = true;
        if (requestComplete) {
            finish(clientKeepAlive);
        }
    }

    /** Answers {@code status} unless a response started; keeps the connection only if the request is whole. */
    private void fail(int status, String reason) {
        log.debug("{} {} -> {}: {}", request.method(), request.uri(), status, reason);
        cancelServerTimer();
        if (done) {
            return;
        }
        if (responseStarted) {
            abortClient(reason);
            return;
        }
        clientKeepAlive = clientKeepAlive && (requestComplete || !hasBody);
        record.failed(status, reason);
        releaseBuffered();
        ctx.write(HttpMessages.local(client.runtime.errorPage(status), request.protocolVersion(), clientKeepAlive,
                HttpProxyHandler.isHead(request.method()), ctx.alloc()));
        if (requestComplete) {
            finish(clientKeepAlive);
        } else if (!hasBody) {
            discardingBody = true; // the end of a body-less request is on its way
            ctx.channel().config().setAutoRead(true);
        } else {
            finish(false);
        }
    }

    private void abortClient(String reason) {
        record.ended(reason.contains("timeout server") ? 's' : reason.contains("timeout client") ? 'c'
                : reason.contains("sessions shut down") ? 'K' : 'S', 'D');
        log.debug("{} {}: response aborted: {}", request.method(), request.uri(), reason);
        finish(false);
    }

    private void finish(boolean keepAlive) {
        if (done) {
            return;
        }
        done = true;
        cancelServerTimer();
        clientTimer.cancel();
        releaseBuffered();
        writeLog();
        if (connector != null && serverChannel == null) {
            connector.abort(); // leaves a queue or a pending retry; frees nothing already given back
        }
        client.exchangeDone(this, keepAlive);
    }

    /** The client went away or the proxy is closing: drop everything. */
    void abort() {
        if (done) {
            return;
        }
        record.ended('C', responseStarted ? 'D' : 'H');
        writeLog();
        done = true;
        endSession.run();
        cancelServerTimer();
        clientTimer.cancel();
        releaseBuffered();
        if (connector != null) {
            Channel channel = serverChannel;
            serverChannel = null;
            if (channel != null) {
                ServerChannelHandler.of(channel).detach();
            }
            connector.release(channel, false);
            connector.abort();
        }
    }

    private void writeLog() {
        var frontendCounters = client.runtime.router.frontendCounters(client.frontend.name());
        frontendCounters.sessionEnded();
        if (record.status() > 0) {
            frontendCounters.response(record.status());
        }
        frontendCounters.bytes(0, record.bytesOut());
        if (request instanceof ParsedRequest parsed) {
            record.droppedHeaders(parsed.droppedFields());
        }
        client.runtime.log(client.frontend, record, head.clientSocket(), decision,
                connector == null ? null : connector.server(),
                request.method() + " " + request.uri() + " " + request.protocolVersion());
    }

    private void releaseServer(boolean reusable) {
        endSession.run();
        Channel channel = serverChannel;
        serverChannel = null;
        if (channel != null) {
            ServerChannelHandler.of(channel).detach();
        }
        connector.release(channel, reusable);
    }

    private void releaseBuffered() {
        releaseReplay();
        HttpContent part;
        while ((part = bufferedBody.poll()) != null) {
            part.release();
        }
    }
}
