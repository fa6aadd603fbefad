package dev.fjord.lb.netty;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fjord.lb.core.ConnectionMode;
import dev.fjord.lb.core.FrontendConfig;
import dev.fjord.lb.core.RetryOn;
import dev.fjord.lb.core.RouteDecision;
import dev.fjord.lb.core.Server;
import dev.fjord.lb.core.Settings;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;

/**
 * The server side of an exchange that is forwarded: a connection from {@link ServerConnector} (queue, connect,
 * connection retries), the request written to it ({@link RequestRelay}) and the response read from it
 * ({@link ResponseRelay}), {@code timeout server}, the server's sessions ({@code on-marked-down shutdown-sessions}),
 * passive-check reports, {@code retry-on} retries ({@link RetryPolicy}), failures, a {@code 101} tunnel, and the
 * connection given back (to the pool when it may be reused). How the exchange ends is its {@link HttpExchange}'s to
 * decide. Not thread-safe: the client connection's event loop, which the server connection shares.
 */
final class ServerLeg implements ServerConnector.Listener {
    private static final Logger log = LoggerFactory.getLogger(ServerLeg.class);

    private final HttpExchange exchange;
    private final ClientSide client;
    private final ProxyRuntime runtime;
    private final FrontendConfig frontend;
    private final HttpRequest request;
    private final ExchangeRecord record;
    private final RequestRelay requestRelay;
    private final ResponseRelay responseRelay;
    private final RetryPolicy retry;
    /** {@code timeout server}: inactivity while waiting for or reading the response (504 before it starts). */
    private final InactivityTimer timer;

    private final boolean hasBody;
    private @Nullable ServerConnector connector;
    /** Whether the body is being read before connecting ({@code option http-buffer-request}). */
    private boolean buffering;

    private @Nullable Channel channel;
    /** The handler of {@link #channel} while this leg is attached to it. */
    private @Nullable ServerConnectionHandler attached;

    private boolean reusedConnection;
    /** Unregisters the exchange from its server's sessions; a no-op when not connected. */
    private Runnable endSession = () -> {};

    ServerLeg(
            HttpExchange exchange,
            ClientSide client,
            ProxyRuntime runtime,
            FrontendConfig frontend,
            HttpRequest request,
            ExchangeRecord record,
            RequestRelay requestRelay,
            ResponseRelay responseRelay,
            boolean hasBody) {
        this.exchange = exchange;
        this.client = client;
        this.runtime = runtime;
        this.frontend = frontend;
        this.request = request;
        this.record = record;
        this.requestRelay = requestRelay;
        this.responseRelay = responseRelay;
        this.hasBody = hasBody;
        this.retry = new RetryPolicy(backendSettings(), request.method(), runtime.limits.retryBufferBytes());
        this.timer = new InactivityTimer(
                runtime.deadlines,
                client.executor(),
                backendSettings().timeouts().server(),
                () -> !exchange.isDone() && channel != null,
                this::timedOut);
    }

    private Settings backendSettings() {
        return exchange.decision().asForward().backend().config().settings();
    }

    /**
     * Asks for a connection to the decision's server. A request body waits for it: the client is not read meanwhile
     * (a body-less request leaves reading on, so no read interest is toggled per request). With {@code option
     * http-buffer-request} (the frontend's or the backend's), the body is read first, whole or up to
     * {@link Settings#BUFFERED_BODY_BYTES}, so that a slow upload holds no server connection or slot meanwhile.
     */
    void start() {
        if (hasBody
                && !requestRelay.received()
                && (frontend.settings().bufferRequest() || backendSettings().bufferRequest())) {
            buffering = true; // the client is read on; relay() connects once enough is held
            return;
        }
        connect();
    }

    private void connect() {
        if (hasBody && !requestRelay.received()) {
            client.reads(false);
        }
        boolean poolable = backendSettings().connectionMode() == ConnectionMode.KEEP_ALIVE
                && frontend.settings().connectionMode() == ConnectionMode.KEEP_ALIVE;
        ServerConnector started = new ServerConnector(
                runtime, client.connection(), exchange.decision().asForward(), poolable, this, record);
        connector = started;
        started.start();
    }

    @Override
    public void connected(Channel connection, boolean reused) {
        exchange.decision(connector().decision());
        exchange.traffic().server(connector().decision().backend(), connector().server());
        channel = connection;
        endSession = runtime.session(
                connector().server(),
                () -> client.executor().execute(() -> {
                    if (!exchange.isDone() && channel != null) {
                        release(false);
                        exchange.abortClient(Termination.SESSIONS_SHUT_DOWN);
                    }
                }));
        reusedConnection = reused;
        attached = ServerConnectionHandler.of(connection);
        attached.attach(responseRelay);
        connection.config().setAutoRead(true);
        ConnectionMode mode = frontend.settings().connectionMode() == ConnectionMode.HTTP_CLOSE
                ? ConnectionMode.HTTP_CLOSE
                : backendSettings().connectionMode();
        if (requestRelay.connected(
                connection, HttpMessages.serverRequest(request, connector().decision(), mode), retry)) {
            armTimer();
        }
    }

    @Override
    public void failed(Termination why) {
        exchange.fail(
                503,
                why,
                why.description,
                why == Termination.QUEUE_FULL || why == Termination.QUEUE_TIMEOUT
                        ? Termination.Phase.QUEUE
                        : Termination.Phase.CONNECT);
    }

