package dev.fjord.lb.vrrp.lab;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import dev.fjord.lb.vrrp.VirtualAddresses;
import dev.fjord.lb.vrrp.Vrrp;
import dev.fjord.lb.vrrp.VrrpConfig;

/**
 * A Fjord VRRP node in its own JVM, so a test can kill it as a crash would: {@code ip netns exec lb1 java ...
 * LabNode source=198.18.0.1 priority=150 version=3 [peer=198.18.0.2] [password=s3cret]
 * [instances=VI_51:51:150:198.18.0.100,VI_52:52:100:198.18.0.101]}. Holds VI_51 with the lab's VIP on eth0 (or the
 * instances listed) and prints each transition; SIGTERM runs {@link Vrrp}'s shutdown hook (priority 0, VIP removed).
 */
public final class LabNode {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            String[] pair = arg.split("=", 2);
            options.put(pair[0], pair[1]);
        }
        // instances=NAME:VRID:PRIORITY:VIP,... (several VRIDs, active/active); default VI_51 with priority=N
        String instances =
                options.getOrDefault("instances", "VI_51:51:" + options.get("priority") + ":" + NetnsLab.VIP);
        List<VrrpConfig> configs = new ArrayList<>();
        for (String instance : instances.split(",")) {
            String[] fields = instance.split(":");
            VrrpConfig.Builder config = VrrpConfig.builder(fields[0])
                    .interfaceName("eth0")
                    .vrid(Integer.parseInt(fields[1]))
                    .priority(Integer.parseInt(fields[2]))
                    .virtualAddress(fields[3] + "/24")
                    .sourceAddress(options.get("source"))
                    .version(Integer.parseInt(options.getOrDefault("version", "3")));
            if (options.containsKey("peer")) {
                config.unicastPeers(options.get("peer"));
            }
            if (options.containsKey("password")) {
                config.password(options.get("password"));
            }
            configs.add(config.build());
        }
        Vrrp vrrp = Vrrp.start(
                configs,
                VirtualAddresses.netlink(),
                (instance, from, to) ->
                        System.out.println(java.time.Instant.now() + " " + instance.name() + " " + from + "->" + to));
        System.out.println("started " + vrrp);
        new CountDownLatch(1).await(); // until killed; the shutdown hook resigns
    }
}
