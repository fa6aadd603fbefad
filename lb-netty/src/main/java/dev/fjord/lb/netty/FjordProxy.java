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

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fjord.lb.core.AccessLogSink;
import dev.fjord.lb.core.Address;
import dev.fjord.lb.core.FrontendConfig;
import dev.fjord.lb.core.HealthChecks;
import dev.fjord.lb.core.LocalResponse;
import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.OperationalState;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.RuntimeCommands;
import dev.fjord.lb.core.Scheduler;
import dev.fjord.lb.core.Server;
import dev.fjord.lb.core.ServerEvent;
import dev.fjord.lb.core.ServerEventListener;
import dev.fjord.lb.core.Ticker;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;

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
    static final String CLIENT_DECODER = "fjord.client.decoder";
    private static final Logger log = LoggerFactory.getLogger(FjordProxy.class);

    private final ProxyRuntime runtime;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Map<String, List<Channel>> listeners;
    private final ChannelGroup connections;
    private final HealthChecks healthChecks;
    private final @org.jspecify.annotations.Nullable StatsSocket statsSocket;
    private final AccessLogs accessLogs;
    private volatile boolean closed;

    private FjordProxy(ProxyRuntime runtime, EventLoopGroup boss, EventLoopGroup workers,
            Map<String, List<Channel>> listeners, ChannelGroup connections, HealthChecks healthChecks,
            @org.jspecify.annotations.Nullable StatsSocket statsSocket, AccessLogs accessLogs) {
        this.statsSocket = statsSocket;
        this.accessLogs = accessLogs;
        this.runtime = runtime;
        this.boss = boss;
        this.workers = workers;
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
            throw new IllegalArgumentException("frontend '" + frontend + "' is not defined (defined: "
                    + List.copyOf(listeners.keySet()) + ")");
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
     * closes everything. Idempotent.
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
        listeners.values().forEach(channels -> channels.forEach(channel -> channel.close().syncUninterruptibly()));
        runtime.admission.close();
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
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        accessLogs.close();
        log.info("Fjord stopped{}", drained ? "" : " with requests still in flight at the deadline");
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

        /** Event-loop threads for connections; default the number of processors. */
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
            EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("fjord-accept"),
                    NioIoHandler.newFactory());
            EventLoopGroup workers = new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory("fjord-io"),
                    NioIoHandler.newFactory());
            ProxyRuntime runtime = new ProxyRuntime(router, workers, limits, errorPages, accessLogs);
            ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
            Map<String, List<Channel>> listeners = new LinkedHashMap<>();
            List<Channel> all = new ArrayList<>();
            Admission admission = new Admission(boss.next(), runtime.globalConnections, runtime.globalMaxConn);
            runtime.admission = admission;
            try {
                for (FrontendConfig frontend : router.config().frontends().values()) {
                    List<Channel> channels = new ArrayList<>();
                    AtomicInteger count = new AtomicInteger();
                    runtime.frontendConnections.put(frontend.name(), count);
                    admission.frontend(frontend.name(), count, frontend.settings().maxConn());
                    for (Address bind : frontend.binds()) {
                        Channel channel = bind(runtime, boss, workers, frontend, bind, admission, connections);
                        admission.listener(frontend.name(), channel);
                        channels.add(channel);
                        all.add(channel);
                    }
                    listeners.put(frontend.name(), List.copyOf(channels));
                }
            } catch (RuntimeException e) {
                all.forEach(Channel::close);
                accessLogs.close();
                boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                throw e;
            }
            EventLog eventLog = new EventLog();
            ServerEventListener events = event -> {
                eventLog.onEvent(event);
                shutdownSessions(runtime, event);
                listener.onEvent(event);
                runtime.serverListeners.forEach(l -> l.onEvent(event));
            };
            Scheduler scheduler = (delay, task) -> {
                var future = workers.next().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
                return () -> future.cancel(false);
            };
            HealthChecks checks = HealthChecks.start(router, scheduler, new NettyCheckProbe(workers), Ticker.system(),
                    events, () -> ThreadLocalRandom.current().nextLong());
            runtime.healthChecks = checks;
            StatsSocket socket = null;
            String socketPath = router.config().global().statsSocket();
            if (socketPath != null) {
                long started = System.nanoTime();
                int threads = ioThreads;
                RuntimeCommands commands = new RuntimeCommands(router, checks, s -> runtime.slots(s).queued(),
                        s -> runtime.slots(s).maxQueued(), new RuntimeCommands.InfoSource() {
                            @Override
                            public long uptimeSeconds() {
                                return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
                            }

                            @Override
                            public int currentConnections() {
                                return runtime.globalConnections.get();
                            }

                            @Override
                            public int threads() {
                                return threads;
                            }

                            @Override
                            public long nowNanos() {
                                return Ticker.system().read();
                            }
                        });
                try {
                    socket = StatsSocket.open(java.nio.file.Path.of(socketPath), commands);
                } catch (IllegalStateException e) {
                    checks.close();
                    all.forEach(Channel::close);
                    accessLogs.close();
                    boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                    workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                    throw e;
                }
            }
            // session rates (rate, rate_max): sampled once a second on an event loop
            workers.next().scheduleAtFixedRate(() -> sampleRates(router), 1, 1, TimeUnit.SECONDS);
            FjordProxy proxy = new FjordProxy(runtime, boss, workers, listeners, connections, checks, socket,
                    accessLogs);
            log.info("Fjord started: {}", proxy);
            return proxy;
        }

        private static void sampleRates(Router router) {
            router.config().frontends().keySet().forEach(name -> router.frontendCounters(name).sampleRate());
            for (var backend : router.backends()) {
                backend.counters().sampleRate();
                backend.servers().forEach(server -> server.counters().sampleRate());
            }
        }

        /** {@code on-marked-down shutdown-sessions} and {@code on-marked-up shutdown-backup-sessions}. */
        private static void shutdownSessions(ProxyRuntime runtime, ServerEvent event) {
            if (!(event instanceof ServerEvent.StateChanged changed)) {
                return;
            }
            Server server = changed.server();
            if (changed.to() == OperationalState.DOWN && server.config().shutdownSessionsOnDown()) {
                runtime.shutdownSessions(server);
            } else if (changed.to() == OperationalState.UP && server.config().shutdownBackupSessionsOnUp()
                    && !server.config().backup()) {
                server.backend().servers().stream().filter(s -> s.config().backup())
                        .forEach(runtime::shutdownSessions);
            }
        }

        private Channel bind(ProxyRuntime runtime, EventLoopGroup boss, EventLoopGroup workers,
                FrontendConfig frontend, Address bind, Admission admission, ChannelGroup connections) {
            boolean http = frontend.settings().mode() == Mode.HTTP;
            RequestPolicy policy = RequestPolicy.of(runtime.router.config(), frontend, runtime.limits);
            ServerBootstrap bootstrap = new ServerBootstrap().group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .handler(admission.gate(frontend.name())) // maxconn, before a worker gets the connection
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            connections.add(ch);
                            if (http) {
                                HttpProxyHandler handler = new HttpProxyHandler(runtime, frontend);
                                ch.pipeline().addLast("fjord.client.watch", handler.new ByteWatcher())
                                        .addLast(CLIENT_DECODER, new StrictRequestDecoder(policy))
                                        .addLast("fjord.client.encoder", new HttpResponseEncoder())
                                        .addLast("fjord.client.proxy", handler);
                            } else {
                                ch.pipeline().addLast("fjord.client.tcp", new TcpProxyHandler(runtime, frontend));
                            }
                        }
                    });
            InetSocketAddress address = bind.isAny() ? new InetSocketAddress(bind.port())
                    : new InetSocketAddress(bind.host(), bind.port());
            try {
                return bootstrap.bind(address).syncUninterruptibly().channel();
            } catch (RuntimeException e) {
                throw new IllegalStateException("frontend '" + frontend.name() + "': cannot bind " + bind + ": "
                        + e.getMessage(), e);
            }
        }
    }
}