    /** Relays a request body part; {@code timeout server} starts once the request is whole on the server. */
    void relay(HttpContent part) {
        if (requestRelay.relay(part, retry)) {
            armTimer();
        }
        if (buffering && (requestRelay.received() || requestRelay.heldBytes() >= Settings.BUFFERED_BODY_BYTES)) {
            buffering = false;
            connect();
        }
    }

    @Nullable
    Channel channel() {
        return channel;
    }

    /** The server chosen, or null before routing chose one. */
    @Nullable
    Server server() {
        ServerConnector current = connector;
        return current == null ? null : current.server();
    }

    /** Whether the exchange waits in a server's queue. */
    boolean queued() {
        ServerConnector current = connector;
        return current != null && current.queued();
    }

    /** The connector of the current attempt; there is one from {@link #start}. */
    private ServerConnector connector() {
        return java.util.Objects.requireNonNull(connector, "connector");
    }

    /** Something came from the server: {@code timeout server} starts over. */
    void active() {
        timer.touch();
    }

    /** Passive checks ({@code observe layer7}): a 5xx other than 501 and 505 is an error of the server. */
    void reportStatus(int code) {
        if (code >= 500 && code != 501 && code != 505) {
            runtime.reportError(connector().server(), true);
        } else {
            runtime.reportSuccess(connector().server());
        }
    }

    void inactive(Channel connection) {
        if (!exchange.isDone() && channel == connection) {
            failed(Termination.SERVER_CLOSED, Termination.SERVER_CLOSED.description);
        }
    }

    /** The response went to the client whole: the connection is given back, pooled when {@code reusable}. */
    void responseComplete(boolean reusable) {
        timer.cancel();
        release(reusable && requestRelay.sent());
    }

    /** A {@code 101}: the connection leaves the pool's accounting and becomes one end of a tunnel. */
    void startTunnel(Runnable closed) {
        timer.cancel();
        Channel upgraded = java.util.Objects.requireNonNull(detach(), "a 101 arrived on a connection");
        connector().release(null, false); // the slot is freed; the tunnel keeps the connection
        Tunnel.start(
                java.util.Objects.requireNonNull(client.tunnelContext(), "a 101 only answers an HTTP/1.1 request"),
                upgraded,
                ServerConnectionHandler.NAME,
                BackendPool.CODEC,
                backendSettings().timeouts().effectiveTunnel(),
                closed);
    }

    void failed(Termination why, String reason) {
        endSession.run();
        connector().server().counters().responseError();
        runtime.reportError(connector().server(), why == Termination.SERVER_INVALID);
        if (!responseRelay.started()
                && retry(why == Termination.SERVER_INVALID ? RetryOn.JUNK_RESPONSE : RetryOn.EMPTY_RESPONSE, reason)) {
            return;
        }
        timer.cancel();
        Termination.Phase at = exchange.phase();
        Channel failed = detach();
        if (failed != null) {
            failed.close();
        }
        if (!responseRelay.started() && reusedConnection && !hasBody) {
            // a kept-alive connection the server closed as we reused it: once more, on a fresh connection
            log.debug(
                    "{}: reused connection closed, retrying on a new one",
                    connector().server().name());
            reusedConnection = false;
            requestRelay.detached();
            connector().retryFresh();
            return;
        }
        connector().release(null, false);
        exchange.fail(502, why, reason, at);
    }

    /**
     * Sends the whole request again after {@code event}, as {@link RetryPolicy} allows: only before any response
     * reached the client, for a request read whole and sent.
     *
     * @return whether a retry started
     */
    boolean retry(RetryOn event, String reason) {
        if (!requestRelay.received()
                || !requestRelay.sent()
                || responseRelay.started()
                || exchange.isDone()
                || !retry.allows(event)) {
            return false;
        }
        endSession.run();
        log.debug("{} {}: retrying after {}", request.method(), request.uri(), reason);
        timer.cancel();
        connector().release(detach(), false);
        requestRelay.detached();
        RouteDecision.Forward decision = connector().decision();
        RouteDecision.Forward next = retry.next(runtime.router, decision);
        record.retried(next.server() != decision.server());
        exchange.decision(next);
        start();
        return true;
    }

    private void timedOut() {
        runtime.reportError(connector().server(), true);
        if (!responseRelay.started() && retry(RetryOn.RESPONSE_TIMEOUT, "timeout server")) {
            return;
        }
        Termination.Phase at = exchange.phase();
        release(false);
        exchange.fail(504, Termination.SERVER_TIMEOUT, Termination.SERVER_TIMEOUT.description, at);
    }

    private void armTimer() {
        if (!exchange.isDone()) {
            timer.arm();
        }
    }

    /** The exchange ends: stop the timer; leave a queue or a pending connection attempt. */
    void ending() {
        timer.cancel();
        retry.release();
        if (connector != null && channel == null) {
            connector().abort(); // frees nothing already given back
        }
    }

    /** The client went away: drop the connection (never reused: the response is not read to its end). */
    void abort() {
        endSession.run();
        timer.cancel();
        retry.release();
        if (connector != null) {
            connector().release(detach(), false);
            connector().abort();
        }
    }

    /** Gives the connection back, to the pool when {@code reusable}, and the server's slot. */
    void release(boolean reusable) {
        endSession.run();
        buffering = false;
        if (connector != null) { // none while the body was still being read (http-buffer-request)
            connector().release(detach(), reusable);
        }
    }

    /** Takes the connection from the exchange (its handler forgets the exchange); null when there is none. */
    private @Nullable Channel detach() {
        Channel connection = channel;
        channel = null;
        ServerConnectionHandler handler = attached;
        attached = null;
        if (handler != null) {
            handler.detach();
        }
        return connection;
    }
}
