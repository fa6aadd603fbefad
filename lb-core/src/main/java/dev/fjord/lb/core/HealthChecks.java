package dev.fjord.lb.core;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

import org.jspecify.annotations.Nullable;

/**
 * Health checks of every server marked {@code check}, driven by an injected {@link Scheduler} and performed by a
 * {@link CheckProbe}: a server goes DOWN after {@code fall} failed checks in a row and UP after {@code rise} passed
 * ones (HAProxy's counter, so alternating results never flap), checked every {@code inter}, {@code fastinter} while
 * changing state and {@code downinter} while DOWN; first checks are spread over {@code inter} so that servers are
 * not all checked at once. A recovered server ramps its weight up over {@code slowstart}; {@code disable-on-404}
 * puts it in NOLB; {@code observe} counts live-traffic errors ({@link #reportError}). Every change is a
 * {@link ServerEvent}.
 *
 * <p>Thread-safe: results and reports may come from any thread; each server's state changes under its own lock.
 *
 * <pre>{@code
 * HealthChecks checks = HealthChecks.start(router, scheduler, probe, Ticker.system(), event -> log.info(event.message()));
 * }</pre>
 */
public final class HealthChecks implements AutoCloseable {
    private final Router router;
    private final Scheduler scheduler;
    private final CheckProbe probe;
    private final Ticker ticker;
    private final ServerEventListener listener;
    private final Map<Server, Checked> servers = new ConcurrentHashMap<>();
    private final RandomGenerator random;
    private final int spreadPercent;
    private volatile boolean closed;

    /** The check state of one server. Guarded by itself. */
    private final class Checked {
        final Server server;
        final HealthState state;
        final @Nullable HttpCheck httpCheck;
        Scheduler.@Nullable Cancellable next;
        @Nullable CheckResult last;
        boolean enabled;
        long upSince;

        Checked(Server server, ServerConfig.InitState init) {
            this.server = server;
            ServerConfig config = server.config();
            this.state = new HealthState(config.rise(), config.fall(), config.check() ? init
                    : ServerConfig.InitState.FULLY_UP);
            this.httpCheck = server.backend().config().settings().httpCheck();
            this.enabled = config.check();
        }
    }

    private HealthChecks(Router router, Scheduler scheduler, CheckProbe probe, Ticker ticker,
            ServerEventListener listener, RandomGenerator random) {
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
     * {@code observe}); first checks come at random points within each server's {@code inter}.
     */
    public static HealthChecks start(Router router, Scheduler scheduler, CheckProbe probe, Ticker ticker,
            ServerEventListener listener, RandomGenerator random) {
        HealthChecks checks = new HealthChecks(Objects.requireNonNull(router, "router"),
                Objects.requireNonNull(scheduler, "scheduler"), Objects.requireNonNull(probe, "probe"),
                Objects.requireNonNull(ticker, "ticker"), Objects.requireNonNull(listener, "listener"),
                Objects.requireNonNull(random, "random"));
        for (Backend backend : router.backends()) {
            for (Server server : backend.servers()) {
                checks.register(server, server.config().initState(), true);
            }
            ((LiveBackend) backend).observe(new LiveBackend.Observer() {
                @Override
                public void added(Server server) {
                    checks.register(server, ServerConfig.InitState.FULLY_DOWN, false);
                    checks.listener.onEvent(new ServerEvent.Added(server));
                }

                @Override
                public void removed(Server server) {
                    checks.unregister(server);
                    checks.listener.onEvent(new ServerEvent.Removed(server));
                }

                @Override
                public void adminChanged(Server server, AdminState from, AdminState to) {
                    server.counters().stateChanged(checks.ticker.read(),
                            server.operationalState() == OperationalState.DOWN);
                    int[] left = usable(server.backend());
                    checks.listener.onEvent(new ServerEvent.AdminChanged(server, from, to, left[0], left[1]));
                    if (to != AdminState.READY && left[0] + left[1] == 0) {
                        checks.listener.onEvent(new ServerEvent.NoServerAvailable(server.backend()));
                    }
                }
            });
        }
        return checks;
    }

