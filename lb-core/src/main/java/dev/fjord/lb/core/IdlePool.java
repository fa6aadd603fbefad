package dev.fjord.lb.core;

import java.time.Duration;
import java.util.Objects;

/**
 * The idle connections to a server kept for reuse by later requests, as HAProxy's {@code pool-max-conn} and
 * {@code pool-purge-delay} say: at most {@code maxConn} of them (-1, the default: no limit; 0: none), and every
 * {@code purgeDelay} (default 5 s) half of those beyond what the recent peak of concurrent requests needs are closed,
 * so a burst's connections do not stay open for ever. A purge delay of zero keeps none. Immutable.
 *
 * @param maxConn idle connections kept at most, for the server as a whole; -1 is no limit
 * @param purgeDelay how often the idle connections beyond the recent need are halved; zero keeps none
 */
public record IdlePool(int maxConn, Duration purgeDelay) {
    /** HAProxy's defaults: no limit, purged every 5 s. */
    public static final IdlePool DEFAULT = new IdlePool(-1, Duration.ofSeconds(5));

    public IdlePool {
        Objects.requireNonNull(purgeDelay, "purgeDelay");
    }

    /** This pool with at most {@code max} idle connections; -1 is no limit, 0 keeps none. */
    public IdlePool maxConn(int max) {
        return new IdlePool(max, purgeDelay);
    }

    /** This pool purged every {@code delay}; zero keeps no idle connection. */
    public IdlePool purgeDelay(Duration delay) {
        return new IdlePool(maxConn, delay);
    }

    /** Whether idle connections are kept at all. */
    public boolean keepsAny() {
        return maxConn != 0 && !purgeDelay.isZero();
    }

    /** {@code pool}, checked: {@code context} names the server in the error. */
    static IdlePool checked(String context, IdlePool pool) {
        Objects.requireNonNull(pool, "pool");
        Require.atLeast(context, "pool-max-conn", pool.maxConn, -1);
        Require.notNegative(context, "pool-purge-delay", pool.purgeDelay);
        return pool;
    }
}
