package dev.fjord.lb.core;

/**
 * An event rate over a sliding period, computed as HAProxy's {@code freq_ctr} does: the events of the current
 * period, plus those of the previous period weighted by the part of it still inside the sliding window. Times are
 * in milliseconds of a monotonic clock; the period is passed to each call (a table's {@code store} gives it). Not
 * thread-safe: its {@link StickEntry} guards it.
 */
final class FreqCounter {
    /** Start of the current period, in ms; even, as HAProxy keeps it (its low bit is a lock there). */
    private long currentTick;

    private long current;
    private long previous;
    private boolean started;

    /** Adds {@code events} at time {@code now}, first moving to a new period if the current one is over. */
    void add(long now, int period, long events) {
        if (started && now - currentTick < period) {
            current += events;
            return;
        }
        if (!started) {
            started = true;
            previous = 0;
            current = events;
            currentTick = now & ~1L;
            return;
        }
        previous = current;
        current = events;
        long tick = currentTick + period;
        if (now - tick >= period) {
            previous = 0; // at least two periods went by
            tick = now;
        }
        currentTick = tick & ~1L;
    }

    /**
     * The events per period at time {@code now}: HAProxy's {@code read_freq_ctr_period}, whose rates between 0 and
     * 1 report the previous period's count whole, so that a limit of one event per period does not flap.
     */
    long read(long now, int period) {
        if (!started) {
            return 0;
        }
        long curr = current;
        long past = previous;
        long remain = currentTick + period - now;
        if (remain < 0) {
            remain += period;
            past = remain >= 0 ? curr : 0;
            curr = 0;
        }
        if (curr == 0 && past <= 1) {
            return past;
        }
        return (past * remain + curr * period) / period;
    }

    /** The events counted in the current period, as HAProxy's {@code sc_inc_gpc0} reports for a rate. */
    long currentCount(long now, int period) {
        return started && now - currentTick < period ? current : 0;
    }
}
