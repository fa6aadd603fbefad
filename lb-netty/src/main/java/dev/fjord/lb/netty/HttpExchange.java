package dev.fjord.lb.netty;

import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fjord.lb.core.ConnectionMode;
import dev.fjord.lb.core.FrontendConfig;
import dev.fjord.lb.core.LocalResponse;
import dev.fjord.lb.core.Responses;
import dev.fjord.lb.core.RouteDecision;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * One request and its response, in stages: routed ({@link dev.fjord.lb.core.Router}); answered locally (a deny, a
 * redirect, the stats page and its admin {@link StatsForm}) or forwarded through its {@link ServerLeg} (a server
 * connection, {@code retry-on} retries, {@code timeout server}); the request relayed ({@link RequestRelay}) and the
 * response relayed back ({@link ResponseRelay}), each side paused while the other cannot take more; counted in one
 * place ({@link ExchangeTraffic}); ended once, with its {@link Termination}, its access-log record, and a call to its
 * {@link ExchangeCompletion}. All calls on the client connection's event loop; the server connection shares it.
 */
final class HttpExchange {
    private static final Logger log = LoggerFactory.getLogger(HttpExchange.class);

    private final ClientSide client;
    private final ProxyRuntime runtime;
    private final FrontendConfig frontend;
    private final ExchangeCompletion completion;
    private final HttpRequest request;
    private final NettyRequestHead head;
    private final ExchangeRecord record;
    private final ExchangeTraffic traffic;
    private final RequestRelay requestRelay;
    private final ResponseRelay responseRelay;
    private final boolean hasBody;
    /** {@code timeout client}: a stalled upload (408) or a client that stops reading (abort). */
    private final InactivityTimer clientTimer;

    private RouteDecision decision;
    private @Nullable ServerLeg server;
    private @Nullable StatsForm statsForm;
    private boolean clientKeepAlive;
    private boolean discardingBody;
    private boolean done;
    /** The wait of an {@code http-request tarpit} before its answer; null when not held. */
    private io.netty.util.concurrent.@Nullable ScheduledFuture<?> tarpit;

    HttpExchange(
            ClientSide client,
            ProxyRuntime runtime,
            FrontendConfig frontend,
            ExchangeCompletion completion,
            HttpRequest request,
            NettyRequestHead head,
            ExchangeRecord record) {
        this.client = client;
        this.runtime = runtime;
        this.frontend = frontend;
        this.completion = completion;
        this.request = request;
        this.head = head;
        this.record = record;
        record.headReceived();
        this.traffic = new ExchangeTraffic(completion.frontendCounters(), completion.stickCounters(), record);
        this.decision = runtime.route(frontend, head, completion.stickCounters());
        this.requestRelay = new RequestRelay(client);
        this.responseRelay = new ResponseRelay(this, client, requestRelay, runtime, request);
        this.hasBody = HttpUtil.isContentLengthSet(request)
                ? HttpUtil.getContentLength(request, 0L) > 0
                : HttpUtil.isTransferEncodingChunked(request);
        this.clientKeepAlive =
                HttpUtil.isKeepAlive(request) && frontend.settings().connectionMode() != ConnectionMode.HTTP_CLOSE;
        this.clientTimer = new InactivityTimer(
                runtime.deadlines,
                client.executor(),
                frontend.settings().timeouts().client(),
                () -> !done
                        && ((hasBody && !requestRelay.received()) || (responseRelay.started() && !client.isWritable())),
                this::clientTimedOut);
    }

    boolean requestComplete() {
        return requestRelay.received();
    }

    /** Whether the client's going away cancels this exchange: its backend's {@code option abortonclose}. */
    boolean abortsOnClose() {
        return decision instanceof RouteDecision.Forward forward
                && forward.backend().config().settings().abortOnClose();
    }

    /** Whether the response head went to the client. */
    boolean responseStarted() {
        return responseRelay.started();
    }

    void start() {
        if (decision instanceof RouteDecision.Respond respond && respond.tarpit() != null) {
            holdInTarpit(respond.response(), respond.tarpit());
        } else if (decision instanceof RouteDecision.Respond respond) {
            respondLocally(respond.response());
        } else if (decision instanceof RouteDecision.Service) {
            respondLocally(StatsPage.prometheus(runtime, request.uri()));
        } else if (decision instanceof RouteDecision.Stats stats) {
            if (request.method().equals(HttpMethod.POST)) {
                statsForm = new StatsForm(); // an admin action: answered once its form is read
            } else {
                respondLocally(StatsPage.render(runtime, stats, request.uri()));
            }
        } else {
            server = new ServerLeg(
                    this, client, runtime, frontend, request, record, requestRelay, responseRelay, hasBody);
            clientTimer.arm();
            server.start();
        }
    }

