package dev.fjord.lb.core;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

import org.jspecify.annotations.Nullable;

/**
 * Health checks of every server marked {@code check}, driven by an injected {@link Scheduler} and performed by a
 * {@link CheckProbe}: a server goes DOWN after {@code fall} failed checks in a row and UP after {@code rise} passed
 * ones (HAProxy's counter, so alternating results never flap), checked every {@code inter}, {@code fastinter} while
 * changing state and {@code downinter} while DOWN; first checks are spread over {@code inter} so that servers are
 * not all checked at once. A recovered server ramps its weight up over {@code slowstart} ({@link SlowStart});
 * {@code disable-on-404} puts it in NOLB; {@code observe} counts live-traffic errors ({@link #reportError},
 * {@link ObservedErrors}). Every change of health is a {@link ServerEvent}.
 *
 * <p>Thread-safe: results and reports may come from any thread; each server's state changes under its own lock.
 *
 * <pre>{@code
 * HealthChecks checks = HealthChecks.start(router, scheduler, probe, Ticker.system(), event ->
 * log.info(event.message()));
 * }</pre>
 */
public final class HealthChecks implements AutoCloseable {
    private final Router router;
    private final Scheduler scheduler;
    private final CheckProbe probe;
    private final Ticker ticker;
    private final ServerEventListener listener;
    private final Map<Server, ServerHealth> servers = new ConcurrentHashMap<>();
    private final RandomGenerator random;
    private final int spreadPercent;
    private volatile boolean closed;

    private HealthChecks(
            Router router,
            Scheduler scheduler,
            CheckProbe probe,
            Ticker ticker,
            ServerEventListener listener,
            RandomGenerator random) {
        this.random = random;
        this.spreadPercent = router.config().global().spreadChecks();
        this.router = router;
        this.scheduler = scheduler;
        this.probe = probe;
        this.ticker = ticker;
        this.listener = listener;
    }

    /**
     * Starts checking every server of {@code router} marked {@code check} (and watching every server with
     * {@code observe}); first checks come at random points within each server's {@code inter}. Servers added to the
     * router's backends later are checked from when they come, and removed ones no longer.
     *
     * @param listener hears every {@link ServerEvent} of the router's servers: the checks' ({@code StateChanged},
     *     {@code CheckCompleted}, {@code NoServerAvailable}) and the run-time model's ({@code Added},
     *     {@code Removed}, {@code AdminChanged}), so that one listener sees what HAProxy's log would say
     */
    public static HealthChecks start(
            Router router,
            Scheduler scheduler,
            CheckProbe probe,
            Ticker ticker,
            ServerEventListener listener,
            RandomGenerator random) {
        HealthChecks checks = new HealthChecks(
                Objects.requireNonNull(router, "router"),
                Objects.requireNonNull(scheduler, "scheduler"),
                Objects.requireNonNull(probe, "probe"),
                Objects.requireNonNull(ticker, "ticker"),
                Objects.requireNonNull(listener, "listener"),
                Objects.requireNonNull(random, "random"));
        LiveBackend.Membership membership = new LiveBackend.Membership() {
            @Override
            public void added(LiveServer server) {
                checks.register(server, InitState.FULLY_DOWN, false);
            }

            @Override
            public void removed(LiveServer server) {
                checks.unregister(server);
            }

            @Override
            public void changed(LiveServer server) {
                checks.unregister(server);
                if (!server.config().check() && server.config().observe() == null) {
                    if (server.operationalState() == OperationalState.DOWN) {
                        server.markUp(); // no longer checked: in rotation, as an unchecked server is
                    }
                    return;
                }
                boolean down = server.operationalState() == OperationalState.DOWN;
                checks.register(server, down ? InitState.FULLY_DOWN : InitState.FULLY_UP, true);
            }
        };
        for (LiveBackend backend : router.liveBackends()) {
            for (LiveServer server : backend.liveServers()) {
                checks.register(server, server.config().initState(), true);
            }
        }
        router.observe(membership); // and the backends a reconfiguration adds
        router.listen(listener);
        return checks;
    }

