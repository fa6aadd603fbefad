package dev.fjord.lb.core;

/** How HTTP connections are kept open, as HAProxy's {@code option http-keep-alive|http-server-close|httpclose}. */
public enum ConnectionMode {
    /** Keep-alive on both sides, server connections pooled ({@code option http-keep-alive}). The default. */
    KEEP_ALIVE,
    /**
     * Keep-alive to clients; the server connection is closed after each response ({@code option http-server-close}).
     */
    HTTP_SERVER_CLOSE,
    /** Both connections closed after each response ({@code option httpclose}). */
    HTTP_CLOSE
}
