package dev.fjord.lb.core;

import org.jspecify.annotations.Nullable;

/**
 * The sticky counters ({@code sc0} to {@code sc2}) of one client connection, as HAProxy keeps them: those its
 * {@code tcp-request connection} rules track for the whole connection, and those the {@code http-request} rules of
 * the request in flight track until it ends (a request's counter hides the connection's of the same number). Made
 * by {@link Router#accept}; the transport reports what happens and the entries' data follow:
 *
 * <ul>
 *   <li>{@code conn_cur}, {@code conn_cnt}, {@code conn_rate} when tracking starts, {@code conn_cur} down when it
 *       ends ({@link #requestEnded()}, {@link #close()});
 *   <li>{@code http_req_*} for each request ({@link #requestStarted()}, and when a rule starts tracking one);
 *   <li>{@code http_err_*} for requests the client got wrong: refused as invalid ({@link #requestError()}), denied by
 *       a rule, or answered 4xx by the server ({@link #response(int)}); {@code http_fail_*} for 5xx other than 501
 *       and 505;
 *   <li>{@code bytes_in_*} and {@code bytes_out_*} as bytes come and go ({@link #bytesIn}, {@link #bytesOut}).
 * </ul>
 *
 * <p>Not thread-safe: used on the connection's thread (the entries it updates are shared and thread-safe).
 */
public final class StickCounters {
    /** One tracked entry: where it is and what it is. */
    record Slot(LiveStickTable table, StickEntry entry) {}

    private final StickTables tables;
    /** The counters the connection's rules track; null until one does (most connections track nothing). */
    private Slot @Nullable [] connection;
    /** The counters the request's rules track; null until one does. */
    private Slot @Nullable [] request;

    private boolean rejected;
    private boolean closed;

    StickCounters(StickTables tables) {
        this.tables = tables;
    }

    /** Counters that track nothing, for a connection no frontend takes (a reconfiguration removed it meanwhile). */
    public static StickCounters untracked() {
        return new StickCounters(new StickTables(() -> 0));
    }

    /** Whether the {@code tcp-request connection} rules rejected the connection: close it without reading. */
    public boolean rejected() {
        return rejected;
    }

    void reject() {
        rejected = true;
    }

    /** A request starts on the connection: counted in the entries the connection tracks. */
    public void requestStarted() {
        releaseRequest();
        each(StickData.HTTP_REQ_CNT, StickData.HTTP_REQ_RATE, 1);
    }

    /**
     * A request was refused before it could be routed (malformed, too large): a request and an error, in the
     * entries the connection tracks.
     */
    public void requestError() {
        releaseRequest();
        each(StickData.HTTP_REQ_CNT, StickData.HTTP_REQ_RATE, 1);
        httpError();
    }

    /** The response to the request in flight has {@code status}: 4xx count as errors, 5xx but 501, 505 failures. */
    public void response(int status) {
        if (status >= 400 && status < 500) {
            httpError();
        } else if (status >= 500 && status < 600 && status != 501 && status != 505) {
            each(StickData.HTTP_FAIL_CNT, StickData.HTTP_FAIL_RATE, 1);
        }
    }

    /** The request in flight is over: the entries its rules tracked are released. */
    public void requestEnded() {
        releaseRequest();
    }

    /** {@code bytes} arrived from the client. */
    public void bytesIn(long bytes) {
        if (bytes > 0) {
            each(StickData.BYTES_IN_CNT, StickData.BYTES_IN_RATE, bytes);
        }
    }

    /** {@code bytes} went to the client. */
    public void bytesOut(long bytes) {
        if (bytes > 0) {
            each(StickData.BYTES_OUT_CNT, StickData.BYTES_OUT_RATE, bytes);
        }
    }

    /** The connection closed: every entry it tracks is released. Idempotent. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        releaseRequest();
        Slot[] slots = connection;
        for (int i = 0; slots != null && i < slots.length; i++) {
            Slot slot = slots[i];
            if (slot != null) {
                slots[i] = null;
                end(slot);
            }
        }
    }

    // ---- what the router does ----

    /** The tables the counters' rules and fetches name. */
    StickTables tables() {
        return tables;
    }

