package dev.fjord.lb.netty;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * The timers of a proxy ({@link HeadTimer}, {@link InactivityTimer}), grouped by event loop and by how long they
 * wait: one {@link Queue} per pair. All entries of a queue wait the same time from when they are added, so the order
 * they were added in is the order they expire in, and one task per queue (for its first deadline) does the work of
 * one scheduled task per timer: a timer holds no task of its own (64 bytes and a priority-queue slot each, and a heap
 * insert and removal each time it is armed), and arming, renewing and cancelling are a constant-time unlink and
 * append. Thread-safe; each queue is used on its own event loop only.
 */
final class DeadlineQueues {
    private record Key(EventExecutor executor, long waitNanos) {}

    private final Map<Key, Queue> queues = new ConcurrentHashMap<>();

    /** The queue of the timers on {@code executor} that wait {@code wait}. */
    Queue queue(EventExecutor executor, Duration wait) {
        return queues.computeIfAbsent(new Key(executor, wait.toNanos()), key -> new Queue(executor, key.waitNanos()));
    }

    /**
     * What waits in a {@link Queue}: its links and deadline are the queue's. Not thread-safe: its event loop.
     */
    abstract static class Entry {
        /** The queue this entry waits in, null when it waits in none. */
        @Nullable
        Queue queue;

        @Nullable
        Entry previous;

        @Nullable
        Entry next;

        long deadline;

        /** Called by the queue, which took this entry out of it, once its deadline passed. */
        abstract void expired();
    }

    /**
     * Entries of one event loop that wait the same time, first to expire first; time is the executor's
     * {@linkplain EventExecutor#ticker() ticker}. Not thread-safe: its event loop.
     */
    static final class Queue implements Runnable {
        private final EventExecutor executor;
        private final long waitNanos;
        private @Nullable Entry first;
        private @Nullable Entry last;
        private int size;
        private @Nullable ScheduledFuture<?> scheduled;
        /** While {@link #run} expires entries: what they add again is scheduled by the run, once, after them. */
        private boolean running;

        Queue(EventExecutor executor, long waitNanos) {
            this.executor = executor;
            this.waitNanos = waitNanos;
        }

        /** How many entries wait in this queue. */
        int size() {
            return size;
        }

        /** Appends {@code entry}, which is in no queue, with its deadline the wait from now. */
        void add(Entry entry) {
            entry.deadline = executor.ticker().nanoTime() + waitNanos;
            entry.queue = this;
            entry.previous = last;
            entry.next = null;
            if (last == null) {
                first = entry;
            } else {
                last.next = entry;
            }
            last = entry;
            size++;
            if (scheduled == null && !running) { // else a task runs at or before this deadline, schedules the next
                schedule(waitNanos);
            }
        }

        /** Starts the wait of {@code entry}, which is in this queue, over from now: it moves to the end. */
        void renew(Entry entry) {
            if (entry == last) {
                entry.deadline = executor.ticker().nanoTime() + waitNanos; // the latest already: the order holds
                return;
            }
            remove(entry);
            add(entry);
        }

        /** Takes {@code entry}, which is in this queue, out of it; its task stays for the others (or runs idle). */
        void remove(Entry entry) {
            Entry previous = entry.previous;
            Entry next = entry.next;
            if (previous == null) {
                first = next;
            } else {
                previous.next = next;
            }
            if (next == null) {
                last = previous;
            } else {
                next.previous = previous;
            }
            entry.previous = null;
            entry.next = null;
            entry.queue = null;
            size--;
        }

        /** Expires the entries whose deadline passed, then waits for the next deadline. */
        @Override
        public void run() {
            scheduled = null;
            long now = executor.ticker().nanoTime();
            running = true;
            try {
                // only those queued now: an expiry that adds an entry again puts it behind, with a deadline to come
                for (int left = size; left > 0; left--) {
                    Entry head = first;
                    if (head == null || now - head.deadline < 0) {
                        break;
                    }
                    remove(head);
                    head.expired();
                }
            } finally {
                running = false;
                Entry head = first;
                if (head != null) {
                    schedule(Math.max(0, head.deadline - now));
                }
            }
        }

        private void schedule(long delayNanos) {
            scheduled = executor.schedule(this, delayNanos, TimeUnit.NANOSECONDS);
        }
    }
}
