package dev.fjord.lb.netty;

import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.fjord.lb.core.Backend;
import dev.fjord.lb.core.HealthChecks;
import dev.fjord.lb.core.LocalResponse;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.Server;
import dev.fjord.lb.core.ServerConfig;
import dev.fjord.lb.core.ServerSlots;
import io.netty.channel.EventLoopGroup;

/** What every connection of one running proxy shares: the router, slots, connection pools, options. Thread-safe. */
final class ProxyRuntime {
    final Router router;
    final EventLoopGroup workers;
    final HttpLimits limits;
    final Map<Integer, LocalResponse> errorPages;
    final AtomicInteger globalConnections = new AtomicInteger();
    final int globalMaxConn;
    private final Map<Server, ServerSlots> slots = new IdentityHashMap<>();
    private final Map<Server, BackendPool> pools = new IdentityHashMap<>();
    /** Exchanges in flight, for graceful close. */
    final AtomicInteger inFlight = new AtomicInteger();
    volatile boolean closing;
    /** Set once at start, before any connection is accepted. */
    volatile @org.jspecify.annotations.Nullable HealthChecks healthChecks;

    ProxyRuntime(Router router, EventLoopGroup workers, HttpLimits limits, Map<Integer, LocalResponse> errorPages) {
        this.router = router;
        this.workers = workers;
        this.limits = limits;
        this.errorPages = Map.copyOf(errorPages);
        this.globalMaxConn = router.config().global().maxConn();
        for (Backend backend : router.backends()) {
            for (Server server : backend.servers()) {
                ServerConfig config = server.config();
                slots.put(server, new ServerSlots(config.maxConn(), config.maxQueue()));
                pools.put(server, new BackendPool(server, backend.config().settings().mode()));
            }
        }
    }

    ServerSlots slots(Server server) {
        return slots.get(server);
    }

    BackendPool pool(Server server) {
        return pools.get(server);
    }

    /** The response for {@code status}: the configured error page, else HAProxy's small built-in one. */
    LocalResponse errorPage(int status) {
        LocalResponse page = errorPages.get(status);
        return page != null ? page : LocalResponse.error(status);
    }

    /** Counts the end of a request (or TCP session) and wakes {@link #awaitDrained} when the last one ends. */
    void exchangeEnded() {
        if (inFlight.decrementAndGet() <= 0 && closing) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** Waits until no request is in flight or {@code deadline} passes; true when drained. */
    synchronized boolean awaitDrained(Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        while (inFlight.get() > 0) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Passive checks ({@code observe}): a live request to {@code server} failed. */
    void reportError(Server server, boolean layer7) {
        HealthChecks checks = healthChecks;
        if (checks != null) {
            checks.reportError(server, layer7);
        }
    }

    /** Passive checks: a live request to {@code server} went well. */
    void reportSuccess(Server server) {
        HealthChecks checks = healthChecks;
        if (checks != null) {
            checks.reportSuccess(server);
        }
    }

    void closePools() {
        pools.values().forEach(BackendPool::closeIdle);
    }
}
