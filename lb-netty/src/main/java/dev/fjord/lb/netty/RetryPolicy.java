package dev.fjord.lb.netty;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.RetryOn;
import dev.fjord.lb.core.RouteDecision;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.Settings;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;

/**
 * When a request whose server failed is sent again ({@code retry-on}, {@code retries}, {@code option redispatch}),
 * and the copy of its body kept for that. Only idempotent requests read whole and sent, before any response reached
 * the client, and only while the body fits {@link HttpLimits#retryBufferBytes()}. Connection failures are retried by
 * {@link ServerConnector}, not here. Not thread-safe: one event loop.
 */
final class RetryPolicy {
    private final Settings backend;
    private final @Nullable Replay replay;
    private int retriesLeft;
    private int attempt;

    RetryPolicy(Settings backend, HttpMethod method, int replayLimit) {
        this.backend = backend;
        this.retriesLeft = backend.retries();
        this.replay = isIdempotent(method) && !RetryOn.DEFAULT.containsAll(backend.retryOn())
                ? new Replay(replayLimit)
                : null;
    }

    private static boolean isIdempotent(HttpMethod method) {
        return method.equals(HttpMethod.GET)
                || method.equals(HttpMethod.HEAD)
                || method.equals(HttpMethod.OPTIONS)
                || method.equals(HttpMethod.TRACE)
                || method.equals(HttpMethod.PUT)
                || method.equals(HttpMethod.DELETE);
    }

    /** Keeps a copy of a body part sent to the server, for a retry. */
    void remember(HttpContent part) {
        if (replay != null) {
            replay.remember(part);
        }
    }

    /** Whether {@code event} may be retried now, the request having been read whole and sent. */
    boolean allows(RetryOn event) {
        return replay != null
                && replay.isAvailable()
                && retriesLeft > 0
                && backend.retryOn().contains(event);
    }

    /**
     * Takes one retry: the decision for it, another server with {@code option redispatch} when there is one, else
     * {@code decision} again.
     */
    RouteDecision.Forward next(Router router, RouteDecision.Forward decision) {
        retriesLeft--;
        attempt++;
        if (!backend.redispatch()) {
            return decision;
        }
        return router.redispatch(decision) instanceof RouteDecision.Forward other ? other : decision;
    }

    /** Whether a retry is under way: the kept body goes before what is still to come. */
    boolean retrying() {
        return attempt > 0;
    }

    /** Writes the kept body to {@code channel}; returns whether it ended the request. */
    boolean replayTo(Channel channel) {
        return replay != null && replay.writeTo(channel);
    }

    void release() {
        if (replay != null) {
            replay.release();
        }
    }
}
