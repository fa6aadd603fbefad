package dev.fjord.lb.netty;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * An inactivity timeout ({@code timeout client}, {@code timeout server}): armed once, it fires {@code onExpiry}
 * when nothing was {@linkplain #touch() touched} for the whole timeout while {@code watching} holds; activity
 * only moves the deadline, so a busy connection costs no rescheduling per read. Not thread-safe: one event loop.
 */
final class InactivityTimer {
    private final EventExecutor executor;
    private final @Nullable Duration timeout;
    private final BooleanSupplier watching;
    private final Runnable onExpiry;
    private @Nullable ScheduledFuture<?> scheduled;
    private long lastActivity;

    /** A timer that never fires when {@code timeout} is null. */
    InactivityTimer(EventExecutor executor, @Nullable Duration timeout, BooleanSupplier watching, Runnable onExpiry) {
        this.executor = executor;
        this.timeout = timeout;
        this.watching = watching;
        this.onExpiry = onExpiry;
    }

    /** Notes activity now. */
    void touch() {
        lastActivity = System.nanoTime();
    }

    /** Starts counting from now, unless already counting. */
    void arm() {
        if (timeout == null || scheduled != null) {
            return;
        }
        touch();
        schedule(timeout.toNanos());
    }

    void cancel() {
        if (scheduled != null) {
            scheduled.cancel(false);
            scheduled = null;
        }
    }

    private void schedule(long delayNanos) {
        Duration timeout = java.util.Objects.requireNonNull(this.timeout, "timeout"); // armed only with one
        scheduled = executor.schedule(
                () -> {
                    scheduled = null;
                    if (!watching.getAsBoolean()) {
                        return;
                    }
                    long idle = System.nanoTime() - lastActivity;
                    long full = timeout.toNanos();
                    if (idle < full) {
                        schedule(full - idle); // activity since: wait for the rest
                    } else {
                        onExpiry.run();
                    }
                },
                delayNanos,
                TimeUnit.NANOSECONDS);
    }
}
