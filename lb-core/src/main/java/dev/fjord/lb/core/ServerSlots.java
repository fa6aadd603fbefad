package dev.fjord.lb.core;

import java.util.ArrayDeque;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The connection slots of one server ({@code maxconn}) and the first-in first-out queue of requests waiting for one
 * ({@code maxqueue}), as HAProxy's per-server queue: a request that finds every slot taken waits; a slot freed goes
 * to the oldest waiter before any newcomer.
 *
 * <p>Thread-safe. Callbacks run on the thread that frees the slot, outside the lock: a transport hops to its own
 * thread from there. Queue timeouts belong to the caller ({@link Waiter#cancel()}).
 *
 * <pre>{@code
 * ServerSlots slots = new ServerSlots(100, 1000);
 * if (slots.tryAcquire()) { send(); } else { Waiter w = slots.enqueue(this::send); if (w == null) reject503(); }
 * ...
 * slots.release(); // when the response is complete
 * }</pre>
 */
public final class ServerSlots {
    private int maxConn;
    private int maxQueue;
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    private int inUse;
    private int maxQueued;

    /**
     * @param maxConn the slots; 0 is unlimited
     * @param maxQueue the waiters at most; 0 is unlimited
     */
    public ServerSlots(int maxConn, int maxQueue) {
        this.maxConn = Require.atLeast("slots", "maxconn", maxConn, 0);
        this.maxQueue = Require.atLeast("slots", "maxqueue", maxQueue, 0);
    }

    /** A request waiting for a slot. */
    public final class Waiter {
        private final Runnable onGranted;
        private boolean done;

        private Waiter(Runnable onGranted) {
            this.onGranted = onGranted;
        }

        /**
         * Leaves the queue (a queue timeout, a client gone).
         *
         * @return true if the waiter left before being granted a slot; false if the slot was granted already (the
         *     caller then owns it and must {@link #release()} it)
         */
        public boolean cancel() {
            synchronized (ServerSlots.this) {
                if (done) {
                    return false;
                }
                done = true;
                queue.remove(this);
                return true;
            }
        }
    }

    /** Takes a slot if one is free and nobody is waiting. */
    public synchronized boolean tryAcquire() {
        if (queue.isEmpty() && (maxConn == 0 || inUse < maxConn)) {
            inUse++;
            return true;
        }
        return false;
    }

    /**
     * Queues for a slot; {@code onGranted} runs once a slot is handed over (the waiter then owns it).
     *
     * @return the waiter, or null when the queue is full ({@code maxqueue} reached)
     */
    public @Nullable Waiter enqueue(Runnable onGranted) {
        Objects.requireNonNull(onGranted, "onGranted");
        Waiter waiter = new Waiter(onGranted);
        boolean grantNow;
        synchronized (this) {
            if (maxQueue > 0 && queue.size() >= maxQueue) {
                return null;
            }
            grantNow = queue.isEmpty() && (maxConn == 0 || inUse < maxConn);
            if (grantNow) {
                inUse++;
                waiter.done = true;
            } else {
                queue.add(waiter);
                maxQueued = Math.max(maxQueued, queue.size());
            }
        }
        if (grantNow) {
            onGranted.run();
        }
        return waiter;
    }

    /** Frees a slot: the oldest waiter gets it, else it becomes free. */
    public void release() {
        Waiter next;
        synchronized (this) {
            next = queue.poll();
            if (next == null) {
                if (inUse > 0) {
                    inUse--;
                }
                return;
            }
            next.done = true;
        }
        next.onGranted.run();
    }

    /**
     * Changes the bounds (a reconfiguration): more slots go to the oldest waiters at once; fewer take effect as
     * requests finish. Requests already queued stay queued whatever {@code maxQueue} becomes.
     */
    public void resize(int maxConn, int maxQueue) {
        Require.atLeast("slots", "maxconn", maxConn, 0);
        Require.atLeast("slots", "maxqueue", maxQueue, 0);
        java.util.List<Waiter> granted = new java.util.ArrayList<>();
        synchronized (this) {
            this.maxConn = maxConn;
            this.maxQueue = maxQueue;
            while (!queue.isEmpty() && (maxConn == 0 || inUse < maxConn)) {
                Waiter next = queue.poll();
                next.done = true;
                inUse++;
                granted.add(next);
            }
        }
        granted.forEach(waiter -> waiter.onGranted.run());
    }

    /** Slots in use. */
    public synchronized int inUse() {
        return inUse;
    }

    /** Requests waiting now. */
    public synchronized int queued() {
        return queue.size();
    }

    /** The most requests that waited at once. */
    public synchronized int maxQueued() {
        return maxQueued;
    }

    /** The number of slots; 0 is unlimited. */
    public synchronized int maxConn() {
        return maxConn;
    }

    /** The queue's bound; 0 is unlimited. */
    public synchronized int maxQueue() {
        return maxQueue;
    }

    @Override
    public synchronized String toString() {
        return "ServerSlots[inUse=" + inUse + '/' + (maxConn == 0 ? "-" : maxConn) + ", queued=" + queue.size() + ']';
    }
}
