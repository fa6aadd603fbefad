package dev.fjord.lb.core;

import java.time.Duration;
import java.util.PriorityQueue;

/** A scheduler and ticker in virtual time: tasks run, in time order, only when the test advances the clock. */
final class VirtualTime implements Scheduler, Ticker {
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
    long millis() {
        return now / 1_000_000;
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        boolean[] cancelled = {false};
        tasks.add(new Task(now + delay.toNanos(), order++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    /** Runs every task due within {@code duration}, moving the clock to each. */
    void advance(Duration duration) {
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
