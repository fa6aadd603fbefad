package dev.fjord.lb.core;

import java.time.Duration;

/**
 * Persistence on the client's source address, as HAProxy's {@code stick-table type ip size N expire T} with
 * {@code stick on src}: a client keeps its server while its entry lives; an entry expires {@code expire} after its
 * last use, and the least recently used entries go first when the table is full.
 *
 * @param size the most entries kept, at least 1
 * @param expire how long an unused entry lives, more than 0
 */
public record StickTable(int size, Duration expire) {

    public StickTable {
        Require.atLeast("stick-table", "size", size, 1);
        Require.positive("stick-table", "expire", expire);
    }

    /** {@code stick-table type ip size SIZE expire EXPIRE} with {@code stick on src}. */
    public static StickTable onSource(int size, Duration expire) {
        return new StickTable(size, expire);
    }
}
