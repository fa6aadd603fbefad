package dev.fjord.lb.core;

import java.util.EnumMap;

import org.jspecify.annotations.Nullable;

/**
 * One entry of a live stick table: its key, the data its table stores, how many trackers use it and when it
 * expires. Counters follow HAProxy's: each update of a stored datum refreshes the entry's expiry (the table does
 * that, through {@link LiveStickTable#touch}). Thread-safe: every method holds the entry's lock.
 */
final class StickEntry {
    /** A stored count. */
    private static final class Count {
        long value;
    }

    private final Object key;
    private final StickTable table;
    private final EnumMap<StickData, Count> counts = new EnumMap<>(StickData.class);
    private final EnumMap<StickData, FreqCounter> rates = new EnumMap<>(StickData.class);
    private @Nullable String serverKey;
    private int use;
    /** Ticker time (ns) the entry expires at, once no tracker uses it; meaningless without {@code expire}. */
    private long expiresAt;

    StickEntry(Object key, StickTable table, boolean sticky) {
        this.key = key;
        this.table = table;
        for (StickData data : table.stored().keySet()) {
            if (data.isRate()) {
                rates.put(data, new FreqCounter());
            } else {
                counts.put(data, new Count());
            }
        }
        if (sticky) {
            counts.put(StickData.SERVER_ID, new Count());
            counts.put(StickData.SERVER_KEY, new Count());
        }
    }

    Object key() {
        return key;
    }

    /** Whether the entry stores {@code data}. */
    boolean stores(StickData data) {
        return counts.containsKey(data) || rates.containsKey(data);
    }

    // ---- use and expiry, changed by the table ----

    synchronized int use() {
        return use;
    }

    synchronized void use(int delta) {
        use = Math.max(0, use + delta);
    }

    synchronized long expiresAt() {
        return expiresAt;
    }

    synchronized void expiresAt(long nanos) {
        expiresAt = nanos;
    }

    // ---- counters ----

    /**
     * Adds {@code events} to the counter {@code count} and the rate {@code rate} the entry stores, at {@code nowMs};
     * true when it stores either (the entry was updated, so it must be touched).
     */
    synchronized boolean add(@Nullable StickData count, @Nullable StickData rate, long events, long nowMs) {
        boolean updated = false;
        Count counter = count == null ? null : counts.get(count);
        if (counter != null) {
            counter.value += events;
            updated = true;
        }
        FreqCounter frequency = rate == null ? null : rates.get(rate);
        if (rate != null && frequency != null) {
            frequency.add(nowMs, table.periodMillis(rate), events);
            updated = true;
        }
        return updated;
    }

    /** One connection less ({@code conn_cur}); true when stored. */
    synchronized boolean connectionEnded() {
        Count current = counts.get(StickData.CONN_CUR);
        if (current == null) {
            return false;
        }
        current.value = Math.max(0, current.value - 1);
        return true;
    }

    /**
     * {@code sc_inc_gpcN}: the rate, then the counter, incremented; returns the counter, or the rate's current count
     * when only the rate is stored, or null when neither is.
     */
    synchronized @Nullable Long incrementGpc(int index, long nowMs) {
        StickData count = index == 0 ? StickData.GPC0 : StickData.GPC1;
        StickData rate = index == 0 ? StickData.GPC0_RATE : StickData.GPC1_RATE;
        Long value = null;
        FreqCounter frequency = rates.get(rate);
        if (frequency != null) {
            int period = table.periodMillis(rate);
            frequency.add(nowMs, period, 1);
            value = frequency.currentCount(nowMs, period);
        }
        Count counter = counts.get(count);
        if (counter != null) {
            value = ++counter.value;
        }
        return value;
    }

    /** {@code sc_clr_gpcN}: the counter set to 0; returns its value before, or null when not stored. */
    synchronized @Nullable Long clearGpc(int index) {
        Count counter = counts.get(index == 0 ? StickData.GPC0 : StickData.GPC1);
        if (counter == null) {
            return null;
        }
        long before = counter.value;
        counter.value = 0;
        return before;
    }

    /** Sets the tag {@code gpt0}; false when not stored. */
    synchronized boolean setGpt0(long value) {
        Count tag = counts.get(StickData.GPT0);
        if (tag == null) {
            return false;
        }
        tag.value = value & 0xffff_ffffL;
        return true;
    }

    /** The value of {@code data} at {@code nowMs} (a rate per its period); null when the entry does not store it. */
    synchronized @Nullable Long read(StickData data, long nowMs) {
        FreqCounter frequency = rates.get(data);
        if (frequency != null) {
            return frequency.read(nowMs, table.periodMillis(data));
        }
        Count counter = counts.get(data);
        return counter == null ? null : counter.value;
    }

    /** Stores the server a {@code stick} rule chose: its 1-based position and its name. */
    synchronized void server(int id, String name) {
        Count server = counts.get(StickData.SERVER_ID);
        if (server != null) {
            server.value = id;
        }
        serverKey = name;
    }

    /** The name of the server stored, or null. */
    synchronized @Nullable String serverKey() {
        return serverKey;
    }

    @Override
    public String toString() {
        return "StickEntry[" + key + "]";
    }
}
