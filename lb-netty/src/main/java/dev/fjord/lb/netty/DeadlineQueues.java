package dev.fjord.lb.netty;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * The {@link HeadTimer}s of a proxy, grouped by event loop and by how long they wait: one {@link Queue} per pair. All
 * timers of a queue wait the same time from when they are armed, so the order they were armed in is the order they
 * expire in, and one task per queue (for its first deadline) does the work of one scheduled task per connection: an
 * idle connection holds no task of its own (64 bytes and a priority-queue slot each, and a heap insert and removal
 * per connection), and arming, disarming and cancelling are a constant-time unlink and append. Thread-safe; each
 * queue is used on its own event loop only.
 */
final class HeadWaits {
    private record Key(EventExecutor executor, long waitNanos) {}

    private final Map<Key, Queue> queues = new ConcurrentHashMap<>();

    /** The queue of the timers on {@code executor} that wait {@code wait}. */
    Queue queue(EventExecutor executor, Duration wait) {
        return queues.computeIfAbsent(new Key(executor, wait.toNanos()), key -> new Queue(executor, key.waitNanos()));
    }

    /**
     * Armed timers of one event loop that wait the same time, first to expire first; time is the executor's
     * {@linkplain EventExecutor#ticker() ticker}. Not thread-safe: its event loop.
     */
    static final class Queue implements Runnable {
        private final EventExecutor executor;
        private final long waitNanos;
        private @Nullable HeadTimer first;
        private @Nullable HeadTimer last;
        private int size;
        private @Nullable ScheduledFuture<?> scheduled;
        /** While {@link #run} expires timers: what they arm again is scheduled by the run, once, after them. */
        private boolean running;

        Queue(EventExecutor executor, long waitNanos) {
            this.executor = executor;
            this.waitNanos = waitNanos;
        }

        /** How many timers are armed on this queue. */
        int size() {
            return size;
        }

        /** Appends {@code timer}, which is in no queue, with its deadline the wait from now. */
        void add(HeadTimer timer) {
            long now = executor.ticker().nanoTime();
            timer.deadline = now + waitNanos;
            timer.queue = this;
            timer.previous = last;
            timer.next = null;
            if (last == null) {
                first = timer;
            } else {
                last.next = timer;
            }
            last = timer;
            size++;
            if (scheduled == null && !running) { // else a task runs at or before this deadline, schedules the next
                schedule(waitNanos);
            }
        }

        /** Takes {@code timer}, which is in this queue, out of it; its task stays for the others (or runs idle). */
        void remove(HeadTimer timer) {
            HeadTimer previous = timer.previous;
            HeadTimer next = timer.next;
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
            timer.previous = null;
            timer.next = null;
            timer.queue = null;
            size--;
        }

        /** Expires the timers whose deadline passed, then waits for the next deadline. */
        @Override
        public void run() {
            scheduled = null;
            long now = executor.ticker().nanoTime();
            running = true;
            try {
                // only those queued now: an expiry that arms a timer again puts it behind, with a deadline to come
                for (int left = size; left > 0; left--) {
                    HeadTimer head = first;
                    if (head == null || now - head.deadline < 0) {
                        break;
                    }
                    remove(head);
                    head.expired();
                }
            } finally {
                running = false;
                HeadTimer head = first;
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