    /** Starts watching {@code server}; its first check comes within {@code inter} (spread) or at once (added). */
    private void register(LiveServer server, InitState init, boolean spread) {
        if (!server.config().check() && server.config().observe() == null) {
            return;
        }
        ServerHealth health = new ServerHealth(server, init);
        servers.put(server, health);
        if (!health.counter.isUp() && server.operationalState() != OperationalState.DOWN) {
            server.markDown(); // init-state down: no traffic before it passes its checks
        }
        if (health.enabled) {
            long inter = server.config().inter().toNanos();
            schedule(health, spread ? Duration.ofNanos(random.nextLong(Math.max(1, inter))) : Duration.ZERO);
        }
    }

    private void unregister(Server server) {
        ServerHealth health = servers.remove(server);
        if (health != null) {
            synchronized (health) {
                health.enabled = false;
                health.cancel();
            }
        }
    }

    /** The last check result of {@code server}, or null when it was not checked yet (or is not checked). */
    public @Nullable CheckResult lastCheck(Server server) {
        ServerHealth health = servers.get(server);
        if (health == null) {
            return null;
        }
        synchronized (health) {
            return health.last;
        }
    }

    /** Stops checking {@code server}; its state stays as it is ({@code disable health}). */
    public void disable(Server server) {
        ServerHealth health = require(server);
        synchronized (health) {
            health.enabled = false;
            health.cancelNextCheck();
        }
    }

    /** Checks {@code server} again, starting now ({@code enable health}). */
    public void enable(Server server) {
        ServerHealth health = require(server);
        synchronized (health) {
            if (health.enabled) {
                return;
            }
            health.enabled = true;
        }
        schedule(health, Duration.ZERO);
    }

    /** Whether {@code server}'s checks are running. */
    public boolean isEnabled(Server server) {
        ServerHealth health = servers.get(server);
        if (health == null) {
            return false;
        }
        synchronized (health) {
            return health.enabled;
        }
    }

    /**
     * Reports a live-traffic error for {@code observe}: {@code layer7} for invalid responses, timeouts and 5xx,
     * else a connection failure. Ignored for servers without {@code observe}, and for layer-7 errors under
     * {@code observe layer4}.
     */
    public void reportError(Server server, boolean layer7) {
        ServerHealth health = servers.get(server);
        if (health != null && health.observed != null) {
            observe(server, health, health.observed, layer7);
        }
    }

    /**
     * Reports that a connection to {@code server} could not be made (refused, unreachable, timed out): an error for
     * {@code observe}, and for a checked server without {@code observe} one of {@link PassiveCheck#CONNECT_FAILURES}.
     */
    public void reportConnectFailure(Server server) {
        ServerHealth health = servers.get(server);
        if (health != null && health.connectFailures != null) {
            observe(server, health, health.connectFailures, false);
        }
    }

    private void observe(Server server, ServerHealth health, ObservedErrors observed, boolean layer7) {
        ObservedErrors.Outcome outcome;
        boolean enabled;
        synchronized (health) {
            outcome = observed.error(layer7, health.counter);
            enabled = health.enabled;
        }
        switch (outcome) {
            case STATE_CHANGED -> apply(health, null, observed.reason());
            case CHECK_SOON -> {
                if (enabled) {
                    schedule(health, server.config().fastInter()); // to confirm or clear
                }
            }
            case NONE -> {}
        }
    }

    /** Reports a live request that went well: passive errors must come in a row to count. */
    public void reportSuccess(Server server) {
        ServerHealth health = servers.get(server);
        if (health != null && health.connectFailures != null) {
            synchronized (health) {
                health.connectFailures.success(); // the observe counter too, when it is that one
            }
        }
    }

    private ServerHealth require(Server server) {
        ServerHealth health = servers.get(server);
        if (health == null) {
            throw new IllegalArgumentException("backend '" + server.backend().name() + "': server '" + server.name()
                    + "' has no health check (expected: 'check' on its line)");
        }
        return health;
    }

