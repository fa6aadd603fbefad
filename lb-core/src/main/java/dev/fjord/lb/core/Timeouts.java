package dev.fjord.lb.core;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * HAProxy's {@code timeout} values of a section. Null means "not set": then the fallback HAProxy documents applies
 * ({@link #effectiveHttpRequest()}, ...) and where there is none, no timeout.
 *
 * @param httpRequest time to receive a complete request head ({@code timeout http-request}); answers 408
 * @param queue time a request may wait in a queue for a connection slot ({@code timeout queue}); answers 503
 * @param connect time to establish a connection to a server ({@code timeout connect})
 * @param client inactivity on the client side ({@code timeout client})
 * @param server inactivity on the server side ({@code timeout server}); answers 504
 * @param httpKeepAlive idle time between two requests on a client connection ({@code timeout http-keep-alive})
 * @param check time for a health check to complete once connected ({@code timeout check})
 * @param tunnel inactivity of a tunnel (WebSocket, CONNECT) both ways ({@code timeout tunnel})
 * @param clientFin inactivity of a half-closed client connection ({@code timeout client-fin})
 * @param serverFin inactivity of a half-closed server connection ({@code timeout server-fin})
 * @param tarpit how long {@code http-request tarpit} holds a request before its answer ({@code timeout tarpit};
 *     unset, {@code timeout connect}: {@link TarpitRule})
 */
public record Timeouts(
        @Nullable Duration httpRequest,
        @Nullable Duration queue,
        @Nullable Duration connect,
        @Nullable Duration client,
        @Nullable Duration server,
        @Nullable Duration httpKeepAlive,
        @Nullable Duration check,
        @Nullable Duration tunnel,
        @Nullable Duration clientFin,
        @Nullable Duration serverFin,
        @Nullable Duration tarpit) {

    /** No timeout set. */
    public static final Timeouts NONE = new Timeouts(null, null, null, null, null, null, null, null, null, null, null);

    /** {@code http-request}, else {@code client} (HAProxy's fallback); null when neither is set. */
    public @Nullable Duration effectiveHttpRequest() {
        return httpRequest != null ? httpRequest : client;
    }

    /** {@code http-keep-alive}, else {@code http-request}, else {@code client}; null when none is set. */
    public @Nullable Duration effectiveHttpKeepAlive() {
        return httpKeepAlive != null ? httpKeepAlive : effectiveHttpRequest();
    }

    /** {@code queue}, else {@code connect} (HAProxy's fallback); null when neither is set. */
    public @Nullable Duration effectiveQueue() {
        return queue != null ? queue : connect;
    }

    /** {@code tunnel}, else the longer of {@code client} and {@code server}; null when none is set. */
    public @Nullable Duration effectiveTunnel() {
        if (tunnel != null) {
            return tunnel;
        }
        if (client == null || server == null) {
            return client != null ? client : server;
        }
        return client.compareTo(server) >= 0 ? client : server;
    }

    /** The timeouts of a section being built: set one by one, then {@link #build()}; not thread-safe. */
    static final class Draft {
        @Nullable
        Duration httpRequest;

        @Nullable
        Duration queue;

        @Nullable
        Duration connect;

        @Nullable
        Duration client;

        @Nullable
        Duration server;

        @Nullable
        Duration httpKeepAlive;

        @Nullable
        Duration check;

        @Nullable
        Duration tunnel;

        @Nullable
        Duration clientFin;

        @Nullable
        Duration serverFin;

        @Nullable
        Duration tarpit;

        Draft(Timeouts from) {
            httpRequest = from.httpRequest();
            queue = from.queue();
            connect = from.connect();
            client = from.client();
            server = from.server();
            httpKeepAlive = from.httpKeepAlive();
            check = from.check();
            tunnel = from.tunnel();
            clientFin = from.clientFin();
            serverFin = from.serverFin();
            tarpit = from.tarpit();
        }

        Timeouts build() {
            return new Timeouts(
                    httpRequest,
                    queue,
                    connect,
                    client,
                    server,
                    httpKeepAlive,
                    check,
                    tunnel,
                    clientFin,
                    serverFin,
                    tarpit);
        }
    }
}
