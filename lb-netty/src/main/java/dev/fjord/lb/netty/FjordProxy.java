package dev.fjord.lb.netty;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.fjord.lb.core.AccessLogSink;
import dev.fjord.lb.core.Address;
import dev.fjord.lb.core.FrontendConfig;
import dev.fjord.lb.core.HealthChecks;
import dev.fjord.lb.core.LocalResponse;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.Scheduler;
import dev.fjord.lb.core.ServerEventListener;
import dev.fjord.lb.core.Ticker;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
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
    private final Map<String, List<Channel>> listeners;
    private final ChannelGroup connections;
    private final HealthChecks healthChecks;
    private final @org.jspecify.annotations.Nullable StatsSocket statsSocket;
    private final AccessLogs accessLogs;
    private volatile boolean closed;

    private FjordProxy(
            ProxyRuntime runtime,
            EventLoops loops,
            boolean ownsLoops,
            ScheduledFuture<?> rateSampler,
            Map<String, List<Channel>> listeners,
            ChannelGroup connections,
            HealthChecks healthChecks,
            @org.jspecify.annotations.Nullable StatsSocket statsSocket,
            AccessLogs accessLogs) {
        this.statsSocket = statsSocket;
        this.accessLogs = accessLogs;
        this.runtime = runtime;
        this.loops = loops;
        this.ownsLoops = ownsLoops;
        this.rateSampler = rateSampler;
        this.listeners = listeners;
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
        List<Channel> channels = listeners.get(frontend);
        if (channels == null) {
            throw new IllegalArgumentException(
                    "frontend '" + frontend + "' is not defined (defined: " + List.copyOf(listeners.keySet()) + ")");
        }
        List<InetSocketAddress> addresses = new ArrayList<>(channels.size());
        channels.forEach(channel -> addresses.add((InetSocketAddress) channel.localAddress()));
        return addresses;
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
        closed = true;
        runtime.closing = true;
        healthChecks.close();
        if (statsSocket != null) {
            statsSocket.close();
        }
        listeners
                .values()
                .forEach(channels -> channels.forEach(channel -> channel.close().syncUninterruptibly()));
        Admission admission = runtime.admission;
        if (admission != null) {
            admission.close();
        }
        for (Channel connection : connections) {
            connection.eventLoop().execute(() -> {
                HttpProxyHandler handler = connection.pipeline().get(HttpProxyHandler.class);
                if (handler != null) {
                    handler.closeIfIdle();
                }
            });
        }
        boolean drained = runtime.awaitDrained(deadline);
        connections.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        runtime.closePools();
        rateSampler.cancel(false);
        if (ownsLoops) {
            loops.acceptor().shutdownGracefully(0, 1, TimeUnit.SECONDS);
            loops.workers().shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        accessLogs.close();
        log.info("Fjord stopped" + (drained ? "" : " with requests still in flight at the deadline"));
        return drained;
    }

    @Override
    public String toString() {
        Map<String, List<InetSocketAddress>> addresses = new LinkedHashMap<>();
        listeners.keySet().forEach(name -> addresses.put(name, addresses(name)));
        return "FjordProxy" + addresses;
    }

    /** Options of a proxy; not thread-safe. */
    public static final class Builder {
        private final Router router;
        private HttpLimits limits = HttpLimits.DEFAULT;
        private final Map<Integer, LocalResponse> errorPages = new HashMap<>();
        private int ioThreads = Runtime.getRuntime().availableProcessors();
        private ServerEventListener listener = ServerEventListener.NONE;
        private @org.jspecify.annotations.Nullable AccessLogSink accessLog;
        private @org.jspecify.annotations.Nullable EventLoops eventLoops;
        private Transport transport = Transport.AUTO;

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
         * NIO). Ignored with {@link #eventLoops}.
         */
        public Builder transport(Transport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
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
            AccessLogs accessLogs = AccessLogs.of(router.config(), accessLog);
            boolean ownsLoops = eventLoops == null;
            EventLoops loops = eventLoops != null ? eventLoops : EventLoops.own(transport, ioThreads);
            EventLoopGroup workers = loops.workers();
            ProxyRuntime runtime =
                    new ProxyRuntime(router, workers, loops.channelType(), limits, errorPages, accessLogs);
            ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
            Map<String, List<Channel>> listeners = new LinkedHashMap<>();
            List<Channel> all = new ArrayList<>();
            // every listener on one loop, which admission (maxconn) keeps its state on
            io.netty.channel.EventLoop acceptLoop = loops.acceptor().next();
            Admission admission = new Admission(acceptLoop, runtime.globalConnections, runtime.globalMaxConn);
            runtime.admission = admission;
            try {
                for (FrontendConfig frontend : router.config().frontends().values()) {
                    List<Channel> channels = new ArrayList<>();
                    AtomicInteger count = new AtomicInteger();
                    runtime.frontendConnections.put(frontend.name(), count);
                    admission.frontend(
                            frontend.name(), count, frontend.settings().maxConn());
                    for (Address bind : frontend.binds()) {
                        Channel channel = FrontendListener.bind(
                                runtime, loops, acceptLoop, frontend, bind, admission, connections);
                        admission.listener(frontend.name(), channel);
                        channels.add(channel);
                        all.add(channel);
                    }
                    listeners.put(frontend.name(), List.copyOf(channels));
                }
            } catch (RuntimeException e) {
                all.forEach(Channel::close);
                accessLogs.close();
                shutdownOwn(loops, ownsLoops);
                throw e;
            }
            EventLog eventLog = new EventLog();
            ServerEventListener events = event -> {
                eventLog.onEvent(event);
                runtime.onServerEvent(event);
                listener.onEvent(event);
                runtime.serverListeners.forEach(l -> l.onEvent(event));
            };
            Scheduler scheduler = (delay, task) -> {
                var future = workers.next().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
                return () -> future.cancel(false);
            };
            HealthChecks checks = HealthChecks.start(
                    router,
                    scheduler,
                    new NettyCheckProbe(workers, loops.channelType()),
                    Ticker.system(),
                    events,
                    () -> ThreadLocalRandom.current().nextLong());
            runtime.healthChecks = checks;
            StatsSocket socket = null;
            String socketPath = router.config().global().statsSocket();
            if (socketPath != null) {
                try {
                    socket = StatsSocket.open(java.nio.file.Path.of(socketPath), runtime, checks, ioThreads);
                } catch (IllegalStateException e) {
                    checks.close();
                    all.forEach(Channel::close);
                    accessLogs.close();
                    shutdownOwn(loops, ownsLoops);
                    throw e;
                }
            }
            // session rates (rate, rate_max): sampled once a second on an event loop
            ScheduledFuture<?> sampler =
                    workers.next().scheduleAtFixedRate(() -> sampleRates(router), 1, 1, TimeUnit.SECONDS);
            FjordProxy proxy = new FjordProxy(
                    runtime, loops, ownsLoops, sampler, listeners, connections, checks, socket, accessLogs);
            log.info("Fjord started: " + proxy);
            return proxy;
        }

        /** After a failed start: shuts the loops down when they are the proxy's own. */
        private static void shutdownOwn(EventLoops loops, boolean owned) {
            if (owned) {
                loops.acceptor().shutdownGracefully(0, 0, TimeUnit.SECONDS);
                loops.workers().shutdownGracefully(0, 0, TimeUnit.SECONDS);
            }
        }

        private static void sampleRates(Router router) {
            router.config()
                    .frontends()
                    .keySet()
                    .forEach(name -> router.frontendCounters(name).sampleRate());
            for (var backend : router.backends()) {
                backend.counters().sampleRate();
                backend.servers().forEach(server -> server.counters().sampleRate());
            }
        }
    }
}
