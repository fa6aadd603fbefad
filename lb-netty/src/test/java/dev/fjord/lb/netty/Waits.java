package dev.fjord.lb.netty;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting in tests for what another thread makes true: polled, bounded, failing with what was awaited. */
final class Waits {
    private Waits() {}

    /** Polls {@code condition} until it holds; fails naming {@code what} after 5 s. */
    static void until(BooleanSupplier condition, String what) {
        until(condition, what, Duration.ofSeconds(5));
    }

    /** Polls {@code condition} until it holds; fails naming {@code what} after {@code limit}. */
    static void until(BooleanSupplier condition, String what, Duration limit) {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + limit.toMillis() + " ms: " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
