package dev.fjord.lb.netty;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.AccessLogEntry;
import dev.fjord.lb.core.Backend;
import dev.fjord.lb.core.ClientTls;
import dev.fjord.lb.core.CookieCapture;
import dev.fjord.lb.core.CookieStatus;
import dev.fjord.lb.core.FrontendConfig;
import dev.fjord.lb.core.HeaderCapture;
import dev.fjord.lb.core.ResponseHead;
import dev.fjord.lb.core.RouteDecision;
import dev.fjord.lb.core.SampleCaptures;
import dev.fjord.lb.core.Server;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Records one request's (or TCP session's) timings, sizes and outcome as it goes, and turns them into an
 * {@link AccessLogEntry} at its end. Timers are HAProxy's: -1 for a stage never reached. Not thread-safe: used on
 * the connection's event loop.
 */
final class ExchangeRecord {
    private final long start = System.nanoTime();
    private final long acceptedAtMillis = System.currentTimeMillis();
    private final long counter;
    private final Channel client;
    private final long idleTime;
    private long bytesIn;
    private @Nullable InetSocketAddress backendSource;
    private @Nullable InetSocketAddress serverAddress;
    private @Nullable HttpResponse sent;
    /** The request head, whose size counts in {@code %U} (measured only when an entry is made). */
    private @Nullable HttpRequest received;
    /** The cookie the server's response set that the frontend's {@code capture cookie} took ({@code %CS}). */
    private @Nullable String responseCookie;

    private long headEnd = -1;
    private long queueStart = -1;
    private long queueEnd = -1;
    private long connectStart = -1;
    private long connectEnd = -1;
    private long responseHead = -1;
    private int status = -1;
    private long bytesOut;
    private char cause = '-';
    private char state = '-';
    private int retries;
    private boolean redispatched;
    private int droppedHeaders;
    private boolean logged;
    private @Nullable ClientTls tls;

    /** The client connection's TLS handshake ({@code %sslv}, {@code %sslc}); null on a plain connection. */
    void tls(@Nullable ClientTls tls) {
        this.tls = tls;
    }

    /**
     * @param counter the process's count of requests and sessions before this one ({@code %rt})
     * @param client the client connection, whose destination ({@link ClientAddresses}) is {@code %fi:%fp}
     * @param idleSince when the connection became idle before this request ({@link System#nanoTime()}); -1 for a
     *     TCP session
     */
    ExchangeRecord(long counter, Channel client, long idleSince) {
        this.counter = counter;
        this.client = client;
        this.idleTime = idleSince < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(Math.max(0, start - idleSince));
    }

    int status() {
        return status;
    }

    long bytesOut() {
        return bytesOut;
    }

    void headReceived() {
        headEnd = System.nanoTime();
    }

    void queueing() {
        queueStart = System.nanoTime();
    }

    void dequeued() {
        if (queueStart >= 0 && queueEnd < 0) {
            queueEnd = System.nanoTime();
        }
    }

    void connecting() {
        if (queueStart < 0) {
            queueStart = System.nanoTime();
        }
        dequeued();
        connectStart = System.nanoTime();
    }

    /** Connected to the server over {@code server} (a new or a pooled connection). */
    void connected(Channel server) {
        connectEnd = System.nanoTime();
        backendSource = inet(server.localAddress());
        serverAddress = inet(server.remoteAddress());
    }

    private static @Nullable InetSocketAddress inet(@Nullable SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet : null;
    }

    /** When the request was accepted (the wall clock, milliseconds since the epoch): {@code %t}, {@code %Ts}. */
    long acceptedAtMillis() {
        return acceptedAtMillis;
    }

    /** The process's requests and TCP sessions before this one ({@code %rt}). */
    long counter() {
        return counter;
    }

    /** The request's head came: its size counts as bytes from the client. */
    void received(HttpRequest head) {
        received = head;
    }

    /** {@code bytes} more came from the client (a request body, or a TCP session's). */
    void bytesIn(long bytes) {
        bytesIn += bytes;
    }

    /** The server's response set {@code cookie}, which {@code capture cookie} logs ({@code %CS}). */
    void responseCookie(@Nullable String cookie) {
        responseCookie = cookie;
    }

    /** The response head sent to the client, which log-format's response samples read (kept, not copied). */
    void sent(HttpResponse response) {
        sent = response;
    }

    /** The response head sent to the client, as lb-core reads it; null when none was relayed from a server. */
    @Nullable
    ResponseHead sentHead() {
        HttpResponse response = sent;
        return response == null ? null : new NettyResponseHead(response);
    }

    void retried(boolean toAnotherServer) {
        retries++;
        redispatched |= toAnotherServer;
    }

    void response(int code, long headBytes) {
        responseHead = System.nanoTime();
        status = code;
        bytesOut += headBytes;
    }

    /** A response made by the proxy: no server stages. */
    void localResponse(int code, long bytes) {
        status = code;
        bytesOut += bytes;
    }

    /** Header and trailer fields the client decoder dropped (look-alikes, fields not allowed in trailers). */
    void droppedHeaders(int fields) {
        droppedHeaders = fields;
    }

