package dev.fjord.lb.core;

/** A server's health as health checks (or the operator) last saw it. */
public enum OperationalState {
    /** Healthy: may take traffic, subject to its {@link AdminState}. */
    UP,
    /** Failed its checks: takes no traffic; persistent clients are redispatched. */
    DOWN
}