    /** A deny (or another client error): {@code http_err_*}. */
    void httpError() {
        each(StickData.HTTP_ERR_CNT, StickData.HTTP_ERR_RATE, 1);
    }

    /** Whether counter {@code counter} is already tracked at this level (a rule then does not track it again). */
    boolean isTracked(int counter, boolean forRequest) {
        Slot[] slots = forRequest ? request : connection;
        return slots != null && slots[counter] != null;
    }

    /**
     * Tracks {@code key} of {@code table} as counter {@code counter} of the request ({@code forRequest}) or of the
     * connection: a connection more on the entry, and with {@code countRequest} the request itself. False when the
     * table is full and takes no new entry ({@code nopurge}).
     */
    boolean track(int counter, LiveStickTable table, Object key, boolean forRequest, boolean countRequest) {
        Slot[] slots = forRequest ? request : connection;
        if ((slots != null && slots[counter] != null) || closed) {
            return true;
        }
        StickEntry entry = table.acquire(key, true);
        if (entry == null) {
            return false;
        }
        if (slots == null) {
            slots = new Slot[TrackSc.COUNTERS];
            if (forRequest) {
                request = slots;
            } else {
                connection = slots;
            }
        }
        slots[counter] = new Slot(table, entry);
        long now = table.nowMillis();
        entry.add(StickData.CONN_CUR, null, 1, now);
        entry.add(StickData.CONN_CNT, StickData.CONN_RATE, 1, now);
        if (countRequest) {
            entry.add(StickData.HTTP_REQ_CNT, StickData.HTTP_REQ_RATE, 1, now);
        }
        table.touch(entry);
        return true;
    }

    /** The connection was accepted: a session on each entry it tracks ({@code sess_cnt}, {@code sess_rate}). */
    void sessionAccepted() {
        Slot[] slots = connection;
        if (slots == null) {
            return;
        }
        for (Slot slot : slots) {
            if (slot != null) {
                update(slot, StickData.SESS_CNT, StickData.SESS_RATE, 1);
            }
        }
    }

    /** Counter {@code counter}: the request's if it tracks one, else the connection's; null when neither does. */
    @Nullable
    Slot slot(int counter) {
        if (counter < 0 || counter >= TrackSc.COUNTERS) {
            return null;
        }
        return slotOf(counter);
    }

    /** The request's counter {@code counter}, else the connection's; null when neither tracks it. */
    private @Nullable Slot slotOf(int counter) {
        Slot[] forRequest = request;
        Slot slot = forRequest == null ? null : forRequest[counter];
        if (slot == null && connection != null) {
            slot = connection[counter];
        }
        return slot;
    }

    /** Updates each counter's entry, the request's in place of the connection's, as HAProxy does. */
    private void each(@Nullable StickData count, @Nullable StickData rate, long events) {
        if (request == null && connection == null) {
            return;
        }
        for (int i = 0; i < TrackSc.COUNTERS; i++) {
            Slot slot = slotOf(i);
            if (slot != null) {
                update(slot, count, rate, events);
            }
        }
    }

    private static void update(Slot slot, @Nullable StickData count, @Nullable StickData rate, long events) {
        if (slot.entry().add(count, rate, events, slot.table().nowMillis())) {
            slot.table().touch(slot.entry());
        }
    }

    private void releaseRequest() {
        Slot[] slots = request;
        for (int i = 0; slots != null && i < slots.length; i++) {
            Slot slot = slots[i];
            if (slot != null) {
                slots[i] = null;
                end(slot);
            }
        }
    }

    /** One connection less on the entry, which is then released (HAProxy's {@code stream_store_counters}). */
    private static void end(Slot slot) {
        if (slot.entry().connectionEnded()) {
            slot.table().touch(slot.entry());
        }
        slot.table().release(slot.entry());
    }
}
