package dev.fjord.lb.core;

import java.util.EnumMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.peers.PeerMessage;

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
    /** The table's update number of the entry's last local update, sent to peers; 0: learnt only. */
    private long localUpdate;

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

    // ---- peers ----

    synchronized long localUpdate() {
        return localUpdate;
    }

    synchronized void localUpdate(long update) {
        localUpdate = update;
    }

    /** The data a peer update carries, at {@code nowMs}: counts, rates as HAProxy's freq counters, the server. */
    synchronized Map<StickData, PeerMessage.Datum> peerData(long nowMs) {
        Map<StickData, PeerMessage.Datum> data = new EnumMap<>(StickData.class);
        for (StickData stored : layout.stored()) {
            StickLayout.Slot slot = java.util.Objects.requireNonNull(layout.slot(stored));
            if (stored == StickData.SERVER_KEY) {
                if (serverKey != null) {
                    data.put(stored, new PeerMessage.Name(serverKey));
                }
            } else if (stored.isRate()) {
                long tick = values[slot.at()];
                data.put(
                        stored,
                        tick == FreqCounter.NEVER
                                ? new PeerMessage.Rate(0, 0, 0)
                                : new PeerMessage.Rate(nowMs - tick, values[slot.at() + 1], values[slot.at() + 2]));
            } else {
                data.put(stored, new PeerMessage.Count(values[slot.at()]));
            }
        }
        return data;
    }

    /** Takes the data a peer sent, as HAProxy does: {@code conn_cur} stays local, what is not stored is dropped. */
    synchronized void learn(Map<StickData, PeerMessage.Datum> data, long nowMs) {
        data.forEach((type, datum) -> {
            StickLayout.Slot slot = layout.slot(type);
            if (slot == null || type == StickData.CONN_CUR) {
                return;
            }
            if (datum instanceof PeerMessage.Name name && type == StickData.SERVER_KEY) {
                serverKey = name.value();
            } else if (datum instanceof PeerMessage.Rate rate && type.isRate()) {
                values[slot.at()] = (nowMs - rate.elapsedMillis()) & ~1L;
                values[slot.at() + 1] = rate.current();
                values[slot.at() + 2] = rate.previous();
            } else if (datum instanceof PeerMessage.Count count && !type.isRate() && slot.at() >= 0) {
                values[slot.at()] = count.value();
            }
        });
    }

    @Override
    public String toString() {
        return "StickEntry[" + key + "]";
    }
}