    /** Starts watching {@code server}; its first check comes within {@code inter} (spread) or at once (added). */
    private void register(Server server, ServerConfig.InitState init, boolean spread) {
        if (!server.config().check() && server.config().observe() == null) {
            return;
        }
        Checked checked = new Checked(server, init);
        servers.put(server, checked);
        if (!checked.state.isUp() && server.operationalState() != OperationalState.DOWN) {
            ((LiveServer) server).markDown(); // init-state down: no traffic before it passes its checks
        }
        if (checked.enabled) {
            long inter = server.config().inter().toNanos();
            schedule(checked, spread ? Duration.ofNanos(random.nextLong(Math.max(1, inter))) : Duration.ZERO);
        }
    }

    private void unregister(Server server) {
        Checked checked = servers.remove(server);
        if (checked != null) {
            synchronized (checked) {
                checked.enabled = false;
                if (checked.next != null) {
                    checked.next.cancel();
                    checked.next = null;
                }
            }
        }
    }

    /** The last check result of {@code server}, or null when it was not checked yet (or is not checked). */
    public @Nullable CheckResult lastCheck(Server server) {
        Checked checked = servers.get(server);
        if (checked == null) {
            return null;
        }
        synchronized (checked) {
            return checked.last;
        }
    }

    /** Stops checking {@code server}; its state stays as it is ({@code disable health}). */
    public void disable(Server server) {
        Checked checked = require(server);
        synchronized (checked) {
            checked.enabled = false;
            if (checked.next != null) {
                checked.next.cancel();
                checked.next = null;
            }
        }
    }

    /** Checks {@code server} again, starting now ({@code enable health}). */
    public void enable(Server server) {
        Checked checked = require(server);
        synchronized (checked) {
            if (checked.enabled) {
                return;
            }
            checked.enabled = true;
        }
        schedule(checked, Duration.ZERO);
    }

    /** Whether {@code server}'s checks are running. */
    public boolean isEnabled(Server server) {
        Checked checked = servers.get(server);
        if (checked == null) {
            return false;
        }
        synchronized (checked) {
            return checked.enabled;
        }
    }

    /**
     * Reports a live-traffic error for {@code observe}: {@code layer7} for invalid responses, timeouts and 5xx,
     * else a connection failure. Ignored for servers without {@code observe}, and for layer-7 errors under
     * {@code observe layer4}.
     */
    public void reportError(Server server, boolean layer7) {
        Checked checked = servers.get(server);
        PassiveCheck observe = server.config().observe();
        if (checked == null || observe == null || (layer7 && observe.layer() == PassiveCheck.Layer.LAYER4)) {
            return;
        }
        boolean changed;
        boolean reschedule;
        synchronized (checked) {
            boolean wasUp = checked.state.isUp();
            changed = checked.state.liveError(observe.errorLimit(), observe.onError());
            reschedule = !changed && wasUp && checked.enabled;
        }
        if (changed) {
            apply(checked, null, "Health analyze: " + observe.errorLimit() + " consecutive errors");
        }
        if (reschedule && observe.onError() != PassiveCheck.OnError.FAIL_CHECK) {
            schedule(checked, server.config().fastInter()); // check soon to confirm or clear
        }
    }

    /** Reports a live request that went well: passive errors must come in a row to count. */
    public void reportSuccess(Server server) {
        Checked checked = servers.get(server);
        if (checked != null) {
            synchronized (checked) {
                checked.state.liveSuccess();
            }
        }
    }

    private Checked require(Server server) {
        Checked checked = servers.get(server);
        if (checked == null) {
            throw new IllegalArgumentException("backend '" + server.backend().name() + "': server '" + server.name()
                    + "' has no health check (expected: 'check' on its line)");
        }
        return checked;
    }

