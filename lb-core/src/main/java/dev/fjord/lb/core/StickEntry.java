package dev.fjord.lb.core;

import org.jspecify.annotations.Nullable;

/**
 * One entry of a live stick table: its key, the data its table stores (in one array laid out by the table's
 * {@link StickLayout}), how many trackers use it and when it expires. Counters follow HAProxy's: each update of a
 * stored datum refreshes the entry's expiry (the table does that, through {@link LiveStickTable#touch}).
 * Thread-safe: every method holds the entry's lock.
 */
final class StickEntry {
    private final Object key;
    private final StickLayout layout;
    private final long[] values;
    private @Nullable String serverKey;
    private int use;
    /** Ticker time (ns) the entry expires at, once no tracker uses it; meaningless without {@code expire}. */
    private long expiresAt;

    StickEntry(Object key, StickLayout layout) {
        this.key = key;
        this.layout = layout;
        this.values = layout.newValues();
    }

    Object key() {
        return key;
    }

    /** Whether the entry stores {@code data}. */
    boolean stores(StickData data) {
        return layout.slot(data) != null;
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
        StickLayout.Slot counter = count == null ? null : layout.slot(count);
        if (counter != null) {
            values[counter.at()] += events;
            updated = true;
        }
        StickLayout.Slot frequency = rate == null ? null : layout.slot(rate);
        if (frequency != null) {
            FreqCounter.add(values, frequency.at(), nowMs, frequency.period(), events);
            updated = true;
        }
        return updated;
    }

    /** One connection less ({@code conn_cur}); true when stored. */
    synchronized boolean connectionEnded() {
        StickLayout.Slot current = layout.slot(StickData.CONN_CUR);
        if (current == null) {
            return false;
        }
        values[current.at()] = Math.max(0, values[current.at()] - 1);
        return true;
    }

    /**
     * {@code sc_inc_gpcN}: the rate, then the counter, incremented; returns the counter, or the rate's current count
     * when only the rate is stored, or null when neither is.
     */
    synchronized @Nullable Long incrementGpc(int index, long nowMs) {
        StickLayout.Slot rate = layout.slot(index == 0 ? StickData.GPC0_RATE : StickData.GPC1_RATE);
        StickLayout.Slot count = layout.slot(index == 0 ? StickData.GPC0 : StickData.GPC1);
        Long value = null;
        if (rate != null) {
            FreqCounter.add(values, rate.at(), nowMs, rate.period(), 1);
            value = FreqCounter.currentCount(values, rate.at(), nowMs, rate.period());
        }
        if (count != null) {
            value = ++values[count.at()];
        }
        return value;
    }

    /** {@code sc_clr_gpcN}: the counter set to 0; returns its value before, or null when not stored. */
    synchronized @Nullable Long clearGpc(int index) {
        StickLayout.Slot count = layout.slot(index == 0 ? StickData.GPC0 : StickData.GPC1);
        if (count == null) {
            return null;
        }
        long before = values[count.at()];
        values[count.at()] = 0;
        return before;
    }

    /** The value of {@code data} at {@code nowMs} (a rate per its period); null when the entry does not store it. */
    synchronized @Nullable Long read(StickData data, long nowMs) {
        StickLayout.Slot slot = layout.slot(data);
        if (slot == null || data == StickData.SERVER_KEY) {
            return null;
        }
        return data.isRate() ? FreqCounter.read(values, slot.at(), nowMs, slot.period()) : values[slot.at()];
    }

    /** Stores the server a {@code stick} rule chose: its 1-based position and its name. */
    synchronized void server(int id, String name) {
        StickLayout.Slot server = layout.slot(StickData.SERVER_ID);
        if (server != null) {
            values[server.at()] = id;
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
