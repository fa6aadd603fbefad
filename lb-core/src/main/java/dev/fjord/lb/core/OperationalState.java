package dev.fjord.lb.core;

/** A server's health as health checks (or the operator) last saw it. */
public enum OperationalState {
    /** Healthy: may take traffic, subject to its {@link AdminState}. */
    UP,
    /** Failed its checks: takes no traffic; persistent clients are redispatched. */
    DOWN,
    /**
     * Healthy but asking for no new load-balanced traffic, like a drain set by the server itself (HAProxy's NOLB,
     * from {@code http-check disable-on-404}): persistent clients still reach it.
     */
    NOLB
}
