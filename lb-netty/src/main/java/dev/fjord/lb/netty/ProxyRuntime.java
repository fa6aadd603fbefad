package dev.fjord.lb.netty;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.AccessLogEntry;
import dev.fjord.lb.core.AccessLogFormat;
import dev.fjord.lb.core.AccessLogSink;
import dev.fjord.lb.core.CustomLogFormat;
import dev.fjord.lb.core.FrontendConfig;
import dev.fjord.lb.core.HealthChecks;
import dev.fjord.lb.core.HttpRequestRule;
import dev.fjord.lb.core.LocalResponse;
import dev.fjord.lb.core.LogOptions;
import dev.fjord.lb.core.RequestHead;
import dev.fjord.lb.core.ResponseHead;
import dev.fjord.lb.core.RouteDecision;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.Server;
import dev.fjord.lb.core.ServerSlots;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpRequest;

/** What every connection of one running proxy shares: the router, slots, connection pools, options. Thread-safe. */
final class ProxyRuntime {
    final Router router;
    final EventLoopGroup workers;
    /** The type of connections to servers, suiting {@link #workers}' I/O handler. */
    final Class<? extends SocketChannel> channelType;

    final HttpLimits limits;
    final Map<Integer, LocalResponse> errorPages;
    final AtomicInteger globalConnections = new AtomicInteger();
    /** Requests and TCP sessions started so far ({@code %rt}). */
    final java.util.concurrent.atomic.AtomicLong requestCounter = new java.util.concurrent.atomic.AtomicLong();
    /** This machine's name ({@code %H}), looked up once at start: never on an event loop. */
    final String hostname = SyslogAccessLog.hostname();
    /** The TLS contexts of binds and servers, and the certificates replaced at run time. */
    final TlsRuntime tls = new TlsRuntime();
    /** The timers of connections and exchanges (head waits, {@code timeout client} and {@code server}). */
    final DeadlineQueues deadlines = new DeadlineQueues();
    /** The native memory compression holds ({@code maxzlibmem}). */
    final ZlibBudget zlib = new ZlibBudget(this::maxZlibMem);

    private final Map<Server, ServerSlots> slots = new ConcurrentHashMap<>();
    private final Map<Server, BackendPool> pools = new ConcurrentHashMap<>();
    /** The pools of servers without a port, by the client's destination port. */
    private final Map<Server, Map<Integer, BackendPool>> portlessPools = new ConcurrentHashMap<>();
    /** Ways to close the sessions in flight on each server ({@code on-marked-down shutdown-sessions}). */
    private final Map<Server, Set<Runnable>> sessions = new ConcurrentHashMap<>();
    /** Exchanges in flight, for graceful close. */
    final AtomicInteger inFlight = new AtomicInteger();

    volatile boolean closing;
    /** Set once while the proxy starts, before any connection. */
    @org.jspecify.annotations.Nullable
    Admission admission;
    /** Told of every server event after the proxy's own listeners (the Micrometer binding). */
    final List<dev.fjord.lb.core.ServerEventListener> serverListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Replaced by a reconfiguration; an exchange reads it when it logs. */
    volatile AccessLogs accessLogs;
    /** Connections per frontend ({@code %fc}), by frontend name. */
    final Map<String, AtomicInteger> frontendConnections = new ConcurrentHashMap<>();

    private final Map<String, LineFormat> formats = new ConcurrentHashMap<>();

    /** A frontend's access-log line for a record, the request as routed and the response sent. */
    private interface LineFormat {
        String line(AccessLogEntry entry, @Nullable RequestHead request, @Nullable ResponseHead response);
    }
    /** Sees every finished exchange's record, logged or not (the Micrometer timers); null: none. */
    volatile java.util.function.@Nullable Consumer<AccessLogEntry> entryObserver;
    /** Set once at start, before any connection is accepted. */
    volatile @org.jspecify.annotations.Nullable HealthChecks healthChecks;
    /** Fills server templates from DNS; replaced by a reconfiguration. */
    volatile @org.jspecify.annotations.Nullable ServiceDiscovery discovery;
    /** Shares the stick tables with the peers of the {@code peers} sections; set once at start. */
    volatile @org.jspecify.annotations.Nullable PeersService peers;
    /** Runs the stats socket's {@code reload}, set once the proxy has started; null: none. */
    volatile dev.fjord.lb.core.RuntimeCommands.@Nullable Reloader reloader;

    /** {@code maxzlibmem} of the configuration running now, in MB. */
    private int maxZlibMem() {
        return router.config().global().maxZlibMemMegabytes();
    }

    /** The stats socket's {@code reload}: refused until the proxy has started, and without a source. */
    String reload() throws Exception {
        var now = reloader;
        if (now == null) {
            throw new IllegalStateException("reload: this proxy was started without a configuration source");
        }
        return now.reload();
    }

