package dev.fjord.lb.vrrp;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;

import dev.fjord.lb.core.Backend;
import dev.fjord.lb.core.Scheduler;
import dev.fjord.lb.core.Server;

/**
 * Ties a VRRP instance to the local proxy, like keepalived's {@code track_script} on a check of HAProxy: while the
 * proxy's listener is down or its backend has no usable server, the instance is in FAULT (a master resigns, so the
 * peer takes the VIP); when both are fine again it returns to BACKUP and the election decides. Checked every
 * {@code interval} on the given scheduler. Thread-safe.
 *
 * <pre>{@code
 * BackendTracker.start(vrrp.instance("VI_51"), proxy.router().backend("app"),
 *     () -> !proxy.addresses("main").isEmpty(), scheduler, Duration.ofSeconds(1));
 * }</pre>
 */
public final class BackendTracker implements AutoCloseable {
    private final VrrpInstance instance;
    private final Backend backend;
    private final BooleanSupplier listenerUp;
    private final Scheduler scheduler;
    private final Duration interval;
    private volatile boolean closed;

    private BackendTracker(
            VrrpInstance instance,
            Backend backend,
            BooleanSupplier listenerUp,
            Scheduler scheduler,
            Duration interval) {
        this.instance = instance;
        this.backend = backend;
        this.listenerUp = listenerUp;
        this.scheduler = scheduler;
        this.interval = interval;
    }

    /** Starts tracking; the first check runs at once. */
    public static BackendTracker start(
            VrrpInstance instance,
            Backend backend,
            BooleanSupplier listenerUp,
            Scheduler scheduler,
            Duration interval) {
        BackendTracker tracker = new BackendTracker(
                Objects.requireNonNull(instance, "instance"),
                Objects.requireNonNull(backend, "backend"),
                Objects.requireNonNull(listenerUp, "listenerUp"),
                Objects.requireNonNull(scheduler, "scheduler"),
                Objects.requireNonNull(interval, "interval"));
        tracker.check();
        return tracker;
    }

    /** Whether the proxy can serve: its listener is up and the backend has a usable server. */
    public boolean healthy() {
        return listenerUp.getAsBoolean() && backend.servers().stream().anyMatch(Server::isBalanced);
    }

    private void check() {
        if (closed) {
            return;
        }
        instance.fault(source(), !healthy());
        scheduler.schedule(interval, this::check);
    }

    /**
     * Checks now, besides the periodic checks: call it from the proxy's server events (a server went down or into
     * maintenance) so the VIP moves without waiting for the next period.
     */
    public void recheck() {
        if (!closed) {
            instance.fault(source(), !healthy());
        }
    }

    private String source() {
        return "backend " + backend.name();
    }

    /** Stops tracking; a fault this tracker raised is cleared. */
    @Override
    public void close() {
        closed = true;
        instance.fault(source(), false);
    }
}