    private void schedule(Checked checked, Duration delay) {
        if (closed) {
            return;
        }
        synchronized (checked) {
            if (checked.next != null) {
                checked.next.cancel();
            }
            checked.next = scheduler.schedule(spread(delay), () -> run(checked));
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

    private void run(Checked checked) {
        synchronized (checked) {
            checked.next = null;
            if (!checked.enabled || closed) {
                return;
            }
        }
        probe.check(checked.server, checked.httpCheck, result -> completed(checked, result));
    }

    private void completed(Checked checked, CheckResult result) {
        boolean changed;
        Duration next;
        OperationalState wanted;
        synchronized (checked) {
            checked.last = result;
            changed = checked.state.check(result.status().passed());
            next = checked.state.nextInterval(checked.server.config());
            wanted = !checked.state.isUp() ? OperationalState.DOWN
                    : result.status() == CheckStatus.L7OKC ? OperationalState.NOLB : OperationalState.UP;
        }
        if (!result.status().passed()) {
            checked.server.counters().checkFailed(changed && !checked.state.isUp());
        }
        listener.onEvent(new ServerEvent.CheckCompleted(checked.server, result));
        if (changed || (checked.state.isUp() && checked.server.operationalState() != wanted)) {
            apply(checked, result, result.status().description());
        }
        boolean enabled;
        synchronized (checked) {
            enabled = checked.enabled;
        }
        if (enabled) {
            schedule(checked, next);
        }
    }

    /** Makes the server's operational state follow its health state, and tells the listener. */
    private void apply(Checked checked, @Nullable CheckResult result, String reason) {
        Server server = checked.server;
        LiveServer live = (LiveServer) server;
        OperationalState before = server.operationalState();
        OperationalState after;
        synchronized (checked) {
            after = !checked.state.isUp() ? OperationalState.DOWN
                    : result != null && result.status() == CheckStatus.L7OKC ? OperationalState.NOLB
                    : OperationalState.UP;
            if (after == before) {
                return;
            }
            switch (after) {
                case DOWN -> {
                    live.throttle(100);
                    live.markDown();
                }
                case NOLB -> live.markNoLoadBalancing();
                case UP -> {
                    boolean recovering = before == OperationalState.DOWN;
                    live.markUp();
                    if (recovering && !server.config().slowStart().isZero()) {
                        checked.upSince = ticker.read();
                        live.throttle(0);
                        scheduleSlowStart(checked);
                    }
                }
            }
        }
        server.counters().stateChanged(ticker.read(), after == OperationalState.DOWN);
        int[] left = usable(server.backend());
        listener.onEvent(new ServerEvent.StateChanged(server, before, after, result, reason, left[0], left[1]));
        if (after == OperationalState.DOWN && left[0] + left[1] == 0) {
            listener.onEvent(new ServerEvent.NoServerAvailable(server.backend()));
        }
    }

    /** Raises the throttle of a recovered server linearly over {@code slowstart}, in twentieths. */
    private void scheduleSlowStart(Checked checked) {
        Duration slowStart = checked.server.config().slowStart();
        Duration step = slowStart.dividedBy(20).compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100)
                : slowStart.dividedBy(20);
        scheduler.schedule(step, () -> {
            LiveServer live = (LiveServer) checked.server;
            synchronized (checked) {
                if (closed || live.operationalState() == OperationalState.DOWN) {
                    return;
                }
                long elapsed = ticker.read() - checked.upSince;
                int percent = (int) Math.min(100, elapsed * 100 / slowStart.toNanos());
                live.throttle(percent);
                if (percent >= 100) {
                    return;
                }
            }
            scheduleSlowStart(checked);
        });
    }

    /** Usable active and backup servers of {@code backend}: {@code [active, backup]}. */
    static int[] usable(Backend backend) {
        int active = 0;
        int backup = 0;
        List<Server> all = backend.servers();
        for (Server server : all) {
            if (server.isBalanced()) {
                if (server.config().backup()) {
                    backup++;
                } else {
                    active++;
                }
            }
        }
        return new int[] {active, backup};
    }

    /** Stops every check. */
    @Override
    public void close() {
        closed = true;
        for (Checked checked : servers.values()) {
            synchronized (checked) {
                if (checked.next != null) {
                    checked.next.cancel();
                    checked.next = null;
                }
            }
        }
    }

    @Override
    public String toString() {
        return "HealthChecks" + servers.keySet() + " of " + router;
    }
}