    void bodyBytes(long bytes) {
        bytesOut += bytes;
    }

    /** How the exchange ended, as HAProxy's first two termination letters; the first ending recorded stays. */
    void ended(Termination why, Termination.Phase phase) {
        if (this.cause == '-') {
            this.cause = why.cause;
            this.state = phase.letter;
        }
    }

    /**
     * Adds this request's queue, connect, response and total times to {@code server}'s and its backend's averages
     * (the stats page's and Prometheus's {@code qtime}, {@code ctime}, {@code rtime}, {@code ttime}), once, without
     * making an entry: for frontends that log nothing.
     */
    void countTimingsOnly(Server server) {
        if (logged) {
            return;
        }
        logged = true;
        long connect = millis(connectStart, connectEnd);
        if (connect >= 0) {
            long queue = millis(queueStart, queueEnd);
            long response = millis(connectEnd, responseHead);
            long active = millis(start, System.nanoTime());
            server.counters().timings(queue, connect, response, active);
            server.backend().counters().timings(queue, connect, response, active);
        }
    }

    /** The entry, once: null when it was made already. */
    @Nullable
    AccessLogEntry entry(
            FrontendConfig frontend,
            InetSocketAddress client,
            @Nullable RouteDecision decision,
            @Nullable Server server,
            ProxyRuntime runtime,
            int frontendConnections,
            @Nullable String requestLine) {
        if (logged) {
            return null;
        }
        logged = true;
        long end = System.nanoTime();
        Backend backend = decision == null ? null : decision.backend();
        char cookie = decision == null ? '-' : decision.cookieStatus().code();
        String cookieSet = decision instanceof RouteDecision.Forward forward ? forward.setCookie() : null;
        char setCookie = decision == null || decision.cookieStatus() == CookieStatus.NOT_CHECKED
                ? '-'
                : cookieSet == null ? 'N' : decision.cookieStatus() == CookieStatus.VALID ? 'U' : 'I';
        int backendConnections = 0;
        if (backend != null) {
            for (Server each : backend.servers()) {
                backendConnections += each.activeConnections();
            }
        }
        return new AccessLogEntry(
                decision == null
                        ? client.getAddress()
                        : decision.routedRequest().clientAddress(), // set-src's
                client.getPort(),
                acceptedAtMillis,
                frontend.name(),
                backend == null ? null : backend.name(),
                server == null ? null : server.name(),
                millis(start, headEnd),
                millis(queueStart, queueEnd),
                millis(connectStart, connectEnd),
                millis(connectEnd, responseHead),
                millis(start, end),
                status,
                bytesOut,
                "" + cause + state + cookie + setCookie,
                runtime.globalConnections.get(),
                frontendConnections,
                backendConnections,
                server == null ? 0 : server.activeConnections(),
                retries,
                redispatched,
                server == null ? 0 : runtime.slots(server).queued(),
                0,
                requestLine,
                droppedHeaders,
                new AccessLogEntry.Details(
                        idleTime,
                        bytesIn + (received == null ? 0 : HttpMessages.headSize(received)),
                        counter,
                        ClientAddresses.destination(this.client),
                        backendSource,
                        serverAddress,
                        tls,
                        requestCaptures(frontend, decision),
                        captures(frontend.responseCaptures(), sent),
                        requestCookie(frontend.cookieCapture()),
                        responseCookie,
                        decision == null ? null : decision.routedRequest().uniqueId()));
    }

    /**
     * What {@code %hr} shows: the frontend's {@code capture request header} values in the request as received, then
     * the values its {@code http-request capture} rules took ({@link SampleCaptures}).
     */
    private List<String> requestCaptures(FrontendConfig frontend, @Nullable RouteDecision decision) {
        List<String> headers = captures(frontend.requestCaptures(), received);
        List<String> samples = SampleCaptures.values(frontend, decision == null ? null : decision.routedRequest());
        if (samples.isEmpty()) {
            return headers;
        }
        List<String> all = new java.util.ArrayList<>(headers);
        all.addAll(samples);
        return all;
    }

    /** The request's cookie the frontend's {@code capture cookie} takes ({@code %CC}); null: none. */
    private @Nullable String requestCookie(@Nullable CookieCapture capture) {
        HttpRequest request = received;
        if (capture == null || request == null) {
            return null;
        }
        return capture.request(request.headers().getAll(io.netty.handler.codec.http.HttpHeaderNames.COOKIE));
    }

    /**
     * The values of {@code captures} in {@code message}: the client's request as received, the response as sent to
     * the client (an answer of the proxy's own has none: its captures are empty).
     */
    private static List<String> captures(
            List<HeaderCapture> captures, io.netty.handler.codec.http.@Nullable HttpMessage message) {
        if (captures.isEmpty()) {
            return List.of();
        }
        List<String> values = new java.util.ArrayList<>(captures.size());
        for (HeaderCapture capture : captures) {
            values.add(message == null ? "" : capture.of(message.headers().getAll(capture.name())));
        }
        return values;
    }

    private static long millis(long from, long to) {
        return from < 0 || to < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(to - from);
    }
}