    void onRequestContent(HttpContent content) {
        clientTimer.touch();
        traffic.requestBytes(content.content().readableBytes());
        requestRelay.arrived(content);
        boolean last = content instanceof LastHttpContent;
        if (statsForm != null && !done && !discardingBody) {
            statsForm(content, last);
        } else if (done || discardingBody) {
            content.release();
            if (last && discardingBody && !done && tarpit == null) {
                finish(clientKeepAlive);
            }
        } else {
            server().relay(content);
        }
    }

    private void statsForm(HttpContent content, boolean last) {
        StatsForm reading = java.util.Objects.requireNonNull(statsForm, "statsForm");
        String form;
        try {
            form = reading.add(content, last);
        } catch (IllegalStateException tooLarge) {
            statsForm = null;
            fail(413, Termination.PROXY, String.valueOf(tooLarge.getMessage()), Termination.Phase.REQUEST);
            return;
        }
        if (form != null) {
            statsForm = null;
            respondLocally(StatsAdmin.post(runtime, decision.asStats(), form));
        }
    }

    // ---- what the stages share ----

    boolean isDone() {
        return done;
    }

    RouteDecision decision() {
        return decision;
    }

    /** The frontend the request came to, as configured when its connection was accepted. */
    FrontendConfig frontend() {
        return frontend;
    }

    /** The decision of a retry, or of the server a connection was finally had to. */
    void decision(RouteDecision.Forward decision) {
        this.decision = decision;
    }

    ExchangeTraffic traffic() {
        return traffic;
    }

    /** The server side; called by the relays, which exist only for forwarded exchanges. */
    ServerLeg server() {
        ServerLeg leg = server;
        if (leg == null) {
            throw new IllegalStateException("not forwarded: " + decision);
        }
        return leg;
    }

    HttpMethod method() {
        return request.method();
    }

    boolean clientKeepAlive() {
        return clientKeepAlive;
    }

    void clientKeepAlive(boolean keepAlive) {
        clientKeepAlive &= keepAlive;
    }

    /**
     * Sends the response an {@code http-response} rule made instead of the server's (released); a {@code deny}
     * counts as a denied response ({@code dresp}).
     */
    void answerInstead(Responses.Answer answer) {
        if (answer.denied()) {
            traffic.deniedResponse();
        }
        releaseBuffered();
        respondLocally(answer.response(), Termination.PROXY, Termination.Phase.HEADERS);
    }

    void responseComplete(boolean serverReusable) {
        server().responseComplete(serverReusable);
        finish(clientKeepAlive && requestRelay.received());
    }

    void startTunnel() {
        done = true;
        server().startTunnel(() -> completion.exchangeDone(this, false));
    }

    void clientWritabilityChanged(boolean writable) {
        clientTimer.touch();
        responseRelay.clientWritable(writable);
        if (!writable) {
            clientTimer.arm();
        }
    }

    private void clientTimedOut() {
        Termination.Phase at = phase();
        if (server != null) {
            server.release(false);
        }
        fail(408, Termination.CLIENT_TIMEOUT, Termination.CLIENT_TIMEOUT.description, at);
    }

    // ---- endings ----

    /** Where the exchange is, for the access log's state letter. */
    Termination.Phase phase() {
        if (responseRelay.started() || (server != null && server.channel() != null && !requestRelay.sent())) {
            return Termination.Phase.DATA;
        }
        if (server == null) {
            return tarpit != null ? Termination.Phase.TARPIT : Termination.Phase.REQUEST;
        }
        return server.channel() != null
                ? Termination.Phase.HEADERS
                : server.queued() ? Termination.Phase.QUEUE : Termination.Phase.CONNECT;
    }