    private void schedule(ServerHealth health, Duration delay) {
        if (closed) {
            return;
        }
        synchronized (health) {
            health.cancelNextCheck();
            health.next = scheduler.schedule(spread(delay), () -> run(health));
        }
    }

    /** {@code spread-checks}: the interval varied randomly by up to the configured percent either way. */
    private Duration spread(Duration delay) {
        if (spreadPercent == 0 || delay.isZero()) {
            return delay;
        }
        long nanos = delay.toNanos();
        long deviation = nanos * spreadPercent / 100;
        return Duration.ofNanos(nanos - deviation + random.nextLong(2 * deviation + 1));
    }

    private void run(ServerHealth health) {
        synchronized (health) {
            health.next = null;
            if (!health.enabled || closed) {
                return;
            }
        }
        probe.check(health.server, health.httpCheck, result -> completed(health, result));
    }

    private void completed(ServerHealth health, CheckResult result) {
        boolean changed;
        Duration next;
        OperationalState wanted;
        boolean healthChanged;
        String status;
        synchronized (health) {
            health.last = result;
            int before = health.counter.health();
            changed = health.counter.check(result.status().passed());
            healthChanged = changed || before != health.counter.health();
            status = health.counter.status(health.server.config().fall(), health.server.weight() == 0);
            if (result.status().passed() && health.connectFailures != null) {
                health.connectFailures.success();
            }
            next = health.counter.nextInterval(health.server.config());
            wanted = !health.counter.isUp()
                    ? OperationalState.DOWN
                    : result.status() == CheckStatus.L7OKC ? OperationalState.NOLB : OperationalState.UP;
        }
        if (!result.status().passed()) {
            health.server.counters().checkFailed(changed && !health.counter.isUp());
        }
        listener.onEvent(new ServerEvent.CheckCompleted(health.server, result, healthChanged, status));
        if (changed || (health.counter.isUp() && health.server.operationalState() != wanted)) {
            apply(health, result, result.status().description());
        }
        boolean enabled;
        synchronized (health) {
            enabled = health.enabled;
        }
        if (enabled) {
            schedule(health, next);
        }
    }

    /** Makes the server's operational state follow its health counter, and tells the listener. */
    private void apply(ServerHealth health, @Nullable CheckResult result, String reason) {
        LiveServer server = health.server;
        OperationalState before = server.operationalState();
        OperationalState after;
        synchronized (health) {
            after = !health.counter.isUp()
                    ? OperationalState.DOWN
                    : result != null && result.status() == CheckStatus.L7OKC
                            ? OperationalState.NOLB
                            : OperationalState.UP;
            if (after == before) {
                return;
            }
            switch (after) {
                case DOWN -> {
                    health.stopSlowStart();
                    server.throttle(100);
                    server.markDown();
                }
                case NOLB -> server.markNoLoadBalancing();
                case UP -> {
                    server.markUp();
                    if (before == OperationalState.DOWN
                            && !server.config().slowStart().isZero()
                            && !closed) {
                        health.slowStart = SlowStart.begin(server, scheduler, ticker);
                    }
                }
            }
        }
        server.counters().stateChanged(ticker.read(), after == OperationalState.DOWN);
        LiveBackend.Usable left = server.backend().usable();
        listener.onEvent(
                new ServerEvent.StateChanged(server, before, after, result, reason, left.active(), left.backup()));
        if (after == OperationalState.DOWN && left.none()) {
            listener.onEvent(new ServerEvent.NoServerAvailable(server.backend()));
        }
    }

    /** Stops every check and slow start. */
    @Override
    public void close() {
        closed = true;
        for (ServerHealth health : servers.values()) {
            synchronized (health) {
                health.cancel();
            }
        }
    }

    @Override
    public String toString() {
        return "HealthChecks" + servers.keySet() + " of " + router;
    }
}
