package dev.fjord.lb.core;

/**
 * Whether a backend's idle keep-alive server connections serve other clients' requests ({@code http-reuse}), with
 * {@code option http-keep-alive}.
 */
public enum HttpReuse {
    /**
     * A server connection serves one client connection only: kept for that client's next request to the same server,
     * closed with it ({@code http-reuse never}, as for servers that tie state to the connection, e.g. NTLM).
     */
    NEVER,
    /**
     * Idle connections serve any client's request (HAProxy's default, {@code http-reuse safe}): a request without a
     * body whose reused connection the server closed meanwhile is sent again on a new one, so Fjord reuses for a
     * client's first request too, which HAProxy's {@code safe} avoids so that the browser may retry it.
     */
    SAFE,
    /** As {@link #SAFE} in Fjord ({@code http-reuse aggressive}). */
    AGGRESSIVE,
    /** As {@link #SAFE} in Fjord ({@code http-reuse always}). */
    ALWAYS;

    /** Whether idle connections are shared between client connections. */
    public boolean shared() {
        return this != NEVER;
    }
}