    ProxyRuntime(
            Router router,
            EventLoopGroup workers,
            Class<? extends SocketChannel> channelType,
            HttpLimits limits,
            Map<Integer, LocalResponse> errorPages,
            AccessLogs accessLogs) {
        this.accessLogs = accessLogs;
        this.router = router;
        this.workers = workers;
        this.channelType = channelType;
        this.limits = limits;
        this.errorPages = Map.copyOf(errorPages);
    }

    /**
     * After a reconfiguration: slots take the servers' new {@code maxconn} and {@code maxqueue}, log formats are
     * made again.
     */
    void reconfigured() {
        PlainInitialAddresses.apply(router); // init-addr of servers written with a name that does not resolve
        slots.forEach((server, slots) -> {
            if (slots.maxConn() != server.config().maxConn()
                    || slots.maxQueue() != server.config().maxQueue()) {
                slots.resize(server.config().maxConn(), server.config().maxQueue());
            }
        });
        formats.clear();
    }

    /**
     * Routes {@code head} through {@code frontend} with its connection's sticky {@code counters}; a frontend a
     * reconfiguration removed (a request still arriving on one of its connections) answers 503.
     */
    dev.fjord.lb.core.RouteDecision route(
            dev.fjord.lb.core.FrontendConfig frontend,
            dev.fjord.lb.core.RequestHead head,
            dev.fjord.lb.core.StickCounters counters) {
        try {
            return router.route(frontend.name(), head, counters);
        } catch (IllegalArgumentException removed) {
            return new dev.fjord.lb.core.RouteDecision.Respond(
                    frontend, head, head, null, LocalResponse.error(503), dev.fjord.lb.core.CookieStatus.NOT_CHECKED);
        }
    }

    ServerSlots slots(Server server) {
        return slots.computeIfAbsent(
                server, s -> new ServerSlots(s.config().maxConn(), s.config().maxQueue()));
    }

    /**
     * The connections to {@code server} for a request that arrived on local port {@code destinationPort}: one pool
     * per server, or per server and port for a server written without a port.
     */
    BackendPool pool(Server server, int destinationPort) {
        if (server.config().address().port() != 0) {
            return pools.computeIfAbsent(
                    server, s -> newPool(s, s.config().address().port()));
        }
        return portlessPools
                .computeIfAbsent(server, s -> new ConcurrentHashMap<>())
                .computeIfAbsent(destinationPort, port -> newPool(server, port));
    }

    private BackendPool newPool(Server server, int port) {
        return new BackendPool(
                server, port, server.backend().config().settings().mode(), channelType);
    }

    /**
     * Registers a way to close a session on {@code server}, when an event may close it ({@code on-marked-down
     * shutdown-sessions} on the server, or {@code on-marked-up shutdown-backup-sessions} on an active server of its
     * backend for a backup one; else nothing is kept, sparing a shared map two updates per request); the returned
     * action unregisters it. A session started before a reconfiguration turned either option on is not closed.
     */
    Runnable session(Server server, Runnable close) {
        dev.fjord.lb.core.ServerConfig config = server.config();
        if (!config.shutdownSessionsOnDown()
                && !(config.backup()
                        && server.backend().servers().stream()
                                .anyMatch(s -> s.config().shutdownBackupSessionsOnUp()))) {
            return ProxyRuntime::noSession;
        }
        Set<Runnable> set = sessions.computeIfAbsent(server, s -> ConcurrentHashMap.newKeySet());
        set.add(close);
        return () -> set.remove(close);
    }

    /** What {@link #session} returns when nothing was registered. */
    private static void noSession() {}

