package dev.fjord.lb.netty.reactor;

import java.io.IOException;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.RetryOn;
import dev.fjord.lb.core.Server;

import reactor.util.context.ContextView;

/**
 * One call of a {@link FjordHttpClient} across its attempts: its affinity (sticky key or cookie, from the Reactor
 * {@code Context}), the attempt in progress, and HAProxy's retry rules: {@code retries} more attempts at most, on the
 * events of {@code retry-on}; connection failures for every method, the others only for idempotent methods (the
 * server may have acted on the request); with {@code option redispatch} each retry goes to another server, without it
 * to the same one. Lives in the Reactor {@code Context} of the call, under its client's {@link ClientRuntime}.
 * Thread-safe.
 */
final class Call {
    /** RFC 9110 section 9.2.2. */
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

    private final ClientRuntime runtime;
    private final @Nullable String key;
    private final @Nullable String cookie;
    private int attempts;
    private @Nullable Attempt current;
    private @Nullable Server avoid;
    private @Nullable Server same;
    private volatile @Nullable String method;
    private volatile int status = -1;

    Call(ClientRuntime runtime, ContextView context) {
        this.runtime = runtime;
        this.key = context.getOrDefault(FjordHttpClient.STICKY_KEY, null);
        this.cookie = context.getOrDefault(FjordHttpClient.STICKY_COOKIE, null);
    }

    /** The call of {@code context}, or null outside a call of this client. */
    static @Nullable Call in(ClientRuntime runtime, ContextView context) {
        return context.getOrDefault(runtime, null);
    }

    /**
     * Chooses the server of the next attempt and starts it.
     *
     * @throws FjordClientException when no server is usable or the key cannot be hashed
     */
    synchronized Attempt start() {
        Server server = runtime.choose(key, cookie, avoid, same);
        attempts++;
        status = -1;
        Attempt attempt = new Attempt(runtime, server);
        current = attempt;
        return attempt;
    }

    /** The status of the last response head, or -1. */
    int status() {
        return status;
    }

    synchronized @Nullable Attempt current() {
        return current;
    }

    /** The request line is ready ({@code doOnRequest}): its method decides what may be retried. */
    void requestPrepared(String method) {
        this.method = method;
    }

    /** The response head arrived ({@code doOnResponse}). */
    void responded(int status) {
        this.status = status;
        Attempt attempt = current();
        if (attempt != null) {
            attempt.responded(status);
        }
    }

    /** After the response head: whether its status is one to retry on, and a retry is left; then it is prepared. */
    synchronized boolean retryOnStatus() {
        RetryOn event = RetryOn.ofStatus(status);
        if (event == null || !runtime.settings.retryOn().contains(event) || !idempotent() || !retriesLeft()) {
            return false;
        }
        prepareRetry();
        return true;
    }

    /**
     * After a failure before the response head (connection, sending, waiting): counted on the server, and whether
     * to try again; then the retry is prepared.
     */
    synchronized boolean retryOnError(Throwable error) {
        Attempt last = current;
        if (last == null) {
            return false;
        }
        last.failed(error);
        if (error instanceof RetryableStatus) {
            return true; // decided and prepared by retryOnStatus
        }
        if (error instanceof FjordClientException || !retriesLeft()) {
            return false;
        }
        RetryOn event = !last.connected()
                ? RetryOn.CONN_FAILURE
                : Attempt.isTimeout(error)
                        ? RetryOn.RESPONSE_TIMEOUT
                        : error instanceof IOException ? RetryOn.EMPTY_RESPONSE : RetryOn.JUNK_RESPONSE;
        if (!runtime.settings.retryOn().contains(event) || (event != RetryOn.CONN_FAILURE && !idempotent())) {
            return false;
        }
        prepareRetry();
        return true;
    }

    private boolean retriesLeft() {
        return attempts <= runtime.settings.retries();
    }

    /** Method unknown: the request was not prepared, so not sent. */
    private boolean idempotent() {
        String m = method;
        return runtime.retryNonIdempotent || m == null || IDEMPOTENT.contains(m);
    }

    private void prepareRetry() {
        Server failed = java.util.Objects.requireNonNull(current).server();
        boolean redispatch = runtime.settings.redispatch();
        failed.counters().retried(redispatch);
        runtime.backend.counters().retried(redispatch);
        avoid = redispatch ? failed : null;
        same = redispatch ? null : failed;
    }

    /** A response given up for a retry ({@code retry-on} a status): never seen by callers. */
    static final class RetryableStatus extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RetryableStatus(Server server, int status) {
            super(
                    "backend '" + server.backend().name() + "': server '" + server.name() + "' answered " + status
                            + ", retried",
                    null,
                    false,
                    false);
        }
    }

    @Override
    public synchronized String toString() {
        return "Call[" + runtime.backend.name() + ", attempts " + attempts + ", " + current + ']';
    }
}
