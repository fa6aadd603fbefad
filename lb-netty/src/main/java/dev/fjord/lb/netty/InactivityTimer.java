package dev.fjord.lb.netty;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;

import io.netty.util.concurrent.EventExecutor;

/**
 * An inactivity timeout ({@code timeout client}, {@code timeout server}): armed, it fires {@code onExpiry} when
 * nothing was {@linkplain #touch() touched} for the whole timeout and {@code watching} holds then (when it does not,
 * the timer stops until armed again). The timer holds no task: armed, it waits in the {@link DeadlineQueues.Queue}
 * of its event loop and timeout, and activity moves it to that queue's end in constant time, so a request costs no
 * scheduled task and a busy connection no rescheduling per read. Time is the executor's
 * {@linkplain EventExecutor#ticker() ticker}. Not thread-safe: one event loop.
 */
final class InactivityTimer extends DeadlineQueues.Entry {
    /** The queue of this timer's timeout on its loop, null without a timeout. */
    private final DeadlineQueues.@Nullable Queue waitIn;

    private final BooleanSupplier watching;
    private final Runnable onExpiry;

    /** A timer on {@code executor}, in a queue of {@code queues}; it never fires when {@code timeout} is null. */
    InactivityTimer(
            DeadlineQueues queues,
            EventExecutor executor,
            @Nullable Duration timeout,
            BooleanSupplier watching,
            Runnable onExpiry) {
        this.waitIn = timeout == null ? null : queues.queue(executor, timeout);
        this.watching = watching;
        this.onExpiry = onExpiry;
    }

    /** Notes activity now: an armed timer starts its wait over. */
    void touch() {
        DeadlineQueues.Queue in = queue;
        if (in != null) {
            in.renew(this);
        }
    }

    /** Starts counting from now, unless already counting. */
    void arm() {
        if (waitIn != null && queue == null) {
            waitIn.add(this);
        }
    }

    void cancel() {
        DeadlineQueues.Queue in = queue;
        if (in != null) {
            in.remove(this);
        }
    }

    @Override
    void expired() {
        if (watching.getAsBoolean()) {
            onExpiry.run();
        }
    }
}