    /** Closes every session in flight on {@code server}. */
    void shutdownSessions(Server server) {
        Set<Runnable> set = sessions.get(server);
        if (set != null) {
            List.copyOf(set).forEach(Runnable::run);
        }
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

    /** Passive checks: no connection to {@code server} could be made. */
    void reportConnectFailure(Server server) {
        HealthChecks checks = healthChecks;
        if (checks != null) {
            checks.reportConnectFailure(server);
        }
    }

    /** Passive checks: a live request to {@code server} went well. */
    void reportSuccess(Server server) {
        HealthChecks checks = healthChecks;
        if (checks != null) {
            checks.reportSuccess(server);
        }
    }

    /**
     * Ends an exchange of {@code frontend}: its server's and backend's average times ({@code qtime ctime rtime
     * ttime}) take its timers, and its access-log record is written when the frontend logs ({@code log}), as HAProxy
     * decides: not for an empty connection with {@code option dontlognull}, nor a request that went well with
     * {@code option dontlog-normal}, nor one an {@code http-request set-log-level silent} rule silenced; at the
     * level a {@code set-log-level} rule set, else {@code err} for a failed request with {@code option
     * log-separate-errors}, else {@code info}; in the frontend's {@code log-format}, or its format ({@code option
     * httplog}, tcplog, JSON), client addresses masked as configured. {@code http} is the HTTP request whose line
     * the entry carries (made only when an entry is), null for TCP sessions and connections without a request.
     */
    void log(
            FrontendConfig frontend,
            ExchangeRecord record,
            InetSocketAddress client,
            @Nullable RouteDecision decision,
            @Nullable Server server,
            @Nullable HttpRequest http) {
        AccessLogSink sink = accessLogs.sink(frontend.name());
        java.util.function.Consumer<AccessLogEntry> observer = entryObserver;
        if (sink == null && observer == null) {
            if (server != null) {
                record.countTimingsOnly(server); // the averages, without building an entry nobody reads
            }
            return;
        }
        AtomicInteger count = frontendConnections.get(frontend.name());
        String requestLine = // built only for a log: no string per request otherwise
                http == null ? null : http.method() + " " + http.uri() + " " + http.protocolVersion();
        AccessLogEntry entry =
                record.entry(frontend, client, decision, server, this, count == null ? 0 : count.get(), requestLine);
        if (entry == null) {
            return;
        }
        if (server != null && entry.connectTime() >= 0) {
            server.counters().timings(entry.queueTime(), entry.connectTime(), entry.responseTime(), entry.activeTime());
            server.backend()
                    .counters()
                    .timings(entry.queueTime(), entry.connectTime(), entry.responseTime(), entry.activeTime());
        }
        if (observer != null) {
            observer.accept(entry);
        }
        if (sink == null
                || (frontend.settings().dontLogNull()
                        && requestLine == null
                        && entry.bytesOut() == 0
                        && entry.status() < 0)) {
            return; // option dontlognull: a connection that carried nothing is not logged
        }
        LogOptions options = frontend.settings().logOptions();
        boolean failed = entry.failed();
        if (options.dontLogNormal() && !failed) {
            return;
        }
        String level = decision == null ? null : router.logLevel(decision);
        if (level == null) {
            level = options.logSeparateErrors() && failed ? "err" : "info";
        }
        if (level.equals(HttpRequestRule.SetLogLevel.SILENT)) {
            return;
        }
        LineFormat format = formats.computeIfAbsent(frontend.name(), name -> formatOf(frontend));
        RequestHead request = decision == null ? null : decision.routedRequest();
        sink.log(entry, format.line(entry, request, record.sentHead()), level);
    }

    /** The frontend's access-log line: its {@code log-format}, else its built-in format. */
    private LineFormat formatOf(FrontendConfig frontend) {
        String custom = frontend.settings().logOptions().customFormat();
        ZoneId zone = ZoneId.systemDefault();
        if (custom != null) {
            CustomLogFormat parsed = CustomLogFormat.parse(custom);
            long pid = ProcessHandle.current().pid();
            return (entry, request, response) ->
                    parsed.format(entry, frontend.logMask(), zone, hostname, pid, request, response);
        }
        AccessLogFormat builtIn = new AccessLogFormat(frontend.settings().logFormat(), frontend.logMask(), zone);
        return (entry, request, response) -> builtIn.format(entry);
    }

    /** Forgets the pools of {@code server}: their idle connections close, those in use close when returned. */
    private void retirePools(Server server) {
        BackendPool pool = pools.remove(server);
        if (pool != null) {
            pool.retire();
        }
        Map<Integer, BackendPool> byPort = portlessPools.remove(server);
        if (byPort != null) {
            byPort.values().forEach(BackendPool::retire);
        }
    }

    void closePools() {
        pools.values().forEach(BackendPool::closeIdle);
        portlessPools.values().forEach(byPort -> byPort.values().forEach(BackendPool::closeIdle));
    }

    /** {@code on-marked-down shutdown-sessions} and {@code on-marked-up shutdown-backup-sessions}. */
    void onServerEvent(dev.fjord.lb.core.ServerEvent event) {
        if (event instanceof dev.fjord.lb.core.ServerEvent.Moved moved) {
            retirePools(moved.server()); // the next request connects to the new address
            return;
        }
        if (event instanceof dev.fjord.lb.core.ServerEvent.Removed removed) {
            retirePools(removed.server());
            return;
        }
        if (!(event instanceof dev.fjord.lb.core.ServerEvent.StateChanged changed)) {
            return;
        }
        Server server = changed.server();
        if (changed.to() == dev.fjord.lb.core.OperationalState.DOWN
                && server.config().shutdownSessionsOnDown()) {
            shutdownSessions(server);
        } else if (changed.to() == dev.fjord.lb.core.OperationalState.UP
                && server.config().shutdownBackupSessionsOnUp()
                && !server.config().backup()) {
            server.backend().servers().stream().filter(s -> s.config().backup()).forEach(this::shutdownSessions);
        }
    }
}