    /**
     * {@code http-request tarpit}: denied, the body dropped, the answer after {@code wait}, the connection kept (as
     * HAProxy 2.6); logged {@code PT} from the start, as HAProxy, so also when the client leaves first.
     */
    private void holdInTarpit(LocalResponse response, java.time.Duration wait) {
        traffic.denied();
        record.ended(Termination.PROXY, Termination.Phase.TARPIT);
        discardingBody = true;
        tarpit = client.executor().schedule(() -> tarpitEnds(response), wait.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void tarpitEnds(LocalResponse response) {
        tarpit = null;
        if (!done) {
            respondLocally(response, Termination.PROXY, Termination.Phase.TARPIT);
        }
    }

    private void respondLocally(LocalResponse response) {
        boolean stats = decision instanceof RouteDecision.Stats || decision instanceof RouteDecision.Service;
        if (!stats && decision.backend() == null && response.status() == 403) {
            traffic.denied();
        }
        respondLocally(
                response,
                stats ? Termination.LOCAL : decision.backend() != null ? Termination.NO_SERVER : Termination.PROXY,
                decision.backend() != null ? Termination.Phase.CONNECT : Termination.Phase.REQUEST);
    }

    private void respondLocally(LocalResponse response, Termination why, Termination.Phase at) {
        record.ended(why, at);
        writeLocal(response);
        discardingBody = true;
        if (requestRelay.received()) {
            finish(clientKeepAlive);
        }
    }

    /**
     * Writes a response of the proxy's own, as the client gets it: a built-in error page replaced by the proxy-wide
     * one ({@link FjordProxy.Builder#errorPage}), then the {@code http-after-response} rules; counted.
     */
    private void writeLocal(LocalResponse response) {
        if (response.equals(LocalResponse.error(response.status()))) {
            response = runtime.errorPage(response.status()); // a built-in error page: replaceable
        }
        response = runtime.router.responses().afterResponse(decision, response);
        traffic.localResponse(response.status(), response.body().length());
        client.write(HttpMessages.local(
                response,
                request.protocolVersion(),
                clientKeepAlive,
                HttpMessages.isHead(request.method()),
                client.alloc()));
    }

    /**
     * Answers {@code status} unless a response started; keeps the connection only if the request is whole.
     * {@code at} is where the exchange was when it failed (before anything was released).
     */
    void fail(int status, Termination why, String reason, Termination.Phase at) {
        log.debug("{} {} -> {}: {}", request.method(), request.uri(), status, reason);
        if (done) {
            return;
        }
        if (responseRelay.started()) {
            abortClient(why);
            return;
        }
        clientKeepAlive = clientKeepAlive && (requestRelay.received() || !hasBody);
        if (status >= 500) {
            traffic.serverFailed(status); // 502, 503, 504 for a server that failed: HAProxy's http_fail
        }
        record.ended(why, at);
        releaseBuffered();
        writeLocal(decision.errorPage(status)); // the backend's or frontend's errorfile
        if (requestRelay.received()) {
            finish(clientKeepAlive);
        } else if (!hasBody) {
            discardingBody = true; // the end of a body-less request is on its way
            client.reads(true);
        } else {
            finish(false);
        }
    }

    /** Ends a response that started (or cannot), closing the client connection. */
    void abortClient(Termination why) {
        record.ended(why, Termination.Phase.DATA);
        log.debug("{} {}: response aborted: {}", request.method(), request.uri(), why.description);
        finish(false);
    }

    private void finish(boolean keepAlive) {
        if (done) {
            return;
        }
        done = true;
        clientTimer.cancel();
        releaseBuffered();
        if (!client.isActive()) {
            record.ended(Termination.CLIENT_CLOSED, Termination.Phase.DATA); // the response could not be delivered
        }
        writeLog();
        completion.exchangeDone(this, keepAlive);
    }

    /** The client went away or the proxy is closing: drop everything. */
    void abort() {
        if (done) {
            return;
        }
        record.ended(Termination.CLIENT_CLOSED, phase());
        writeLog();
        done = true;
        clientTimer.cancel();
        requestRelay.release();
        if (server != null) {
            server.abort();
        }
        if (tarpit != null) {
            tarpit.cancel(false);
        }
    }

    private void writeLog() {
        traffic.ended();
        if (request instanceof ParsedRequest parsed) {
            record.droppedHeaders(parsed.droppedFields());
        }
        runtime.log(frontend, record, head.clientSocket(), decision, server == null ? null : server.server(), request);
    }

    private void releaseBuffered() {
        if (server != null) {
            server.ending();
        }
        requestRelay.release();
    }
}
