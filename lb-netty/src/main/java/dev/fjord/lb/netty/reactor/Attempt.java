package dev.fjord.lb.netty.reactor;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.Counters;
import dev.fjord.lb.core.Server;
import dev.fjord.lb.core.ServerSlots;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.timeout.ReadTimeoutException;

import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.ConnectionObserver;

/**
 * One try of a call on one server: it holds a slot of the server ({@code maxconn}) from the moment the slot is
 * granted until the exchange ends (the connection goes back to the pool or closes), counts the server in
 * {@code leastconn} from the moment it is chosen, and feeds the server's counters and passive checks. Observes its
 * pooled connection as a {@link ConnectionObserver} for as long as it owns it. Thread-safe: each effect happens once.
 */
final class Attempt implements ConnectionObserver {
    private final ClientRuntime runtime;
    private final Server server;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicBoolean failureCounted = new AtomicBoolean();
    private final AtomicBoolean slotReleased = new AtomicBoolean();
    private final ChannelFutureListener onClose = future -> end();
    private volatile boolean slotHeld;
    private volatile boolean sessionCounted;
    private volatile boolean connected;
    private volatile boolean responded;
    private volatile @Nullable Channel channel;

    Attempt(ClientRuntime runtime, Server server) {
        this.runtime = runtime;
        this.server = server;
        server.connectionOpened(); // leastconn and random draws see the call at once, queued or not
        long now = runtime.ticker.read();
        server.counters().balanced(now);
    }

    Server server() {
        return server;
    }

    boolean connected() {
        return connected;
    }

    /** Completes once a slot of the server is this attempt's; fails when the queue is full or times out. */
    Mono<Void> awaitSlot() {
        ServerSlots slots = runtime.slots(server);
        if (slots.tryAcquire()) {
            granted();
            return Mono.empty();
        }
        Mono<Void> wait = Mono.create(sink -> {
            ServerSlots.Waiter waiter = slots.enqueue(() -> {
                granted();
                sink.success();
            });
            if (waiter == null) {
                sink.error(failure(
                        FjordClientException.Reason.QUEUE_FULL,
                        "queue full (maxqueue " + slots.maxQueue() + ", maxconn " + slots.maxConn()
                                + "; expected: a free place)"));
                return;
            }
            sink.onCancel(() -> {
                if (!waiter.cancel()) {
                    holdSlot(); // granted as the wait was cancelled: released now or at the end
                }
            });
        });
        Duration timeout = runtime.settings.timeouts().effectiveQueue();
        return timeout == null
                ? wait
                : wait.timeout(
                        timeout,
                        Mono.error(() -> failure(
                                FjordClientException.Reason.QUEUE_TIMEOUT,
                                "no slot within timeout queue " + timeout.toMillis() + " ms (maxconn " + slots.maxConn()
                                        + ", " + slots.queued() + " waiting)")));
    }

    private void granted() {
        sessionCounted = true;
        server.counters().sessionStarted();
        runtime.backend.counters().sessionStarted();
        holdSlot();
    }

    /** The slot is this attempt's; if the attempt ended already (cancelled while granted), it goes back now. */
    private void holdSlot() {
        slotHeld = true;
        if (ended.get()) {
            releaseSlot();
        }
    }

    private void releaseSlot() {
        if (slotHeld && slotReleased.compareAndSet(false, true)) {
            if (sessionCounted) {
                server.counters().sessionEnded();
                runtime.backend.counters().sessionEnded();
            }
            runtime.slots(server).release();
        }
    }

    private FjordClientException failure(FjordClientException.Reason reason, String what) {
        return new FjordClientException(
                reason,
                runtime.backend.name(),
                server.name(),
                "backend '" + runtime.backend.name() + "': server '" + server.name() + "': " + what);
    }

    /** The pool handed over a connection: the exchange ends when it is released or closed. */
    void connected(Connection connection) {
        connected = true;
        Channel ch = connection.channel();
        channel = ch;
        ch.closeFuture().addListener(onClose);
        if (ended.get()) {
            ch.closeFuture().removeListener(onClose);
        }
    }

    /** The response head arrived with {@code status}: counted, and judged by passive checks. */
    void responded(int status) {
        responded = true;
        server.counters().response(status);
        runtime.backend.counters().response(status);
        if (status >= 500 && status != 501 && status != 505) {
            runtime.healthChecks.reportError(server, true);
        } else {
            runtime.healthChecks.reportSuccess(server);
        }
    }

    /**
     * The attempt failed before a response: a connection failure ({@code econ}, a layer-4 error) or, once
     * connected, a missing or late response ({@code eresp}; a timeout is a layer-7 error). Counted once; errors of
     * the client itself (no server, queue) are not the server's.
     */
    void failed(Throwable error) {
        if (responded || error instanceof FjordClientException || !failureCounted.compareAndSet(false, true)) {
            return;
        }
        Counters counters = server.counters();
        if (!connected) {
            counters.connectionError();
            runtime.backend.counters().connectionError();
            runtime.healthChecks.reportError(server, false);
        } else {
            counters.responseError();
            runtime.backend.counters().responseError();
            runtime.healthChecks.reportError(server, isTimeout(error));
        }
    }

    static boolean isTimeout(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ReadTimeoutException || t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void onStateChange(Connection connection, State newState) {
        if (newState == State.RELEASED) {
            end(); // back in the pool: the exchange is over
        }
    }

    @Override
    public void onUncaughtException(Connection connection, Throwable error) {
        if (responded) {
            server.counters().aborted(false); // the server failed while sending the body
            runtime.backend.counters().aborted(false);
        }
    }

    /** Frees the slot (to the oldest waiter) and the connection count; once, whatever ends the attempt first. */
    void end() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        Channel ch = channel;
        if (ch != null) {
            ch.closeFuture().removeListener(onClose);
        }
        server.connectionClosed();
        releaseSlot();
    }

    @Override
    public String toString() {
        return "Attempt[" + runtime.backend.name() + '/' + server.name() + (connected ? " connected" : "")
                + (responded ? " responded" : "") + (ended.get() ? " ended" : "") + ']';
    }
}
