package dev.fjord.lb.core;

/**
 * The stick table actions rules share: {@code track-scN KEY [table T]} and {@code sc-inc-gpcN(COUNTER)}. What an
 * {@code http-request} and a {@code tcp-request connection} rule do; a rule kind that tracks too (such as
 * {@code tcp-request content}) calls {@link #track} the same way, with its level. Stateless.
 */
final class StickActions {
    private StickActions() {}

    /** Where a rule tracks: for the whole connection, or for the request (or TCP stream) in flight. */
    enum Level {
        /** {@code tcp-request connection}: until the connection closes. */
        CONNECTION,
        /** {@code tcp-request content}: until the request in flight ends (in TCP mode, the connection). */
        CONTENT,
        /** {@code http-request}: until the request ends; the request itself is counted when tracking starts. */
        HTTP_REQUEST
    }

    /**
     * Runs {@code track} for {@code request}, whose rules belong to section {@code section}: the key fetched and cast
     * to the table's type (nothing happens when there is none, or the counter is already tracked at this level, as
     * in HAProxy), then the entry tracked.
     */
    static void track(TrackSc track, RequestHead request, StickCounters counters, String section, Level level) {
        boolean forRequest = level != Level.CONNECTION;
        if (counters.isTracked(track.counter(), forRequest)) {
            return;
        }
        LiveStickTable table = counters.tables().get(track.table() != null ? track.table() : section);
        if (table == null) {
            return; // a reconfiguration removed it while the connection lived
        }
        Object key = table.key(track.fetch().fetch(request));
        if (key != null) {
            counters.track(track.counter(), table, key, forRequest, level == Level.HTTP_REQUEST);
        }
    }

    /** {@code sc-inc-gpc0|1(COUNTER)}: the tracked entry's {@code gpc*} and {@code gpc*_rate} incremented. */
    static void incrementGpc(int gpc, int counter, StickCounters counters) {
        StickCounters.Slot slot = counters.slot(counter);
        if (slot != null && slot.entry().incrementGpc(gpc, slot.table().nowMillis()) != null) {
            slot.table().touch(slot.entry());
        }
    }
}
