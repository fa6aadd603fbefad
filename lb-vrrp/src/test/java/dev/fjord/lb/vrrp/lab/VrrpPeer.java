package dev.fjord.lb.vrrp.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One side of a VRRP pair in the lab, Fjord or keepalived, on node lb1 or lb2: VI_51, advert_int 1 s, the lab's VIP.
 * Started and stopped by PID only. Not thread-safe: driven by one test.
 */
public abstract class VrrpPeer {
    /** The VRRP settings both sides of a pair share. */
    public record Pairing(int version, boolean unicast) {
        String password() {
            return version == 2 ? "s3cret" : "";
        }

        @Override
        public String toString() {
            return "v" + version + (version == 2 ? " PASS" : "") + (unicast ? " unicast" : " multicast");
        }
    }

    protected final NetnsLab lab;
    protected final String node;
    protected final int priority;
    protected final Pairing pairing;
    protected final Path log;
    protected Process process;
    /** NAME:VRID:PRIORITY:VIP, one per instance; by default VI_51 at this peer's priority for the lab's VIP. */
    protected List<String> instances;

    protected VrrpPeer(NetnsLab lab, String node, int priority, Pairing pairing, Path dir) {
        this.lab = lab;
        this.node = node;
        this.priority = priority;
        this.pairing = pairing;
        this.log = dir.resolve(getClass().getSimpleName() + "-" + node + ".log");
        this.instances = List.of("VI_51:51:" + priority + ":" + NetnsLab.VIP);
    }

    /** Runs these instances instead, e.g. {@code "VI_51:51:150:198.18.0.100", "VI_52:52:100:198.18.0.101"}. */
    public VrrpPeer instances(String... instances) {
        this.instances = List.of(instances);
        return this;
    }

    /** Waits up to {@code timeout} for the process to end by itself; its exit code, or -1 while it runs. */
    public int awaitExit(java.time.Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                ? process.exitValue()
                : -1;
    }

    public String node() {
        return node;
    }

    /** The other load balancer's address, its unicast peer. */
    protected String peerAddress() {
        return NetnsLab.address(node.equals("lb1") ? "lb2" : "lb1");
    }

    public abstract void start() throws IOException;

    /** A graceful stop (SIGTERM): the peer resigns with a priority-0 advert and removes the VIP. */
    public void stop() throws InterruptedException {
        process.destroy(); // SIGTERM, without the latency of starting kill(1)
        process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    /**
     * A crash: freezes the process and its children first (SIGSTOP), so that nothing (no priority-0 advert) goes
     * out while they die, then kills them (children, then the parent). The VIP stays on the interface.
     */
    public void crash() throws InterruptedException {
        List<Long> pids = new ArrayList<>();
        process.descendants().forEach(child -> pids.add(child.pid()));
        pids.add(process.pid());
        pids.forEach(pid -> NetnsLab.signal("STOP", pid));
        pids.forEach(pid -> NetnsLab.signal("KILL", pid));
        process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** The peer's output so far, for failure messages. */
    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + " on " + node + " priority " + priority;
    }

    /** Fjord's lb-vrrp in a JVM of its own ({@link LabNode}). */
    public static final class Fjord extends VrrpPeer {
        private List<String> wrapper = List.of();

        public Fjord(NetnsLab lab, String node, int priority, Pairing pairing, Path dir) {
            super(lab, node, priority, pairing, dir);
        }

        /** Starts the JVM through {@code command}, e.g. {@code setpriv --bounding-set -net_raw}. */
        public Fjord through(String... command) {
            this.wrapper = List.of(command);
            return this;
        }

        @Override
        public void start() throws IOException {
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new ArrayList<>(wrapper);
            command.addAll(List.of(
                    java,
                    "-Xshare:auto",
                    "-XX:TieredStopAtLevel=1",
                    "-Xmx64m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    LabNode.class.getName(),
                    "source=" + NetnsLab.address(node),
                    "instances=" + String.join(",", instances),
                    "version=" + pairing.version()));
            if (pairing.unicast()) {
                command.add("peer=" + peerAddress());
            }
            if (!pairing.password().isEmpty()) {
                command.add("password=" + pairing.password());
            }
            process = lab.start(node, log, command);
        }
    }

    /** keepalived 2.2.7, VRRP only, configured like {@code reference/keepalived.conf}. */
    public static final class Keepalived extends VrrpPeer {
        private final Path dir;

        public Keepalived(NetnsLab lab, String node, int priority, Pairing pairing, Path dir) {
            super(lab, node, priority, pairing, dir);
            this.dir = dir;
        }

        @Override
        public void start() throws IOException {
            String unicast = pairing.unicast() ? """
                        unicast_src_ip %s
                        unicast_peer {
                            %s
                        }
                    """.formatted(NetnsLab.address(node), peerAddress()) : "";
            String auth = pairing.version() == 2 ? """
                        authentication {
                            auth_type PASS
                            auth_pass %s
                        }
                    """.formatted(pairing.password()) : "";
            StringBuilder blocks = new StringBuilder();
            for (String instance : instances) {
                String[] fields = instance.split(":");
                blocks.append("""
                        vrrp_instance %s {
                            state %s
                            interface eth0
                            virtual_router_id %s
                            priority %s
                            advert_int 1
                        %s%s    virtual_ipaddress {
                                %s/24 dev eth0
                            }
                        }
                        """.formatted(
                                fields[0],
                                Integer.parseInt(fields[2]) >= 150 ? "MASTER" : "BACKUP",
                                fields[1],
                                fields[2],
                                unicast,
                                auth,
                                fields[3]));
            }
            Path conf = dir.resolve("keepalived-" + node + ".conf");
            Files.writeString(conf, """
                    global_defs {
                        router_id fjord-lab-%s
                        vrrp_version %d
                    }
                    """.formatted(node, pairing.version()) + blocks);
            process = lab.start(
                    node,
                    log,
                    List.of(
                            "keepalived",
                            "--dont-fork",
                            "--log-console",
                            "--log-detail",
                            "--no-syslog",
                            "--vrrp",
                            "-f",
                            conf.toString(),
                            "-p",
                            dir.resolve("ka-" + node + ".pid").toString(),
                            "-r",
                            dir.resolve("ka-" + node + "-vrrp.pid").toString()));
        }
    }
}
