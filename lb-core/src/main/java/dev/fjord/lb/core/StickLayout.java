package dev.fjord.lb.core;

import java.util.EnumMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Where each datum a table stores sits in its entries' array of longs: a count takes one, a rate
 * {@link FreqCounter#SIZE}, with its period. One per table, shared by its entries, so an entry is its key, one array
 * and a few fields (a table of a million entries stays small). Immutable.
 */
final class StickLayout {
    /** Where a datum is, and its period (0 for a count). */
    record Slot(int at, int period) {}

    private final EnumMap<StickData, Slot> slots = new EnumMap<>(StickData.class);
    private final int size;

    /** The layout of {@code table}'s data, with {@code server_id} when {@code sticky}. */
    StickLayout(StickTable table, boolean sticky) {
        int next = 0;
        for (Map.Entry<StickData, java.time.Duration> stored : table.stored().entrySet()) {
            StickData data = stored.getKey();
            slots.put(data, new Slot(next, (int) stored.getValue().toMillis()));
            next += data.isRate() ? FreqCounter.SIZE : 1;
        }
        if (sticky && !slots.containsKey(StickData.SERVER_ID)) {
            slots.put(StickData.SERVER_ID, new Slot(next++, 0));
        }
        if (sticky) {
            slots.put(StickData.SERVER_KEY, new Slot(-1, 0)); // the name, kept beside the array
        }
        this.size = next;
    }

    /** Where {@code data} is, or null when the table does not store it. */
    @Nullable
    Slot slot(StickData data) {
        return slots.get(data);
    }

    /** What the entries store, in HAProxy's order. */
    java.util.Set<StickData> stored() {
        return java.util.Collections.unmodifiableSet(slots.keySet());
    }

    /** A new entry's array. */
    long[] newValues() {
        long[] values = new long[size];
        slots.forEach((data, slot) -> {
            if (data.isRate()) {
                FreqCounter.init(values, slot.at());
            }
        });
        return values;
    }
}
