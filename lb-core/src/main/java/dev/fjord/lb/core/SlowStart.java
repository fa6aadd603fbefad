package dev.fjord.lb.core;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * HAProxy's {@code slowstart}: the weight of a server back from DOWN ramps up linearly from nothing to all of it over
 * the configured time, raised in twentieths of it (at least 100 ms apart), so a recovered server is not flooded at
 * once. One ramp per recovery; {@link HealthChecks} stops it when the server goes DOWN again or the checks close.
 *
 * <p>Thread-safe: steps run on the scheduler's thread, {@link #stop()} from any.
 */
final class SlowStart {
    private static final Duration SHORTEST_STEP = Duration.ofMillis(100);

    private final LiveServer server;
    private final Scheduler scheduler;
    private final Ticker ticker;
    private final long durationNanos;
    private final Duration step;
    private final long start;
    private Scheduler.@Nullable Cancellable next;
    private boolean stopped;

    private SlowStart(LiveServer server, Scheduler scheduler, Ticker ticker) {
        this.server = server;
        this.scheduler = scheduler;
        this.ticker = ticker;
        Duration duration = server.config().slowStart();
        this.durationNanos = duration.toNanos();
        Duration twentieth = duration.dividedBy(20);
        this.step = twentieth.compareTo(SHORTEST_STEP) < 0 ? SHORTEST_STEP : twentieth;
        this.start = ticker.read();
    }

    /** Throttles {@code server} to nothing and starts raising it; {@code server} has a non-zero slowstart. */
    static SlowStart begin(LiveServer server, Scheduler scheduler, Ticker ticker) {
        SlowStart ramp = new SlowStart(server, scheduler, ticker);
        server.throttle(0);
        synchronized (ramp) {
            ramp.next = scheduler.schedule(ramp.step, ramp::raise);
        }
        return ramp;
    }

    private synchronized void raise() {
        next = null;
        if (stopped || server.operationalState() == OperationalState.DOWN) {
            return;
        }
        int percent = (int) Math.min(100, (ticker.read() - start) * 100 / durationNanos);
        server.throttle(percent);
        if (percent < 100) {
            next = scheduler.schedule(step, this::raise);
        }
    }

    /** Stops raising the throttle, where it is. */
    synchronized void stop() {
        stopped = true;
        if (next != null) {
            next.cancel();
            next = null;
        }
    }
}
