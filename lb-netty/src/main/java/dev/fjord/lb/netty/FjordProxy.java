package dev.fjord.lb.netty;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import dev.fjord.lb.core.AccessLogSink;
import dev.fjord.lb.core.ConfigSource;
import dev.fjord.lb.core.HealthChecks;
import dev.fjord.lb.core.LocalResponse;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.Reconfiguration;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.ServerEventListener;

import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * A running proxy: the frontends of a {@link ProxyConfig} listening, requests routed by a {@link Router} and
 * forwarded to servers on Netty. {@link #start(ProxyConfig)} binds every frontend before it returns.
 *
 * <pre>{@code
 * try (FjordProxy proxy = FjordProxy.start(config)) {
 *     InetSocketAddress main = proxy.address("main");         // the real port when the bind said port 0
 *     proxy.router().backend("app").requireServer("web1").adminState(AdminState.DRAIN);
 * }                                                           // graceful close: in-flight requests finish
 * }</pre>
 *
 * <p>Thread-safe. The run-time model ({@link #router()}) may be changed from any thread; each change applies to the
 * next request.
 */
public final class FjordProxy implements AutoCloseable {
    /** The default time {@link #close()} lets in-flight requests finish. */
    public static final Duration DEFAULT_CLOSE_DEADLINE = Duration.ofSeconds(10);

    private static final OperatorLog log = OperatorLog.of(FjordProxy.class.getName());

    private final ProxyRuntime runtime;
    private final EventLoops loops;
    /** False when the loops are the host application's ({@link Builder#eventLoops}): never shut down here. */
    private final boolean ownsLoops;

    private final ScheduledFuture<?> rateSampler;
    private final Frontends frontends;
    private final ClientConnections connections;
    private final HealthChecks healthChecks;
    private final @org.jspecify.annotations.Nullable StatsSocket statsSocket;
    /** The application's access-log sink, kept for the access logs a reconfiguration makes; null: none. */
    private final @org.jspecify.annotations.Nullable AccessLogSink customAccessLog;
    /** Read again by {@link #reload()}; null: none. */
    private final @org.jspecify.annotations.Nullable ConfigSource configSource;

    private volatile boolean closed;

    FjordProxy(
            ProxyRuntime runtime,
            EventLoops loops,
            boolean ownsLoops,
            ScheduledFuture<?> rateSampler,
            Frontends frontends,
            ClientConnections connections,
            HealthChecks healthChecks,
            @org.jspecify.annotations.Nullable StatsSocket statsSocket,
            @org.jspecify.annotations.Nullable AccessLogSink customAccessLog,
            @org.jspecify.annotations.Nullable ConfigSource configSource) {
        this.configSource = configSource;
        this.statsSocket = statsSocket;
        this.customAccessLog = customAccessLog;
        this.runtime = runtime;
        this.loops = loops;
        this.ownsLoops = ownsLoops;
        this.rateSampler = rateSampler;
        this.frontends = frontends;
        this.connections = connections;
        this.healthChecks = healthChecks;
    }

    /** Starts {@code config} with the default options. */
    public static FjordProxy start(ProxyConfig config) {
        return builder(Router.of(config)).start();
    }

    /** A builder for a proxy running {@code router} (made with {@link Router#builder} to inject clocks). */
    public static Builder builder(Router router) {
        return new Builder(router);
    }

    /** The live model: backends and servers whose state, weight and counters this proxy uses. */
    public Router router() {
        return runtime.router;
    }

    ProxyRuntime runtime() {
        return runtime;
    }

    /** The health checks of the servers marked {@code check}: results, and enabling or disabling them. */
    public HealthChecks healthChecks() {
        return healthChecks;
    }

    /**
     * The address the first bind of {@code frontend} listens on, with the real port when the bind said 0.
     *
     * @throws IllegalArgumentException when there is no such frontend
     */
    public InetSocketAddress address(String frontend) {
        return addresses(frontend).get(0);
    }

    /** Every address {@code frontend} listens on, in bind order. */
    public List<InetSocketAddress> addresses(String frontend) {
        return frontends.addresses(frontend);
    }

    /**
     * Runs {@code next} from now on, without a restart: frontends, backends and servers added, removed or changed,
     * while established connections and requests in flight go on. What stays keeps its run-time state: servers their
     * health, admin state, weight set by an operator (unless the configuration's weight changed), counters and
     * connections; backends their stick-table entries; frontends their counters and listening sockets. New
     * addresses are bound before anything changes: when one cannot be, or a log target does not resolve, this throws
     * and the running configuration stays whole. Connections of a removed frontend finish their request in flight,
     * then close; requests to a removed server finish, and none is sent to it.
     *
     * <p>Not applied, as they are made at start: {@code global} {@code stats socket}; the listen backlog of an address
     * kept. Thread-safe; reconfigurations are applied one at a time.
     *
     * @return what changed (also logged on {@code dev.fjord.lb.netty.FjordProxy})
     * @throws IllegalStateException when a new address cannot be bound, or the proxy is closed
     * @throws IllegalArgumentException when a new log target does not resolve
     */
    public Reconfiguration reconfigure(ProxyConfig next) {
        Objects.requireNonNull(next, "next");
        synchronized (frontends) {
            if (closed) {
                throw new IllegalStateException("the proxy is closed");
            }
            java.util.Map<String, String> initial = InitialAddresses.resolve(next, runtime.router); // may refuse
            AccessLogs logs = AccessLogs.of(next, customAccessLog);
            Reconfiguration changes;
            try {
                changes = frontends.reconfigure(next, runtime.router::reconfigure);
            } catch (RuntimeException e) {
                logs.close();
                throw e;
            }
            AccessLogs old = runtime.accessLogs;
            runtime.accessLogs = logs;
            runtime.workers.schedule(old::close, 2, TimeUnit.SECONDS); // lines being written finish first
            runtime.reconfigured();
            ServiceDiscovery before = runtime.discovery;
            if (before != null) {
                before.close(); // the next one adopts the servers it placed, by address
            }
            runtime.discovery =
                    ServiceDiscovery.start(next, runtime.router, loops, ServiceDiscovery.datagramType(loops), initial);
            Objects.requireNonNull(runtime.peers, "peers").apply(next);
            log.info("Fjord reconfigured: " + changes);
            return changes;
        }
    }

    /**
     * Reads the configuration again from the source given to {@link Builder#reloadFrom} and runs it as
     * {@link #reconfigure} does; the stats socket's {@code reload} command calls this. When the source cannot be read
     * or is not valid, this throws and the running configuration stays as it is. Thread-safe.
     *
     * @throws IllegalStateException when the proxy has no configuration source, or is closed, or a new address cannot
     *     be bound
     * @throws dev.fjord.lb.core.ConfigException when the configuration read is not valid
     * @throws IOException when it cannot be read
     */
    public Reconfiguration reload() throws IOException {
        ConfigSource source = configSource;
        if (source == null) {
            throw new IllegalStateException(
                    "reload: this proxy was started without a configuration source (FjordProxy.Builder.reloadFrom)");
        }
        return reconfigure(source.load());
    }

    /**
     * Serves {@code pem} (certificate, chain and private key, as a {@code crt} file holds them) instead of the
     * certificate named {@code name} (its path as the bind's {@code crt} names it, or a file of its directory), on
     * every bind that has it, from the next handshake on; established connections keep theirs, and no handshake
     * fails during the swap. As the runtime socket's {@code set ssl cert} then {@code commit ssl cert}; the file is
     * not written. Thread-safe.
     *
     * @return the number of binds that serve it now
     * @throws IllegalArgumentException when no bind has a certificate of that name, or {@code pem} is not a
     *     certificate with its key
     */
    public int updateCertificate(String name, String pem) {
        Objects.requireNonNull(name, "name");
        if (!runtime.tls.knows(name)) {
            throw new IllegalArgumentException("certificate '" + name + "' is not served by any bind (served: "
                    + runtime.tls.certificateNames() + ")");
        }
        return runtime.tls.replaceCertificate(PemBundle.parse(name, Objects.requireNonNull(pem, "pem"), null));
    }

    /**
     * Reads the certificate file {@code file} again (after it was replaced on disk) and serves it as
     * {@link #updateCertificate(String, String)} does; {@code file} as the bind's {@code crt} names it.
     *
     * @throws IllegalArgumentException when no bind has it, or it cannot be read
     */
    public int updateCertificate(java.nio.file.Path file) {
        String name = file.toString();
        if (!runtime.tls.knows(name)) {
            throw new IllegalArgumentException("certificate '" + name + "' is not served by any bind (served: "
                    + runtime.tls.certificateNames() + ")");
        }
        return runtime.tls.replaceCertificate(PemBundle.read(file));
    }

    /** Closes gracefully, letting in-flight requests finish for up to {@link #DEFAULT_CLOSE_DEADLINE}. */
    @Override
    public void close() {
        close(DEFAULT_CLOSE_DEADLINE);
    }

    /**
     * Stops accepting connections, closes idle ones, lets requests in flight finish until {@code deadline}, then
     * closes everything: its own event loops too, but not loops given to {@link Builder#eventLoops}. Idempotent.
     *
     * @return true when every request in flight finished before the deadline
     */
    public boolean close(Duration deadline) {
        Objects.requireNonNull(deadline, "deadline");
        if (closed) {
            return true;
        }
        synchronized (frontends) {
            closed = true;
        }
        runtime.closing = true;
        ServiceDiscovery discovery = runtime.discovery;
        if (discovery != null) {
            discovery.close();
        }
        Objects.requireNonNull(runtime.peers, "peers").close(); // set at start
        healthChecks.close();
        if (statsSocket != null) {
            statsSocket.close();
        }
        frontends.closeListeners();
        Admission admission = runtime.admission;
        if (admission != null) {
            admission.close();
        }
        for (Channel connection : connections) {
            if (!connection.isRegistered()) {
                continue; // admitted a moment ago and not set up yet: closed below with the rest
            }
            connection.eventLoop().execute(() -> {
                HttpProxyHandler handler = connection.pipeline().get(HttpProxyHandler.class);
                if (handler != null) {
                    handler.closeIfIdle();
                }
                Http2Session http2 = connection.pipeline().get(Http2Session.class);
                if (http2 != null) {
                    http2.closeGracefully(); // GOAWAY: no new streams, those in flight finish
                }
            });
        }
        boolean drained = runtime.awaitDrained(deadline);
        connections.closeAll(1000);
        runtime.closePools();
        rateSampler.cancel(false);
        if (ownsLoops) {
            loops.acceptor().shutdownGracefully(0, 1, TimeUnit.SECONDS);
            loops.workers().shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        runtime.accessLogs.close();
        log.info("Fjord stopped" + (drained ? "" : " with requests still in flight at the deadline"));
        return drained;
    }

    @Override
    public String toString() {
        Map<String, List<InetSocketAddress>> addresses = new LinkedHashMap<>();
        frontends.names().forEach(name -> addresses.put(name, addresses(name)));
        return "FjordProxy" + addresses;
    }

    /** Options of a proxy; not thread-safe. */
    public static final class Builder {
        final Router router;
        HttpLimits limits = HttpLimits.DEFAULT;
        final Map<Integer, LocalResponse> errorPages = new HashMap<>();
        int ioThreads = Runtime.getRuntime().availableProcessors();
        ServerEventListener listener = ServerEventListener.NONE;

        @org.jspecify.annotations.Nullable
        AccessLogSink accessLog;

        @org.jspecify.annotations.Nullable
        EventLoops eventLoops;

        Transport transport = Transport.AUTO;

        @org.jspecify.annotations.Nullable
        ConfigSource configSource;

        private Builder(Router router) {
            this.router = Objects.requireNonNull(router, "router");
        }

        /** Limits on request heads and bodies; default {@link HttpLimits#DEFAULT}. */
        public Builder limits(HttpLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** The response sent for {@code status} instead of the built-in page (HAProxy's {@code errorfile}). */
        public Builder errorPage(int status, LocalResponse response) {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("errorPage: status " + status + " (expected: 400-599)");
            }
            errorPages.put(status, Objects.requireNonNull(response, "response"));
            return this;
        }

        /**
         * Also tells {@code listener} of every server event (state changes, checks); they are always logged through
         * SLF4J. Default {@link ServerEventListener#NONE}.
         */
        public Builder eventListener(ServerEventListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Where access-log records of frontends that log go instead of the default: the frontend's {@code log}
         * targets (the global ones with {@code log global}, then its own) through a {@link SyslogAccessLog} the
         * proxy closes, or, for {@code log global} without global targets, each line to SLF4J, logger
         * {@code dev.fjord.lb.access}, level INFO.
         */
        public Builder accessLog(AccessLogSink sink) {
            this.accessLog = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /**
         * Runs on the host application's event loops instead of starting its own (one set of I/O threads per
         * process; {@code dev.fjord.lb.netty.reactor.ReactorEventLoops} adapts Reactor Netty's). {@link #close()}
         * leaves them running. Default: the proxy's own loops, {@link #ioThreads} of them on {@link #transport}.
         */
        public Builder eventLoops(EventLoops loops) {
            this.eventLoops = Objects.requireNonNull(loops, "loops");
            return this;
        }

        /**
         * The I/O transport of the proxy's own event loops; default {@link Transport#AUTO} (epoll on Linux, else
         * NIO; io_uring on request). Ignored with {@link #eventLoops}.
         */
        public Builder transport(Transport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /**
         * Where {@link FjordProxy#reload()} and the stats socket's {@code reload} command read the configuration
         * again, e.g. the haproxy.cfg the proxy was started from. Default: none ({@code reload} is refused).
         */
        public Builder reloadFrom(ConfigSource source) {
            this.configSource = Objects.requireNonNull(source, "source");
            return this;
        }

        /** Event-loop threads for connections, unless {@link #eventLoops} are given; default the processors. */
        public Builder ioThreads(int ioThreads) {
            if (ioThreads < 1) {
                throw new IllegalArgumentException("ioThreads: " + ioThreads + " (expected: >= 1)");
            }
            this.ioThreads = ioThreads;
            return this;
        }

        /**
         * Binds every frontend and starts serving.
         *
         * @throws IllegalStateException naming the frontend and address when a bind fails; nothing stays bound
         * @throws IllegalArgumentException naming the {@code log} target whose host does not resolve
         */
        public FjordProxy start() {
            return ProxyStart.start(this);
        }
    }
}
