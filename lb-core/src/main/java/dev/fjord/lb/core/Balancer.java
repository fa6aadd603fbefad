package dev.fjord.lb.core;

import org.jspecify.annotations.Nullable;

/**
 * Picks a server for a request that no persistence pinned, among the servers of one balancing snapshot (the usable
 * active servers, or the backups). Made by {@link Balancers#create}; thread-safe and lock-free.
 */
@FunctionalInterface
interface Balancer {
    /** A balancer with no server: every pick is null. */
    Balancer NONE = (request, avoid) -> null;

    /**
     * A server for {@code request}, other than {@code avoid} when another exists (a redispatch); null when there is
     * no server, or {@code avoid} is the only one.
     */
    @Nullable Server pick(RequestHead request, @Nullable Server avoid);
}
