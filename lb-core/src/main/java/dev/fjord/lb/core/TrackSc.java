package dev.fjord.lb.core;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * HAProxy's {@code track-sc0|sc1|sc2 KEY [table TABLE]}: the entry of {@code KEY} in a stick table becomes the
 * request's (or the connection's) sticky counter {@code counter}, whose data the transport then updates
 * (connections, requests, errors, bytes) and the {@code sc_*} fetches read. The action of an
 * {@link HttpRequestRule#trackSc http-request} and a {@link TcpConnectionRule#trackSc tcp-request connection} rule,
 * and of any rule kind that tracks. Immutable.
 *
 * @param counter the sticky counter, 0 to 2
 * @param key the sample expression of the key, e.g. {@code src} or {@code req.hdr(x-api-key)}
 * @param table the table; null: the one of the section holding the rule
 */
public record TrackSc(int counter, String key, @Nullable String table) {
    /** The number of sticky counters, as HAProxy's default build ({@code MAX_SESS_STKCTR}). */
    public static final int COUNTERS = 3;

    public TrackSc {
        Require.range("track-sc", "counter", counter, 0, COUNTERS - 1);
        Objects.requireNonNull(key, "key");
        SampleFetch.parse(key);
        if (table != null) {
            Require.name("track-sc" + counter, "table", table);
        }
    }

    /** The key's sample expression, compiled. */
    SampleFetch fetch() {
        return SampleFetch.parse(key);
    }

    @Override
    public String toString() {
        return "track-sc" + counter + ' ' + key + (table == null ? "" : " table " + table);
    }
}
