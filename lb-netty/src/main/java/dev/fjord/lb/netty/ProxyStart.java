package dev.fjord.lb.netty;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.fjord.lb.core.HealthChecks;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.Scheduler;
import dev.fjord.lb.core.ServerEventListener;
import dev.fjord.lb.core.Ticker;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;

/** Starts a {@link FjordProxy} from its builder's options: loops, listeners, health checks, stats socket. */
final class ProxyStart {
    private static final OperatorLog log = OperatorLog.of(FjordProxy.class.getName());

    private ProxyStart() {}

    /** See {@link FjordProxy.Builder#start()}. */
    static FjordProxy start(FjordProxy.Builder options) {
        // init-addr: a server without an address it must have stops the start before anything is bound
        java.util.Map<String, String> initial = InitialAddresses.resolve(options.router.config(), options.router);
        PlainInitialAddresses.apply(options.router);
        AccessLogs accessLogs = AccessLogs.of(options.router.config(), options.accessLog);
        EventLoops given = options.eventLoops;
        boolean ownsLoops = given == null;
        EventLoops loops = given != null ? given : EventLoops.own(options.transport, options.ioThreads);
        EventLoopGroup workers = loops.workers();
        ProxyRuntime runtime = new ProxyRuntime(
                options.router, workers, loops.channelType(), options.limits, options.errorPages, accessLogs);
        ClientConnections connections = new ClientConnections();
        // every listener on one loop, which admission (maxconn) keeps its state on
        io.netty.channel.EventLoop acceptLoop = loops.acceptor().next();
        Admission admission = new Admission(
                acceptLoop,
                runtime.globalConnections,
                options.router.config().global().maxConn(),
                connections);
        runtime.admission = admission;
        Frontends frontends = new Frontends(runtime, loops, acceptLoop, admission, connections);
        try {
            frontends.start(options.router.config());
        } catch (RuntimeException e) {
            accessLogs.close();
            shutdownOwn(loops, ownsLoops);
            throw e;
        }
        EventLog eventLog = new EventLog();
        ServerEventListener events = event -> {
            eventLog.onEvent(event);
            runtime.accessLogs.serverEvent(event);
            runtime.onServerEvent(event);
            options.listener.onEvent(event);
            runtime.serverListeners.forEach(l -> l.onEvent(event));
        };
        Scheduler scheduler = (delay, task) -> {
            var future = workers.next().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> future.cancel(false);
        };
        HealthChecks checks = HealthChecks.start(
                options.router,
                scheduler,
                new NettyCheckProbe(workers, loops.channelType(), runtime.tls::server),
                Ticker.system(),
                events,
                () -> ThreadLocalRandom.current().nextLong());
        runtime.healthChecks = checks;
        runtime.discovery = ServiceDiscovery.start(
                options.router.config(), options.router, loops, ServiceDiscovery.datagramType(loops), initial);
        try {
            runtime.peers = PeersService.start(options.router.config(), options.router, loops);
        } catch (IllegalStateException e) {
            runtime.discovery.close();
            checks.close();
            frontends.closeListeners();
            accessLogs.close();
            shutdownOwn(loops, ownsLoops);
            throw e;
        }
        StatsSocket socket = null;
        String socketPath = options.router.config().global().statsSocket();
        if (socketPath != null) {
            try {
                socket = StatsSocket.open(
                        java.nio.file.Path.of(socketPath), runtime, checks, options.ioThreads, runtime::reload);
            } catch (IllegalStateException e) {
                runtime.peers.close();
                checks.close();
                frontends.closeListeners();
                accessLogs.close();
                shutdownOwn(loops, ownsLoops);
                throw e;
            }
        }
        // session rates (rate, rate_max): sampled once a second on an event loop
        ScheduledFuture<?> sampler =
                workers.next().scheduleAtFixedRate(() -> sampleRates(options.router), 1, 1, TimeUnit.SECONDS);
        FjordProxy proxy = new FjordProxy(
                runtime,
                loops,
                ownsLoops,
                sampler,
                frontends,
                connections,
                checks,
                socket,
                options.accessLog,
                options.configSource);
        if (options.configSource != null) { // the stats socket's reload
            runtime.reloader = () -> proxy.reload().toString();
        }
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
