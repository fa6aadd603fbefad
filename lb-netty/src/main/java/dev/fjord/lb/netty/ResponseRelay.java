package dev.fjord.lb.netty;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.CookieCapture;
import dev.fjord.lb.core.Responses;
import dev.fjord.lb.core.RetryOn;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * The response, from the server connection to the client: interim responses passed on, the head rewritten for the
 * client ({@link HttpMessages#clientResponse}), the body relayed with the server paused while the client cannot take
 * more, a {@code 101} turned into a tunnel. What it learns that the exchange decides on (a status to retry, the end
 * of the response, a failure) goes to its {@link HttpExchange}. Attached to the server connection's
 * {@link ServerConnectionHandler} for one attempt. Not thread-safe: one event loop.
 */
final class ResponseRelay implements ServerConnectionHandler.Listener {
    private final HttpExchange exchange;
    private final ClientSide client;
    private final RequestRelay request;
    private final ProxyRuntime runtime;
    private final HttpRequest clientRequest;
    private boolean started;
    private boolean bodyless;
    private boolean upgrading;
    private boolean reusable;
    /** The body's compressor when the response is compressed for the client ({@code compression}); else null. */
    private @Nullable BodyCompressor compressor;

    ResponseRelay(
            HttpExchange exchange,
            ClientSide client,
            RequestRelay request,
            ProxyRuntime runtime,
            HttpRequest clientRequest) {
        this.exchange = exchange;
        this.client = client;
        this.request = request;
        this.runtime = runtime;
        this.clientRequest = clientRequest;
    }

    /** Whether the response head went to the client: from then on, nothing can be retried or answered instead. */
    boolean started() {
        return started;
    }

    @Override
    public void read(Object msg) {
        if (exchange.isDone()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        exchange.server().active();
        if (msg instanceof HttpObject object && object.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            exchange.server()
                    .failed(
                            Termination.SERVER_INVALID,
                            "invalid response: " + object.decoderResult().cause());
            return;
        }
        if (msg instanceof HttpResponse response && !head(response)) {
            ReferenceCountUtil.release(msg); // retried: the rest of this response is not wanted
            return;
        }
        if (msg instanceof HttpContent content) {
            content(content);
        } else if (!(msg instanceof HttpResponse)) {
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * Passes the head on, after the {@code http-response} rules; false when the exchange retries instead, or a rule
     * answered instead ({@code deny}, {@code redirect}, {@code return}).
     */
    private boolean head(HttpResponse response) {
        int code = response.status().code();
        if (code >= 100 && code < 200 && code != 101) {
            client.write(clientResponse(response, true, true)); // interim: 100, 103
            return true;
        }
        if (code == HttpResponseStatus.SWITCHING_PROTOCOLS.code() && !HttpMessages.isUpgrade(clientRequest)) {
            // RFC 9110 15.2.2: only an Upgrade request may switch (and an HTTP/2 stream never is one)
            exchange.server().failed(Termination.SERVER_INVALID, "101 to a request that asked for no upgrade");
            return false;
        }
        exchange.server().reportStatus(code);
        RetryOn onStatus = RetryOn.ofStatus(code);
        if (onStatus != null && exchange.server().retry(onStatus, "status " + code)) {
            return false;
        }
        boolean serverBodyless = HttpMessages.isBodyless(exchange.method(), response.status());
        reusable = HttpUtil.isKeepAlive(response) && HttpMessages.isFramed(response, serverBodyless);
        Responses.Answer instead = httpResponseRules(response);
        if (instead != null) {
            exchange.server().release(false); // the rest of the response is not read: the connection closes
            exchange.answerInstead(instead);
            return false;
        }
        started = true;
        CookieCapture capture = exchange.frontend().cookieCapture();
        if (capture != null) { // the server's cookies, before the proxy's own Set-Cookie, as HAProxy captures them
            exchange.traffic()
                    .responseCookie(capture.response(response.headers().getAll(HttpHeaderNames.SET_COOKIE)));
        }
        exchange.traffic()
                .responseHead(response.status().code(), 64 + response.headers().size() * 32L); // an estimate
        bodyless = HttpMessages.isBodyless(exchange.method(), response.status()); // set-status may have changed it
        String upgrade = response.headers().get(HttpHeaderNames.UPGRADE, ""); // before the hop-by-hop fields go
        compressor = ResponseCompression.prepare(exchange.decision().asForward(), response, bodyless, runtime.zlib);
        HttpResponse out = clientResponse(response, exchange.clientKeepAlive(), bodyless);
        exchange.traffic().sent(out);
        exchange.clientKeepAlive(!out.headers().contains(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true));
        if (code == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
            upgrading = true;
            out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            out.headers().set(HttpHeaderNames.UPGRADE, upgrade);
            out.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
        }
        client.write(out);
        return true;
    }

    private void content(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (!started || upgrading || bodyless) {
            content.release(); // the end of an interim or body-less response, or of a 101
            if (last && upgrading) {
                exchange.startTunnel();
                return;
            }
            if (last) {
                client.write(LastHttpContent.EMPTY_LAST_CONTENT);
            }
        } else if (compressor != null) {
            BodyCompressor body = compressor;
            if (last) {
                compressor = null;
            }
            HttpContent compressed = ResponseCompression.compress(body, content, last, client.alloc());
            exchange.traffic().responseBytes(compressed.content().readableBytes());
            client.write(compressed);
        } else {
            exchange.traffic().responseBytes(content.content().readableBytes());
            client.write(content);
        }
        if (last && started) {
            exchange.responseComplete(reusable);
        } else if (!last && !client.isWritable()) {
            Channel server = exchange.server().channel();
            if (server == null) {
                return;
            }
            server.config().setAutoRead(false); // before the flush, which may make the client writable again
            client.flush();
            if (client.isWritable() && !exchange.isDone()) {
                server.config().setAutoRead(true);
            }
        }
    }

    @Override
    public void readComplete() {
        client.flush();
    }

    @Override
    public void writabilityChanged(boolean writable) {
        if (!exchange.isDone()) {
            request.serverWritable(writable); // the request may still be arriving
        }
    }

    @Override
    public void inactive(Channel channel) {
        BodyCompressor unfinished = compressor;
        if (unfinished != null) { // the body ends here, cut short: its compressor's native memory goes now
            compressor = null;
            unfinished.end();
        }
        exchange.server().inactive(channel);
    }

    /** The client can take more, or not: the server is read only while it can, once the response started. */
    void clientWritable(boolean writable) {
        Channel server = exchange.server() == null ? null : exchange.server().channel();
        if (server != null && started && !exchange.isDone()) {
            server.config().setAutoRead(writable);
        }
    }

    /**
     * The server's response as the client gets it: hop-by-hop fields replaced, the decision's edits applied, then the
     * {@code http-after-response} rules (not for interim responses).
     */
    private HttpResponse clientResponse(HttpResponse response, boolean keepAlive, boolean bodyless) {
        HttpResponse out = HttpMessages.clientResponse(
                response, clientRequest, exchange.decision().asForward(), keepAlive, bodyless);
        int code = out.status().code();
        Responses responses = runtime.router.responses();
        if ((code >= 200 || code == 101) && responses.hasAfterResponseRules(exchange.decision())) {
            responses.afterResponse(exchange.decision(), new NettyResponseHead(out));
        }
        return out;
    }

    /**
     * Applies the {@code http-response} rules to the server's {@code response}, in place.
     *
     * @return the rule that answered instead ({@code deny}, {@code redirect}, {@code return}) with the proxy's
     *     response; null to relay {@code response}
     */
    private Responses.@Nullable Answer httpResponseRules(HttpResponse response) {
        Responses responses = runtime.router.responses();
        if (!responses.hasHttpResponseRules(exchange.decision())) {
            return null;
        }
        return responses.httpResponse(exchange.decision().asForward(), new NettyResponseHead(response));
    }
}
