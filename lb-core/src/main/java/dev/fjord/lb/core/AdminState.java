package dev.fjord.lb.core;

/**
 * A server's administrative state, set by an operator (stats page, runtime API), independent of health checks.
 */
public enum AdminState {
    /** Takes load-balanced and persistent traffic. */
    READY,
    /** Takes only persistent traffic (a cookie or stick entry naming it); new sessions go elsewhere. */
    DRAIN,
    /** Takes no traffic at all; persistent clients are redispatched. */
    MAINT
}
