package dev.fjord.lb.vrrp.lab;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import dev.fjord.lb.vrrp.VirtualAddresses;
import dev.fjord.lb.vrrp.Vrrp;
import dev.fjord.lb.vrrp.VrrpConfig;

/**
 * A Fjord VRRP node in its own JVM, so a test can kill it as a crash would: {@code ip netns exec lb1 java ...
 * LabNode source=198.18.0.1 priority=150 version=3 [peer=198.18.0.2] [password=s3cret]}. Holds VI_51 with the lab's
 * VIP on eth0 and prints each transition; SIGTERM runs {@link Vrrp}'s shutdown hook (priority 0, VIP removed).
 */
public final class LabNode {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            String[] pair = arg.split("=", 2);
            options.put(pair[0], pair[1]);
        }
        VrrpConfig.Builder config = VrrpConfig.builder("VI_51").interfaceName("eth0").vrid(51)
                .sourceAddress(options.get("source")).priority(Integer.parseInt(options.get("priority")))
                .version(Integer.parseInt(options.getOrDefault("version", "3"))).virtualAddress(NetnsLab.VIP);
        if (options.containsKey("peer")) {
            config.unicastPeers(options.get("peer"));
        }
        if (options.containsKey("password")) {
            config.password(options.get("password"));
        }
        Vrrp vrrp = Vrrp.start(List.of(config.build()), VirtualAddresses.ipCommand(null),
                (instance, from, to) -> System.out.println(java.time.Instant.now() + " " + instance.name() + " " + from
                        + "->" + to));
        System.out.println("started " + vrrp);
        new CountDownLatch(1).await(); // until killed; the shutdown hook resigns
    }
}
