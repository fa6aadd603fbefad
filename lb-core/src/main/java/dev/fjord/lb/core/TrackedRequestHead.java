package dev.fjord.lb.core;

import java.net.InetAddress;
import java.util.List;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

/**
 * A request as the rules of one section see it while they run: the request itself, the sticky counters its
 * connection and its {@code track-sc} rules track, and the section whose table the {@code src_*} and
 * {@code track-sc} forms without a table name mean. What the {@code sc_*} fetches of an {@link Acl} read. Immutable
 * but for the counters, which belong to the request's connection (one thread at a time).
 */
final class TrackedRequestHead implements RequestHead {
    private final RequestHead base;
    private final StickCounters counters;
    private final String section;

    TrackedRequestHead(RequestHead base, StickCounters counters, String section) {
        this.base = base;
        this.counters = counters;
        this.section = section;
    }

    /** The tracked view of {@code request}, whatever edits wrap it; null when the request is not tracked. */
    static @Nullable TrackedRequestHead of(RequestHead request) {
        RequestHead head = request instanceof EditedRequestHead edited ? edited.base() : request;
        return head instanceof TrackedRequestHead tracked ? tracked : null;
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

    @Override
    public String method() {
        return base.method();
    }

    @Override
    public String path() {
        return base.path();
    }

    @Override
    public @Nullable String query() {
        return base.query();
    }

    @Override
    public String version() {
        return base.version();
    }

    @Override
    public List<String> headers(String name) {
        return base.headers(name);
    }

    @Override
    public @Nullable String header(String name) {
        return base.header(name);
    }

    @Override
    public void forEachHeader(BiConsumer<String, String> action) {
        base.forEachHeader(action);
    }

    @Override
    public @Nullable String cookie(String name) {
        return base.cookie(name);
    }

    @Override
    public RequestContent content() {
        return base.content();
    }

    @Override
    public InetAddress clientAddress() {
        return base.clientAddress();
    }

    @Override
    public int clientPort() {
        return base.clientPort();
    }

    @Override
    public int localPort() {
        return base.localPort();
    }

    @Override
    public @Nullable ClientTls tls() {
        return base.tls();
    }

    @Override
    public String toString() {
        return base.toString();
    }
}
