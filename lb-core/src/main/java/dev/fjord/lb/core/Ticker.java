package dev.fjord.lb.core;

/**
 * A source of nanoseconds for measuring elapsed time, injected wherever lb-core needs time so that tests run in
 * virtual time. Only differences between two readings are meaningful.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Ticker {

    /** Nanoseconds since an arbitrary origin. */
    long read();

    /** The system's monotonic clock ({@link System#nanoTime()}). */
    static Ticker system() {
        return System::nanoTime;
    }
}
