package dev.fjord.lb.examples;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.Scheduler;
import dev.fjord.lb.netty.FjordProxy;
import dev.fjord.lb.vrrp.BackendTracker;
import dev.fjord.lb.vrrp.VirtualAddresses;
import dev.fjord.lb.vrrp.Vrrp;
import dev.fjord.lb.vrrp.VrrpConfig;
import dev.fjord.lb.vrrp.VrrpInstance;

/**
 * One of the reference cluster's two load balancers: the reference proxy (with its own embedded web nodes on
 * 127.0.0.1:8081 and :8082) and VRRP instance VI_51 of {@code reference/keepalived.conf}, holding the
 * floating IP while it is master. Run one per machine (or network namespace):
 *
 * <pre>
 * java -cp lb-examples.jar dev.fjord.lb.examples.FailoverNode --name lb1 --interface eth0 \
 *     --address 198.18.0.1 --priority 150 [--peer 198.18.0.2] [--vip 198.18.0.100/24] [--vrid 51] \
 *     [--peers lb1=198.18.0.1:10000,lb2=198.18.0.2:10000 [--rate-limit 100]]
 * </pre>
 *
 * <p>With {@code --peers}, the two nodes share a {@code stick on src} table and a request rate table through
 * HAProxy's peers protocol ({@link PeerSync}): after a failover a client keeps its web node, and its rate limit
 * ({@code --rate-limit} requests per 10 s, default 100) counts what the other node served.
 *
 * <p>The frontend listens on 0.0.0.0:8080 and the stats page on 0.0.0.0:1936, so they answer on the VIP as soon as
 * it arrives. A {@link BackendTracker} hands the VIP over (FAULT) while backend {@code app} has no usable server,
 * checked on every server event and every 250 ms. SIGTERM resigns at once (priority 0, the peer takes over after its
 * Skew_Time), then drains the proxy for up to 5 s. Needs CAP_NET_RAW (raw VRRP and ARP sockets) and CAP_NET_ADMIN
 * (the VIP, through rtnetlink). Each web node
 * answers "Hello from web1@NAME", so a client can tell which load balancer served it.
 */
public final class FailoverNode {
    private static final String USAGE = "usage: FailoverNode --name NAME --interface IF --address IP --priority N "
            + "[--peer IP] [--vip IP[/PREFIX]] [--vrid N] [--peers NAME=IP:PORT,NAME=IP:PORT [--rate-limit N]]";

    private FailoverNode() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        Map<String, String> options = options(args);
        String name = options.getOrDefault("name", "lb");
        VrrpConfig.Builder vrrpConfig;
        try {
            vrrpConfig = VrrpConfig.builder("VI_51")
                    .interfaceName(required(options, "interface"))
                    .sourceAddress(required(options, "address"))
                    .priority(Integer.parseInt(options.getOrDefault("priority", "100")))
                    .vrid(Integer.parseInt(options.getOrDefault("vrid", "51")))
                    .virtualAddress(options.getOrDefault("vip", "198.18.0.100/24"));
            if (options.containsKey("peer")) {
                vrrpConfig.unicastPeers(options.get("peer"));
            }
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }

        DemoWebNode web1 = DemoWebNode.start("web1@" + name, "127.0.0.1", 8081);
        DemoWebNode web2 = DemoWebNode.start("web2@" + name, "127.0.0.1", 8082);
        // server events (a node down, in maintenance) recheck the tracker at once, besides its periodic check
        AtomicReference<BackendTracker> tracking = new AtomicReference<>();
        var config = ReferenceCluster.builderAt("0.0.0.0:8080", "0.0.0.0:1936", "127.0.0.1:8081", "127.0.0.1:8082");
        if (options.containsKey("peers")) {
            PeerSync.apply(
                    config,
                    name,
                    peers(options.get("peers")),
                    Integer.parseInt(options.getOrDefault("rate-limit", "100")));
        }
        FjordProxy proxy = FjordProxy.builder(Router.of(config.build()))
                .eventListener(event -> {
                    BackendTracker tracker = tracking.get();
                    if (tracker != null) {
                        tracker.recheck();
                    }
                })
                .start();
        Vrrp vrrp = Vrrp.start(
                List.of(vrrpConfig.build()),
                VirtualAddresses.netlink(),
                (instance, from, to) -> System.out.println(name + ": " + instance.name() + " " + from + " -> " + to));
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        Scheduler scheduler = (delay, task) -> {
            var future = timers.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> future.cancel(false);
        };
        VrrpInstance instance = vrrp.instance("VI_51");
        BackendTracker tracker = BackendTracker.start(
                instance,
                proxy.router().backend("app"),
                () -> !proxy.addresses("main").isEmpty(),
                scheduler,
                Duration.ofMillis(250));
        tracking.set(tracker);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            tracker.close();
                            vrrp.close(); // first: the peer takes the VIP while this node drains
                            timers.shutdownNow();
                            proxy.close(Duration.ofSeconds(5));
                            web1.close();
                            web2.close();
                            stopped.countDown();
                        },
                        "failover-node-shutdown"));
        System.out.println(
                name + ": proxy " + proxy + ", " + vrrp + ", stats socket " + ReferenceCluster.localStatsSocket());
        stopped.await();
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        List<String> list = new ArrayList<>(List.of(args));
        for (int i = 0; i < list.size(); i += 2) {
            if (!list.get(i).startsWith("--") || i + 1 >= list.size()) {
                System.err.println("unexpected argument '" + list.get(i) + "'\n" + USAGE);
                System.exit(2);
            }
            options.put(list.get(i).substring(2), list.get(i + 1));
        }
        return options;
    }

    /** {@code lb1=198.18.0.1:10000,lb2=198.18.0.2:10000}, in order. */
    static Map<String, String> peers(String list) {
        Map<String, String> peers = new java.util.LinkedHashMap<>();
        for (int from = 0; from <= list.length(); ) {
            int comma = list.indexOf(',', from);
            String peer = list.substring(from, comma < 0 ? list.length() : comma);
            from = comma < 0 ? list.length() + 1 : comma + 1;
            int equals = peer.indexOf('=');
            if (equals < 1) {
                System.err.println("--peers '" + list + "' (expected: NAME=IP:PORT,NAME=IP:PORT)\n" + USAGE);
                System.exit(2);
            }
            peers.put(peer.substring(0, equals), peer.substring(equals + 1));
        }
        return peers;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }
}
