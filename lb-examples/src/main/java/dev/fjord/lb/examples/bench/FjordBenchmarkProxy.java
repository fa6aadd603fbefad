package dev.fjord.lb.examples.bench;

import dev.fjord.lb.core.ConnectionMode;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.examples.ReferenceCluster;
import dev.fjord.lb.netty.FjordProxy;

/**
 * The load benchmark's Fjord: the reference cluster with one event-loop thread, its frontend on {@code PORT}, its
 * stats listener on a free port and its two web nodes at the given backends.
 *
 * <p>Usage: {@code FjordBenchmarkProxy PORT BACKEND1 BACKEND2 [keep-alive]} (backends as {@code host:port});
 * {@code keep-alive} replaces the reference's {@code option http-server-close} by pooled server connections, to
 * compare the transport with the bare proxy, which pools.
 */
public final class FjordBenchmarkProxy {
    private FjordBenchmarkProxy() {}

    public static void main(String[] args) throws InterruptedException {
        // as HAProxy in the benchmark, without an access log
        ProxyConfig config = ReferenceCluster.builder()
                .global(g -> g.statsSocket(ReferenceCluster.localStatsSocket()))
                .editFrontend(
                        "main", f -> f.clearBinds().bind("127.0.0.1:" + args[0]).logGlobal(false))
                .editListen("stats", l -> l.clearBinds().bind("127.0.0.1:0"))
                .editBackend(
                        "app",
                        b -> b.editServer("web1", s -> s.address(args[1])).editServer("web2", s -> s.address(args[2])))
                .build();
        if (args.length > 3 && args[3].equals("keep-alive")) {
            config = ReferenceCluster.builder()
                    .global(g -> g.statsSocket(ReferenceCluster.localStatsSocket()))
                    .editFrontend(
                            "main",
                            f -> f.clearBinds()
                                    .bind("127.0.0.1:" + args[0])
                                    .logGlobal(false)
                                    .connectionMode(ConnectionMode.KEEP_ALIVE))
                    .editListen("stats", l -> l.clearBinds().bind("127.0.0.1:0"))
                    .editBackend(
                            "app",
                            b -> b.connectionMode(ConnectionMode.KEEP_ALIVE)
                                    .editServer("web1", s -> s.address(args[1]))
                                    .editServer("web2", s -> s.address(args[2])))
                    .build();
        }
        FjordProxy proxy = FjordProxy.builder(Router.of(config)).ioThreads(1).start();
        System.out.println("Fjord on " + proxy.address("main"));
        Runtime.getRuntime().addShutdownHook(new Thread(proxy::close));
        Thread.currentThread().join();
    }
}
