package dev.fjord.lb.netty;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.Timeouts;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * The wait for a client connection's next request head: {@code timeout http-request} for its first, {@code timeout
 * http-keep-alive} for each next one, with HAProxy's fallbacks ({@link Timeouts#effectiveHttpKeepAlive()}); what
 * expiry means (a 408, a silent close) is the {@link Expiry}'s. One task stays scheduled per connection and its
 * deadline moves: a kept-alive connection arms the timer after each response and disarms it at each head without
 * scheduling or cancelling anything (a schedule and a cancel per request cost a task and two heap operations); a task
 * that runs before the deadline waits again for the rest. Time is the executor's {@linkplain EventExecutor#ticker()
 * ticker}. Not thread-safe: the connection's event loop.
 */
final class HeadTimer implements Runnable {
    /** What a head that did not come in time does. */
    interface Expiry {
        /**
         * The deadline passed without a head.
         *
         * @param keptAlive whether the wait followed a response (a kept-alive connection) rather than the connection's
         *     start
         * @param requestTimeoutSet whether {@code timeout http-request} (or its fallback) was set
         */
        void headTimedOut(boolean keptAlive, boolean requestTimeoutSet);
    }

    private final EventExecutor executor;
    private final Timeouts timeouts;
    private final Expiry expiry;
    private @Nullable ScheduledFuture<?> scheduled;
    /** When the scheduled task runs (the executor's ticker); meaningful while {@link #scheduled} is set. */
    private long firesAt;

    private long deadline;
    private boolean armed;
    private boolean keptAlive;
    private boolean requestTimeoutSet;

    HeadTimer(EventExecutor executor, Timeouts timeouts, Expiry expiry) {
        this.executor = executor;
        this.timeouts = timeouts;
        this.expiry = expiry;
    }

    /**
     * Starts the wait for the next head from now: after the connection's start, or after a response on a kept-alive
     * connection ({@code keptAlive}). Nothing when no timeout applies.
     */
    void arm(boolean keptAlive) {
        Duration request = timeouts.effectiveHttpRequest(); // falls back to timeout client
        Duration wait = keptAlive ? timeouts.effectiveHttpKeepAlive() : request;
        if (wait == null) {
            armed = false;
            return;
        }
        long now = executor.ticker().nanoTime();
        this.keptAlive = keptAlive;
        this.requestTimeoutSet = request != null;
        this.deadline = now + wait.toNanos();
        this.armed = true;
        ScheduledFuture<?> task = scheduled;
        if (task != null && firesAt - deadline <= 0) {
            return; // the task running before the deadline waits for the rest
        }
        if (task != null) {
            task.cancel(false); // a shorter wait than the one scheduled
        }
        schedule(deadline - now, now);
    }

    /** A head arrived: the wait is over (the task, if it runs before the next {@link #arm}, does nothing). */
    void disarm() {
        armed = false;
    }

    /** The connection is closing: the task goes too. */
    void cancel() {
        armed = false;
        ScheduledFuture<?> task = scheduled;
        if (task != null) {
            scheduled = null;
            task.cancel(false);
        }
    }

    @Override
    public void run() {
        scheduled = null;
        if (!armed) {
            return;
        }
        long now = executor.ticker().nanoTime();
        if (now - deadline < 0) {
            schedule(deadline - now, now); // armed again since it was scheduled: the rest of the new wait
            return;
        }
        armed = false;
        expiry.headTimedOut(keptAlive, requestTimeoutSet);
    }

    private void schedule(long delayNanos, long now) {
        firesAt = now + delayNanos;
        scheduled = executor.schedule(this, delayNanos, TimeUnit.NANOSECONDS);
    }
}
