package dev.fjord.lb.core;

/**
 * How hash-based balancing ({@code source}, {@code uri}, {@code url_param}, {@code hdr}) maps a hash to a server,
 * as HAProxy's {@code hash-type}. The default is {@link #MAP_BASED}, as in HAProxy.
 */
public enum HashType {
    /**
     * Hash modulo the total weight of usable servers: spreads evenly, but a change in the set of usable servers
     * remaps most keys.
     */
    MAP_BASED,
    /** A hash ring with points per server in proportion to its weight: a change remaps only about 1/N of keys. */
    CONSISTENT
}
