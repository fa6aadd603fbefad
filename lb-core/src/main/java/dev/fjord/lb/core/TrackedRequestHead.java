package dev.fjord.lb.core;

import org.jspecify.annotations.Nullable;

/**
 * A request as the rules of one section see it while they run: the request itself, the sticky counters its
 * connection and its {@code track-sc} rules track, and the section whose table the {@code src_*} and
 * {@code track-sc} forms without a table name mean. What the {@code sc_*} fetches of an {@link Acl} read. Immutable
 * but for the counters, which belong to the request's connection (one thread at a time).
 */
final class TrackedRequestHead extends ForwardingRequestHead {
    private final StickCounters counters;
    private final String section;

    TrackedRequestHead(RequestHead base, StickCounters counters, String section) {
        super(base);
        this.counters = counters;
        this.section = section;
    }

    /** The tracked view of {@code request}, whatever edits wrap it; null when the request is not tracked. */
    static @Nullable TrackedRequestHead of(RequestHead request) {
        RequestHead head = request;
        while (head instanceof ForwardingRequestHead forwarding) { // edits, a set-src, over the tracked view
            if (forwarding instanceof TrackedRequestHead tracked) {
                return tracked;
            }
            head = forwarding.base();
        }
        return null;
    }

    /** {@code request} as seen from {@code section} (a backend's stick rules), with the same counters. */
    static RequestHead inSection(RequestHead request, String section) {
        TrackedRequestHead tracked = of(request);
        return tracked == null ? request : new TrackedRequestHead(request, tracked.counters, section);
    }

    StickCounters counters() {
        return counters;
    }

    /** The section whose table is meant when a rule or fetch names none. */
    String section() {
        return section;
    }
}
