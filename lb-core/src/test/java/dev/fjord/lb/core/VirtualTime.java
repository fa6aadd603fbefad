package dev.fjord.lb.core;

import java.time.Duration;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} and {@link Ticker} in virtual time, for tests: tasks run, in time order, only when the test
 * {@linkplain #advance(Duration) advances the clock}, so timers (health checks, slow start, VRRP) are tested exactly
 * and instantly. Not thread-safe: drive it from the test's thread.
 *
 * <p>Other modules' tests get it from lb-core's test jar: {@code dev.fjord:lb-core} with
 * {@code <type>test-jar</type>} and test scope, its version managed by {@code fjord-bom}.
 *
 * <pre>{@code
 * VirtualTime time = new VirtualTime();
 * HealthChecks.start(router, time, probe, time, listener, random);
 * time.advance(Duration.ofSeconds(6));
 * }</pre>
 */
public final class VirtualTime implements Scheduler, Ticker {
    private record Task(long at, long order, Runnable action, boolean[] cancelled) implements Comparable<Task> {
        @Override
        public int compareTo(Task other) {
            return at != other.at ? Long.compare(at, other.at) : Long.compare(order, other.order);
        }
    }

    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private long now;
    private long order;

    @Override
    public long read() {
        return now;
    }

    /** Milliseconds since the start. */
    public long millis() {
        return now / 1_000_000;
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        boolean[] cancelled = {false};
        tasks.add(new Task(now + delay.toNanos(), order++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    /** Runs every task due within {@code duration}, moving the clock to each. */
    public void advance(Duration duration) {
        long end = now + duration.toNanos();
        while (!tasks.isEmpty() && tasks.peek().at() <= end) {
            Task task = tasks.poll();
            now = task.at();
            if (!task.cancelled()[0]) {
                task.action().run();
            }
        }
        now = end;
    }
}
