package dev.fjord.lb.netty.reactor;

import org.jspecify.annotations.Nullable;

/**
 * A call that {@link FjordHttpClient} could not send to any server: where HAProxy would answer 503 itself. The
 * message names the backend, the server when there is one, the value and what was expected.
 */
public final class FjordClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the call was not sent. */
    public enum Reason {
        /** No server of the backend is usable: every one DOWN, in MAINT or of weight 0. */
        NO_SERVER,
        /** The chosen server's queue is full ({@code maxqueue}). */
        QUEUE_FULL,
        /** The call waited {@code timeout queue} for a slot of the chosen server ({@code maxconn}). */
        QUEUE_TIMEOUT,
        /** The call carried a sticky key, but the backend's {@code balance} hashes nothing such a key can stand for. */
        KEY_NOT_HASHABLE
    }

    private final Reason reason;
    private final String backend;
    private final @Nullable String server;

    FjordClientException(Reason reason, String backend, @Nullable String server, String message) {
        super(message, null, false, false);
        this.reason = reason;
        this.backend = backend;
        this.server = server;
    }

    /** Why the call was not sent. */
    public Reason reason() {
        return reason;
    }

    /** The backend's name. */
    public String backend() {
        return backend;
    }

    /** The server the call was waiting for; null when no server was chosen. */
    public @Nullable String server() {
        return server;
    }
}
