package dev.fjord.lb.netty;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;

/**
 * {@code maxconn}, global and per frontend, enforced where connections are accepted. A {@link Gate} on each listening
 * channel sees every accepted connection on the accepting thread before a worker gets it: within the limits it goes
 * on; beyond them it is held, unregistered and unread (as the kernel's backlog holds connections HAProxy does not
 * accept), and the listeners concerned stop accepting. Each close admits the oldest held connection that fits, then
 * lets listeners with room accept again. Exact under bursts, where a listener accepts up to 64 connections per wake-up.
 * Thread-safe: admission and the held queue live on the one accepting thread; releases come from any thread.
 */
final class Admission {
    private final EventLoop acceptor;
    private final AtomicInteger global;
    private final ClientConnections connections;
    /** Read on the accepting thread; {@link #reconfigure} changes it there. */
    private int globalMax;
    /** Declared before their listeners bind (any thread), changed on the accepting thread. */
    private final Map<String, Frontend> frontends = new ConcurrentHashMap<>();
    /** Connections beyond a limit, oldest first; touched on the accepting thread only. */
    private final ArrayDeque<Held> held = new ArrayDeque<>();

    private boolean closed;

    /**
     * Whether a connection is held or a listener may be paused: only then does a close need the accepting thread.
     * Set on the accepting thread before it holds or pauses, cleared there once nothing is held or paused.
     */
    private volatile boolean constrained;

    /**
     * One frontend's count (shared with the stats), limit (0: none) and listeners; also the listener on the close of
     * every connection it admitted (its room back, and it leaves {@link #connections}): one listener for all, no
     * object per connection.
     */
    private final class Frontend implements ChannelFutureListener {
        final AtomicInteger count;
        volatile int max;
        final List<Channel> listeners = new ArrayList<>();

        Frontend(AtomicInteger count, int max) {
            this.count = count;
            this.max = max;
        }

        @Override
        public void operationComplete(ChannelFuture closed) {
            connections.remove(closed.channel());
            release(this);
        }
    }

    private record Held(Frontend frontend, ChannelHandlerContext gate, Channel child) {}

    /**
     * @param acceptor the event loop every listener is registered with
     * @param global the count of client connections over all frontends
     * @param connections where admitted connections are kept until they close
     */
    Admission(EventLoop acceptor, AtomicInteger global, int globalMax, ClientConnections connections) {
        this.acceptor = acceptor;
        this.connections = connections;
        this.global = global;
        this.globalMax = globalMax;
    }

    /** Declares a frontend before its listeners bind (at start, or when a reconfiguration adds it). */
    void frontend(String name, AtomicInteger count, int max) {
        frontends.put(name, new Frontend(count, max));
    }

    /**
     * A reconfiguration: new limits for the frontends kept ({@code maxConn} by name), the frontends gone forgotten
     * (their held connections closed), then whatever now fits admitted and the listeners with room resumed, such as
     * those bound paused for new frontends. Runs on the accepting thread.
     */
    void reconfigure(int globalMax, Map<String, Integer> maxConn) {
        acceptor.execute(() -> {
            this.globalMax = globalMax;
            frontends.entrySet().removeIf(entry -> !maxConn.containsKey(entry.getKey()));
            maxConn.forEach((name, max) -> {
                Frontend frontend = frontends.get(name);
                if (frontend != null) {
                    frontend.max = max;
                }
            });
            for (Iterator<Held> it = held.iterator(); it.hasNext(); ) {
                Held next = it.next();
                if (!frontends.containsValue(next.frontend())) {
                    it.remove();
                    next.child().unsafe().closeForcibly();
                }
            }
            drain();
        });
    }

    /** The handler for a listening channel of {@code frontend}, on the server channel's pipeline. */
    Gate gate(String frontend) {
        return new Gate(declared(frontend));
    }

    private Frontend declared(String frontend) {
        Frontend declared = frontends.get(frontend);
        if (declared == null) {
            throw new IllegalStateException("frontend '" + frontend + "' was not declared to admission");
        }
        return declared;
    }

    /** Records a bound listener, which the gates pause and resume. */
    void listener(String frontend, Channel channel) {
        Frontend declared = declared(frontend);
        acceptor.execute(() -> declared.listeners.add(channel));
    }

    /** Closes the connections still held; no more are admitted. */
    void close() {
        try {
            acceptor.execute(() -> {
                closed = true;
                held.forEach(h -> h.child().unsafe().closeForcibly());
                held.clear();
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            closed = true; // the host application's loops stopped first: their channels are closed with them
        }
    }

    /** Sees each accepted connection of one listener; not sharable. */
    final class Gate extends ChannelInboundHandlerAdapter {
        private final Frontend frontend;

        private Gate(Frontend frontend) {
            this.frontend = frontend;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel child = (Channel) msg;
            if (closed) {
                child.unsafe().closeForcibly();
            } else if (hasRoom(frontend) && (held.isEmpty() || noneHeld(frontend))) {
                admit(frontend, ctx, child);
            } else {
                constrained = true;
                held.add(new Held(frontend, ctx, child));
                pauseFull();
            }
        }
    }

    private boolean hasRoom(Frontend frontend) {
        return global.get() < globalMax && (frontend.max == 0 || frontend.count.get() < frontend.max);
    }

    private void admit(Frontend frontend, ChannelHandlerContext gate, Channel child) {
        global.incrementAndGet();
        frontend.count.incrementAndGet();
        connections.add(child);
        child.closeFuture().addListener(frontend); // one listener: see ClientConnections
        gate.fireChannelRead(child);
        pauseFull();
    }

    private boolean noneHeld(Frontend frontend) {
        for (Held h : held) {
            if (h.frontend() == frontend) {
                return false;
            }
        }
        return true;
    }

    /**
     * Stops the listeners of whatever is full, so the kernel holds what comes next. {@link #constrained} is set
     * before the limits are read again, so a close that finds it unset came before that read and left room.
     */
    private void pauseFull() {
        for (Frontend frontend : frontends.values()) {
            if (!hasRoom(frontend)) {
                constrained = true;
                if (!hasRoom(frontend)) {
                    frontend.listeners.forEach(listener -> listener.config().setAutoRead(false));
                }
            }
        }
    }

    private void release(Frontend frontend) {
        global.decrementAndGet();
        frontend.count.decrementAndGet();
        if (!constrained) {
            return; // nothing held, nothing paused: no task per closed connection for the accepting thread
        }
        try {
            acceptor.execute(this::drain);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the proxy is closing: nothing more to admit
        }
    }

    /** Admits held connections that now fit, oldest first, then resumes listeners with room and nothing held. */
    private void drain() {
        if (closed) {
            return;
        }
        for (Iterator<Held> it = held.iterator(); it.hasNext() && global.get() < globalMax; ) {
            Held next = it.next();
            if (hasRoom(next.frontend())) {
                it.remove();
                admit(next.frontend(), next.gate(), next.child());
            }
        }
        boolean stillConstrained = !held.isEmpty();
        for (Frontend frontend : frontends.values()) {
            frontend.listeners.removeIf(listener -> !listener.isOpen()); // closed by a reconfiguration
            if (hasRoom(frontend) && noneHeld(frontend)) {
                frontend.listeners.forEach(listener -> listener.config().setAutoRead(true));
            } else {
                stillConstrained = true;
            }
        }
        constrained = stillConstrained;
    }
}
