package dev.fjord.lb.core;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Something that happened to a server or backend, for {@link ServerEventListener}s: the Java counterpart of
 * HAProxy's state-change log lines, which {@link #message()} writes in HAProxy's words.
 */
public sealed interface ServerEvent {

    /** The line HAProxy would log for it. */
    String message();

    /**
     * A server went UP, DOWN or NOLB.
     *
     * @param server the server
     * @param from the state before
     * @param to the state now
     * @param check the check that decided it; null for an operator's or a passive check's decision
     * @param activeLeft usable active servers of the backend now
     * @param backupLeft usable backup servers of the backend now
     */
    record StateChanged(
            Server server,
            OperationalState from,
            OperationalState to,
            @Nullable CheckResult check,
            String reason,
            int activeLeft,
            int backupLeft)
            implements ServerEvent {
        public StateChanged {
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String message() {
            String name = server.backend().name() + '/' + server.name();
            String why = check != null ? check.describe() : "reason: " + reason;
            String left = to == OperationalState.UP
                    ? activeLeft + " active and " + backupLeft + " backup servers online."
                    : activeLeft + " active and " + backupLeft + " backup servers left.";
            return "Server " + name + " is " + to + ", " + why + ". " + left;
        }
    }

    /**
     * An operator changed a server's administrative state (READY, DRAIN, MAINT), or removed it.
     *
     * @param activeLeft usable active servers of the backend now
     * @param backupLeft usable backup servers of the backend now
     */
    record AdminChanged(Server server, AdminState from, AdminState to, int activeLeft, int backupLeft)
            implements ServerEvent {
        @Override
        public String message() {
            String name = "Server " + server.backend().name() + '/' + server.name();
            String left = activeLeft + " active and " + backupLeft + " backup servers left.";
            return switch (to) {
                case MAINT -> name + " is going DOWN for maintenance. " + left;
                case DRAIN -> name + " enters drain state. " + left;
                case READY ->
                    name + " is " + server.operationalState() + " (leaving forced "
                            + (from == AdminState.MAINT ? "maintenance" : "drain") + ").";
            };
        }
    }

    /** A server was added to a backend at run time ({@link Backend#addServer}). */
    record Added(Server server) implements ServerEvent {
        @Override
        public String message() {
            return "Server " + server.backend().name() + '/' + server.name() + " added at "
                    + server.config().address() + ".";
        }
    }

    /**
     * A server moved to another address at run time ({@link Backend#moveServer}), keeping its state: HAProxy's
     * {@code set server B/S addr}, or DNS answering with a new address for a named server.
     *
     * @param by what moved it, in HAProxy's words: {@code "stats socket command"}, {@code "DNS cache"}, ...
     */
    record Moved(Server server, Address from, Address to, String by) implements ServerEvent {
        @Override
        public String message() {
            return server.backend().name() + '/' + server.name() + " changed its IP from " + from + " to " + to + " by "
                    + by + ".";
        }
    }

    /** A server was removed from its backend at run time ({@link Backend#removeServer}). */
    record Removed(Server server) implements ServerEvent {
        @Override
        public String message() {
            return "Server " + server.backend().name() + '/' + server.name() + " removed.";
        }
    }

    /** The last usable server of a backend went away. */
    record NoServerAvailable(Backend backend) implements ServerEvent {
        @Override
        public String message() {
            return "backend " + backend.name() + " has no server available!";
        }
    }

    /**
     * A health check completed (whether or not it changed the state).
     *
     * @param server the server checked
     * @param result what the check found
     * @param healthChanged whether the check moved the server's health counter, which is when HAProxy's {@code
     *     option log-health-checks} logs it
     * @param health HAProxy's {@code status} of the counter after the check, e.g. {@code 2/3 UP} or {@code 0/2 DOWN};
     *     empty when unknown
     */
    record CheckCompleted(Server server, CheckResult result, boolean healthChanged, String health)
            implements ServerEvent {
        public CheckCompleted {
            Objects.requireNonNull(health, "health");
        }

        /** A check whose effect on the health counter is not known. */
        public CheckCompleted(Server server, CheckResult result) {
            this(server, result, true, "");
        }

        /**
         * HAProxy's line: {@code Health check for [backup ]server B/S succeeded|failed, reason: ..., check duration:
         * Nms, status: 1/2 UP.}
         */
        @Override
        public String message() {
            return "Health check for " + (server.config().backup() ? "backup " : "") + "server "
                    + server.backend().name() + '/' + server.name() + ' '
                    + (result.status() == CheckStatus.L7OKC
                            ? "conditionally succeeded"
                            : result.status().passed() ? "succeeded" : "failed")
                    + ", " + result.describe() + (health.isEmpty() ? "" : ", status: " + health + ".");
        }
    }
}
