package dev.fjord.lb.netty;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.Backend;
import dev.fjord.lb.core.Counters;
import dev.fjord.lb.core.Server;
import dev.fjord.lb.core.StickCounters;

/**
 * The one place an exchange counts its traffic: requests, responses and bytes, for the frontend, the backend and the
 * server it went to, and the access-log record, together; and the response's status in the connection's sticky
 * counters (4xx: {@code http_err}, 5xx: {@code http_fail}). Not thread-safe: one event loop.
 */
final class ExchangeTraffic {
    private final Counters frontend;
    private final ExchangeRecord record;
    private final StickCounters stick;
    private @Nullable Backend backend;
    private @Nullable Server server;

    ExchangeTraffic(Counters frontend, StickCounters stick, ExchangeRecord record) {
        this.frontend = frontend;
        this.stick = stick;
        this.record = record;
        frontend.request(); // the frontend's session is the client connection: HttpProxyHandler counts it
    }

    /** From now on bytes also count for {@code server} of {@code backend} (a retry may change them). */
    void server(Backend backend, Server server) {
        this.backend = backend;
        this.server = server;
    }

    /** Request body bytes from the client. */
    void requestBytes(long bytes) {
        if (bytes > 0) {
            record.bytesIn(bytes);
            frontend.bytes(bytes, 0);
            Server at = server;
            Backend of = backend;
            if (at != null && of != null) {
                at.counters().bytes(bytes, 0);
                of.counters().bytes(bytes, 0);
            }
        }
    }

    /** The server's response head, relayed to the client. */
    void responseHead(int status, long headBytes) {
        record.response(status, headBytes);
        stick.response(status);
        Server at = server;
        Backend of = backend;
        if (at != null && of != null) {
            at.counters().response(status);
            of.counters().response(status);
        }
    }

    /** The cookie the server's response set that the frontend's {@code capture cookie} took; null: none. */
    void responseCookie(@Nullable String cookie) {
        record.responseCookie(cookie);
    }

    /** The response head as sent to the client, after the response rules. */
    void sent(io.netty.handler.codec.http.HttpResponse head) {
        record.sent(head);
    }

    /** Response body bytes relayed to the client. */
    void responseBytes(long bytes) {
        record.bodyBytes(bytes);
        Server at = server;
        Backend of = backend;
        if (at != null && of != null) {
            at.counters().bytes(0, bytes);
            of.counters().bytes(0, bytes);
        }
    }

    /** A response the proxy made itself. */
    void localResponse(int status, long bytes) {
        record.localResponse(status, bytes);
    }

    /** The proxy answers {@code status} because the server failed (or none could be had). */
    void serverFailed(int status) {
        stick.response(status);
    }

    /** A request the frontend refused ({@code http-request deny}). */
    void denied() {
        frontend.denied();
    }

    /** A server's response an {@code http-response deny} refused, for the frontend, backend and server. */
    void deniedResponse() {
        frontend.deniedResponse();
        Server at = server;
        Backend of = backend;
        if (at != null && of != null) {
            at.counters().deniedResponse();
            of.counters().deniedResponse();
        }
    }

    /** The exchange is over: the frontend's response and bytes out. */
    void ended() {
        if (record.status() > 0) {
            frontend.response(record.status());
        }
        frontend.bytes(0, record.bytesOut());
    }
}
