package dev.fjord.lb.core;

/**
 * An event rate over a sliding period, computed as HAProxy's {@code freq_ctr} does: the events of the current
 * period, plus those of the previous period weighted by the part of it still inside the sliding window. Times are
 * in milliseconds of a monotonic clock; the period is passed to each call (a table's {@code store} gives it).
 *
 * <p>The state is three longs in an array, so that a stick table entry keeps its rates in one array: the start of
 * the current period ({@link #NEVER} before the first event), its events, and the previous period's. Not
 * thread-safe: the {@link StickEntry} holding the array guards it.
 */
final class FreqCounter {
    /** The longs a counter takes. */
    static final int SIZE = 3;

    /** The start of a counter that never counted. */
    static final long NEVER = Long.MIN_VALUE;

    private final long[] state = {NEVER, 0, 0};

    /** A counter of its own (an entry's are in its array). */
    FreqCounter() {}

    /** Sets up the counter at {@code at} in {@code values}. */
    static void init(long[] values, int at) {
        values[at] = NEVER;
        values[at + 1] = 0;
        values[at + 2] = 0;
    }

    /** Adds {@code events} at time {@code now}, first moving to a new period if the current one is over. */
    static void add(long[] values, int at, long now, int period, long events) {
        long tick = values[at];
        if (tick != NEVER && now - tick < period) {
            values[at + 1] += events;
            return;
        }
        if (tick == NEVER) {
            values[at] = now & ~1L; // even, as HAProxy keeps it (its low bit is a lock there)
            values[at + 1] = events;
            values[at + 2] = 0;
            return;
        }
        values[at + 2] = values[at + 1];
        values[at + 1] = events;
        tick += period;
        if (now - tick >= period) {
            values[at + 2] = 0; // at least two periods went by
            tick = now;
        }
        values[at] = tick & ~1L;
    }

    /**
     * The events per period at time {@code now}: HAProxy's {@code read_freq_ctr_period}, whose rates between 0 and
     * 1 report the previous period's count whole, so that a limit of one event per period does not flap.
     */
    static long read(long[] values, int at, long now, int period) {
        long tick = values[at];
        if (tick == NEVER) {
            return 0;
        }
        long current = values[at + 1];
        long past = values[at + 2];
        long remain = tick + period - now;
        if (remain < 0) {
            remain += period;
            past = remain >= 0 ? current : 0;
            current = 0;
        }
        if (current == 0 && past <= 1) {
            return past;
        }
        return (past * remain + current * period) / period;
    }

    /** The events counted in the current period, as HAProxy's {@code sc_inc_gpc0} reports for a rate. */
    static long currentCount(long[] values, int at, long now, int period) {
        long tick = values[at];
        return tick != NEVER && now - tick < period ? values[at + 1] : 0;
    }

    void add(long now, int period, long events) {
        add(state, 0, now, period, events);
    }

    long read(long now, int period) {
        return read(state, 0, now, period);
    }

    long currentCount(long now, int period) {
        return currentCount(state, 0, now, period);
    }
}
