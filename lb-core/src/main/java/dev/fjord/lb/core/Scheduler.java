package dev.fjord.lb.core;

import java.time.Duration;

/**
 * Runs tasks later: how lb-core's timers (health checks, slow start) get time without reading a clock or starting a
 * thread. lb-netty runs them on an event loop; tests pass a virtual-time scheduler.
 */
@FunctionalInterface
public interface Scheduler {

    /** A task scheduled to run; cancelling one that ran already does nothing. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }

    /** Runs {@code task} once after {@code delay}, on a thread of the scheduler's choosing. */
    Cancellable schedule(Duration delay, Runnable task);
}
