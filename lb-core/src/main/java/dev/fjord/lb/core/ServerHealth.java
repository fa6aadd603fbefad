package dev.fjord.lb.core;

import org.jspecify.annotations.Nullable;

/**
 * What {@link HealthChecks} keeps about one checked or observed server: its health counter, its passive check, its
 * last result and what is scheduled for it. Guarded by itself: {@link HealthChecks} holds its lock to read or change
 * any field.
 */
final class ServerHealth {
    final LiveServer server;
    final HealthCounter counter;
    /** The backend's {@code option httpchk}; null for a TCP check. */
    final @Nullable HttpCheck httpCheck;
    /** The server's {@code observe}; null when it has none. */
    final @Nullable ObservedErrors observed;
    /**
     * What connection failures count against: {@link #observed}, or for a checked server without {@code observe}
     * {@link PassiveCheck#CONNECT_FAILURES}; null when neither.
     */
    final @Nullable ObservedErrors connectFailures;

    Scheduler.@Nullable Cancellable next;

    @Nullable
    CheckResult last;

    @Nullable
    SlowStart slowStart;

    boolean enabled;

    ServerHealth(LiveServer server, InitState init) {
        this.server = server;
        ServerConfig config = server.config();
        this.counter = new HealthCounter(config.rise(), config.fall(), config.check() ? init : InitState.FULLY_UP);
        this.httpCheck = server.backend().config().settings().httpCheck();
        this.observed = config.observe() == null ? null : new ObservedErrors(config.observe());
        this.connectFailures =
                observed != null ? observed : config.check() ? new ObservedErrors(PassiveCheck.CONNECT_FAILURES) : null;
        this.enabled = config.check();
    }

    void cancelNextCheck() {
        if (next != null) {
            next.cancel();
            next = null;
        }
    }

    void stopSlowStart() {
        if (slowStart != null) {
            slowStart.stop();
            slowStart = null;
        }
    }

    /** Stops what is scheduled for the server: its next check and its slow start. */
    void cancel() {
        cancelNextCheck();
        stopSlowStart();
    }
}
