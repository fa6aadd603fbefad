package dev.fjord.lb.core;

import java.util.Arrays;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Holds the first bytes of one {@code mode tcp} connection while its frontend's {@code tcp-request content} rules
 * inspect them, as HAProxy does: the rules are evaluated at once, then each time bytes arrive; a rule lacking data
 * that may still come waits; {@code tcp-request inspect-delay} after the start, or when {@link RequestContent#LIMIT}
 * bytes are held, a last evaluation takes the bytes as final. The {@link Listener} then hears, once, that the
 * connection is accepted (route it: {@code use_backend} sees the bytes held; forward them unchanged) or rejected. A
 * frontend without rules accepts at once with nothing held.
 *
 * <pre>{@code
 * ContentInspector inspector = ContentInspector.start(router, "tls-in", connection, scheduler, listener);
 * inspector.received(bytes);  // from the client, as they come
 * }</pre>
 *
 * <p>Not thread-safe: one per connection, called on one thread, and {@code scheduler} must run the delay's task on
 * that same thread (lb-netty uses the connection's event loop; tests a {@code VirtualTime}).
 */
public final class ContentInspector {

    /** Hears the end of the inspection, once. */
    public interface Listener {
        /** Route the connection now; {@code connection} holds the bytes received, complete. */
        void accepted(RequestHead connection);

        /** Close the connection without contacting a server. */
        void rejected();
    }

    private final Router router;
    private final String frontend;
    private final RequestHead connection;
    private final Listener listener;
    private final @Nullable StickCounters counters;
    private byte[] held = new byte[0];
    private boolean decided;
    private Scheduler.@Nullable Cancellable delay;

    private ContentInspector(
            Router router,
            String frontend,
            RequestHead connection,
            Listener listener,
            @Nullable StickCounters counters) {
        this.router = router;
        this.frontend = frontend;
        this.connection = connection;
        this.listener = listener;
        this.counters = counters;
    }

    /**
     * Starts inspecting {@code connection} (its addresses; its content is ignored) for frontend {@code frontend};
     * the listener may hear the outcome before this returns.
     *
     * @throws IllegalArgumentException when the router has no such frontend
     */
    public static ContentInspector start(
            Router router, String frontend, RequestHead connection, Scheduler scheduler, Listener listener) {
        return start(router, frontend, connection, null, scheduler, listener);
    }

    /**
     * {@link #start(Router, String, RequestHead, Scheduler, Listener)} for a connection whose sticky counters are
     * {@code counters} ({@link Router#accept}), in which the {@code tcp-request content track-sc} rules track.
     *
     * @throws IllegalArgumentException when the router has no such frontend
     */
    public static ContentInspector start(
            Router router,
            String frontend,
            RequestHead connection,
            @Nullable StickCounters counters,
            Scheduler scheduler,
            Listener listener) {
        Objects.requireNonNull(scheduler, "scheduler");
        FrontendConfig config = router.config().frontends().get(frontend);
        if (config == null) {
            throw new IllegalArgumentException("frontend '" + frontend + "' is not defined");
        }
        ContentInspector inspector = new ContentInspector(
                router, frontend, connection, Objects.requireNonNull(listener, "listener"), counters);
        ContentInspection inspection = config.contentInspection();
        if (!inspection.inspects()) {
            inspector.decided = true;
            listener.accepted(new HeldContent(connection, RequestContent.NONE));
            return inspector;
        }
        boolean waitable = !inspection.delay().isZero();
        inspector.evaluate(!waitable);
        if (!inspector.decided) {
            inspector.delay = scheduler.schedule(inspection.delay(), inspector::expired);
        }
        return inspector;
    }

    /** Bytes from the client: held (up to {@link RequestContent#LIMIT}) and inspected; ignored once decided. */
    public void received(byte[] bytes) {
        if (decided) {
            return;
        }
        int room = RequestContent.LIMIT - held.length;
        int taken = Math.min(room, bytes.length);
        held = Arrays.copyOf(held, held.length + taken);
        System.arraycopy(bytes, 0, held, held.length - taken, taken);
        evaluate(false);
    }

    /** Whether the rules still wait for bytes. */
    public boolean waiting() {
        return !decided;
    }

    /** The number of bytes held. */
    public int held() {
        return held.length;
    }

    /** Stops inspecting without a verdict (the client went away): the listener hears nothing more. */
    public void close() {
        decided = true;
        cancelDelay();
    }

    private void expired() {
        delay = null;
        if (!decided) {
            evaluate(true);
        }
    }

    private void evaluate(boolean complete) {
        RequestHead head = new HeldContent(connection, RequestContent.of(held, complete));
        ContentVerdict verdict;
        try {
            StickCounters tracked = counters;
            verdict = tracked == null ? router.inspect(frontend, head) : router.inspect(frontend, head, tracked);
        } catch (IllegalArgumentException removed) {
            verdict = ContentVerdict.ACCEPT; // a reconfiguration removed the frontend: routing answers for it
        }
        if (verdict == ContentVerdict.WAIT) {
            return;
        }
        decided = true;
        cancelDelay();
        if (verdict == ContentVerdict.REJECT) {
            listener.rejected();
        } else {
            listener.accepted(new HeldContent(connection, head.content().completed()));
        }
    }

    private void cancelDelay() {
        Scheduler.Cancellable scheduled = delay;
        delay = null;
        if (scheduled != null) {
            scheduled.cancel();
        }
    }

    /** A connection's head with the bytes held. */
    private static final class HeldContent extends ForwardingRequestHead {
        private final RequestContent content;

        HeldContent(RequestHead base, RequestContent content) {
            super(base);
            this.content = content;
        }

        @Override
        public RequestContent content() {
            return content;
        }
    }
}
