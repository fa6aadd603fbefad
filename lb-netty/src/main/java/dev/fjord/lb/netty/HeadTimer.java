package dev.fjord.lb.netty;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.Timeouts;

import io.netty.util.concurrent.EventExecutor;

/**
 * The wait for a client connection's next request head: {@code timeout http-request} for its first, {@code timeout
 * http-keep-alive} for each next one, with HAProxy's fallbacks ({@link Timeouts#effectiveHttpKeepAlive()}); what
 * expiry means (a 408, a silent close) is the {@link Expiry}'s. The timer holds no task: armed, it waits in the
 * {@link DeadlineQueues.Queue} of its event loop and duration, whose one task expires it; arming after each response
 * and disarming at each head move it within or out of that queue in constant time. Time is the executor's
 * {@linkplain EventExecutor#ticker() ticker}. Not thread-safe: the connection's event loop.
 */
final class HeadTimer extends DeadlineQueues.Entry {
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

    /** The queue of the first head's wait, null without a timeout. */
    private final DeadlineQueues.@Nullable Queue firstHead;
    /** The queue of the waits after a response, null without a timeout. */
    private final DeadlineQueues.@Nullable Queue nextHead;

    private final Expiry expiry;
    private boolean keptAlive;

    /**
     * A timer of a connection on {@code executor} whose head waits follow {@code timeouts}; its queues come from
     * {@code waits}.
     */
    HeadTimer(DeadlineQueues waits, EventExecutor executor, Timeouts timeouts, Expiry expiry) {
        Duration request = timeouts.effectiveHttpRequest(); // falls back to timeout client
        Duration keepAlive = timeouts.effectiveHttpKeepAlive();
        this.firstHead = request == null ? null : waits.queue(executor, request);
        this.nextHead = keepAlive == null ? null : waits.queue(executor, keepAlive);
        this.expiry = expiry;
    }

    /**
     * Starts the wait for the next head from now: after the connection's start, or after a response on a kept-alive
     * connection ({@code keptAlive}). Nothing when no timeout applies.
     */
    void arm(boolean keptAlive) {
        disarm();
        DeadlineQueues.Queue waitIn = keptAlive ? nextHead : firstHead;
        if (waitIn != null) {
            this.keptAlive = keptAlive;
            waitIn.add(this);
        }
    }

    /** A head arrived: the wait is over. */
    void disarm() {
        DeadlineQueues.Queue in = queue;
        if (in != null) {
            in.remove(this);
        }
    }

    /** The connection is closing: no wait any more. */
    void cancel() {
        disarm();
    }

    @Override
    void expired() {
        expiry.headTimedOut(keptAlive, firstHead != null);
    }
}
