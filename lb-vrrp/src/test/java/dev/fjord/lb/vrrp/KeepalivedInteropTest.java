package dev.fjord.lb.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.fjord.lb.core.Scheduler;
import dev.fjord.lb.core.Ticker;
import dev.fjord.lb.vrrp.internal.LibC;

/**
 * Fjord and keepalived 2.2.7 as VRRPv3 peers, either way round, in two network namespaces this test creates
 * (Fjord 198.18.0.1, keepalived 198.18.0.2, VIP 198.18.0.100/24 on a veth pair). Skips without root, {@code ip} or
 * keepalived. Every wait is bounded; processes are stopped by the handles this test holds, namespaces removed.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KeepalivedInteropTest {
    private static final String FJORD_NS = "fjt-a" + ProcessHandle.current().pid() % 100000;
    private static final String KEEPALIVED_NS = "fjt-b" + ProcessHandle.current().pid() % 100000;

    @TempDir
    Path dir;
    private final List<ExecutorService> executors = new ArrayList<>();
    private final AtomicBoolean receiving = new AtomicBoolean(true);
    private Process keepalived;
    private RawVrrpSocket socket;
    private GarpSender garp;
    private Inet4Address fjordAddress;
    private Inet4Address vip;
    /** The VRRP version both peers speak; v2 with a PASS password. */
    private int version = 3;

    @BeforeEach
    void lab() throws Exception {
        assumeTrue(ProcessHandle.current().info().user().map("root"::equals).orElse(false),
                "needs root for network namespaces and raw sockets");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/keepalived")), "keepalived is not installed");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")),
                "the ip command is not installed");
        run("ip", "netns", "add", FJORD_NS);
        run("ip", "netns", "add", KEEPALIVED_NS);
        run("ip", "-n", FJORD_NS, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns",
                KEEPALIVED_NS);
        for (String[] node : new String[][] {{FJORD_NS, "198.18.0.1"}, {KEEPALIVED_NS, "198.18.0.2"}}) {
            run("ip", "-n", node[0], "link", "set", "lo", "up");
            run("ip", "-n", node[0], "addr", "add", node[1] + "/24", "dev", "eth0");
            run("ip", "-n", node[0], "link", "set", "eth0", "up");
        }
        fjordAddress = (Inet4Address) InetAddress.getByName("198.18.0.1");
        vip = (Inet4Address) InetAddress.getByName("198.18.0.100");
        socket = openIn(FJORD_NS, () -> RawVrrpSocket.open("eth0", fjordAddress, 200));
        garp = openIn(FJORD_NS, () -> GarpSender.open("eth0"));
        // keepalived's side learns addresses from gratuitous ARPs, so the test can see Fjord's announcements
        run("ip", "netns", "exec", KEEPALIVED_NS, "sysctl", "-qw", "net.ipv4.conf.eth0.arp_accept=1");
    }

    @AfterEach
    void teardown() throws Exception {
        receiving.set(false);
        if (keepalived != null) {
            kill("-CONT");
            keepalived.descendants().forEach(ProcessHandle::destroy);
            keepalived.destroy();
            keepalived.waitFor(10, TimeUnit.SECONDS);
        }
        executors.forEach(ExecutorService::shutdownNow);
        if (socket != null) {
            socket.close();
        }
        if (garp != null) {
            garp.close();
        }
        output("ip", "netns", "del", FJORD_NS);
        output("ip", "netns", "del", KEEPALIVED_NS);
    }

    @Test
    void keepalivedBacksUpFjordAndTakesOverWhenFjordResigns() throws Exception {
        VrrpInstance fjord = fjord(150);
        fjord.start();
        startKeepalived("BACKUP", 100);

        waitUntil(() -> fjord.state() == VrrpState.MASTER && holdsVip(FJORD_NS), 15);
        String fjordMac = java.util.HexFormat.ofDelimiter(":").formatHex(garp.mac());
        waitUntil(() -> neighbour(KEEPALIVED_NS).contains(fjordMac), 5); // the gratuitous ARP arrived
        for (int i = 0; i < 8; i++) { // 4 s of Fjord's adverts: keepalived must stay BACKUP
            Thread.sleep(500);
            assertThat(holdsVip(KEEPALIVED_NS)).as("keepalived took the VIP while Fjord was master").isFalse();
        }

        long resigned = System.nanoTime();
        fjord.stop(); // priority 0
        waitUntil(() -> holdsVip(KEEPALIVED_NS), 10);
        // Skew_Time at priority 100 and 1 s is 0.609 s; allow for keepalived's own processing
        assertThat(Duration.ofNanos(System.nanoTime() - resigned)).isLessThan(Duration.ofSeconds(3));
        waitUntil(() -> !holdsVip(FJORD_NS), 5);
    }

    @Test
    void fjordBacksUpKeepalivedAndTakesOverAfterMasterDownIntervalWhenItCrashes() throws Exception {
        startKeepalived("MASTER", 150);
        waitUntil(() -> holdsVip(KEEPALIVED_NS), 15);
        VrrpInstance fjord = fjord(100);
        fjord.start();
        Thread.sleep(5000); // five of keepalived's adverts: Fjord stays BACKUP
        assertThat(fjord.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(holdsVip(FJORD_NS)).isFalse();

        // a crash, as shared/vrrp/ka.sh emulates one: freeze both processes, then kill them, so no priority 0 goes out
        kill("-STOP");
        long crashed = System.nanoTime();
        kill("-KILL");
        waitUntil(() -> fjord.state() == VrrpState.MASTER, 10);
        Duration failover = Duration.ofNanos(System.nanoTime() - crashed);

        // Master_Down_Interval at priority 100 and 1 s: 3.609 s after keepalived's last advert (0-1 s before)
        assertThat(failover).isBetween(Duration.ofMillis(2500), Duration.ofMillis(4200));
        waitUntil(() -> holdsVip(FJORD_NS), 5);
        System.out.println("Fjord took over " + failover.toMillis() + " ms after keepalived froze");
    }

    @Test
    void version2WithPasswordFjordBackup() throws Exception {
        version = 2;
        fjordBacksUpKeepalivedAndTakesOverAfterMasterDownIntervalWhenItCrashes();
    }

    @Test
    void version2WithPasswordFjordMaster() throws Exception {
        version = 2;
        keepalivedBacksUpFjordAndTakesOverWhenFjordResigns();
    }

    @Test
    void unicastPeersWithTheHostSideWiredByVrrp() throws Exception {
        startKeepalived("BACKUP", 100, "unicast_src_ip 198.18.0.2\n    unicast_peer {\n        198.18.0.1\n    }");
        VrrpConfig config = VrrpConfig.builder("VI_51").interfaceName("eth0").sourceAddress("198.18.0.1").vrid(51)
                .priority(150).virtualAddress("198.18.0.100").unicastPeers("198.18.0.2").build();
        List<String> transitions = new java.util.concurrent.CopyOnWriteArrayList<>();
        Vrrp vrrp = openIn(FJORD_NS, () -> Vrrp.start(List.of(config), VirtualAddresses.ipCommand(FJORD_NS),
                (vi, from, to) -> transitions.add(from + "->" + to)));
        try {
            waitUntil(() -> vrrp.instance("VI_51").state() == VrrpState.MASTER && holdsVip(FJORD_NS), 15);
            for (int i = 0; i < 8; i++) {
                Thread.sleep(500);
                assertThat(holdsVip(KEEPALIVED_NS)).as("keepalived took the VIP from a unicast master").isFalse();
            }
        } finally {
            vrrp.close(); // resigns with priority 0, removes the VIP
        }
        assertThat(holdsVip(FJORD_NS)).isFalse();
        waitUntil(() -> holdsVip(KEEPALIVED_NS), 5);
        assertThat(transitions).containsExactly("INITIALIZE->BACKUP", "BACKUP->MASTER", "MASTER->INITIALIZE");
    }

    private VrrpInstance fjord(int priority) {
        ExecutorService system = Executors.newSingleThreadExecutor();
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        ExecutorService reader = Executors.newSingleThreadExecutor();
        executors.addAll(List.of(system, timers, reader));
        Scheduler scheduler = (delay, task) -> {
            var future = timers.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> future.cancel(false);
        };
        AddressKeeper keeper = new AddressKeeper(VirtualAddresses.ipCommand(FJORD_NS), List.of(vip), 24, "eth0",
                system, scheduler, garp, GarpSchedule.KEEPALIVED);
        keeper.removeStale();
        VrrpInstance instance = new VrrpInstance("VI_51", version, 51, priority, Duration.ofSeconds(1), List.of(vip),
                version == 2 ? "s3cret" : "",
                true, Duration.ZERO, fjordAddress, scheduler, Ticker.system(), ad -> {
                    try {
                        socket.send(ad, VrrpCodec.GROUP);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, keeper);
        reader.execute(() -> {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(80);
            while (receiving.get() && System.nanoTime() < end) {
                try {
                    VrrpCodec.Received received = socket.receive();
                    if (received != null && !received.source().equals(fjordAddress)) {
                        instance.received(received.advertisement(), received.source());
                    }
                } catch (IOException | VrrpException e) {
                    // a packet to discard; go on
                }
            }
        });
        return instance;
    }

    private void startKeepalived(Path conf) throws IOException {
        keepalived = new ProcessBuilder("ip", "netns", "exec", KEEPALIVED_NS, "keepalived", "--dont-fork",
                "--log-console", "--vrrp", "-f", conf.toString(), "-p", dir.resolve("k.pid").toString(),
                "-r", dir.resolve("v.pid").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("keepalived.log").toFile()).start();
    }

    private void startKeepalived(String state, int priority) throws IOException {
        startKeepalived(state, priority, "");
    }

    private void startKeepalived(String state, int priority, String extra) throws IOException {
        Path conf = dir.resolve("keepalived.conf");
        Files.writeString(conf, """
                global_defs {
                    router_id fjord-interop
                    vrrp_version %d
                }
                vrrp_instance VI_51 {
                    interface eth0
                    state %s
                    priority %d
                    %s
                    virtual_router_id 51
                    advert_int 1
                    virtual_ipaddress {
                        198.18.0.100/24 dev eth0
                    }
                }
                """.formatted(version, state, priority, version == 2
                        ? extra + "\n    authentication {\n        auth_type PASS\n        auth_pass s3cret\n    }" : extra));
        startKeepalived(conf);
    }

    /** Sends {@code signal} to the keepalived this test started and its children, by PID. */
    private void kill(String signal) throws Exception {
        if (keepalived == null || !keepalived.isAlive()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("kill", signal));
        keepalived.descendants().forEach(child -> command.add(Long.toString(child.pid())));
        command.add(Long.toString(keepalived.pid()));
        output(command.toArray(new String[0]));
    }

    private static void waitUntil(BooleanSupplier condition, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited %d s", seconds).isLessThan(end);
            Thread.sleep(50); // real time: the peers exchange real packets
        }
    }

    private static String neighbour(String namespace) {
        try {
            return output("ip", "-n", namespace, "neigh", "show", "198.18.0.100");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean holdsVip(String namespace) {
        try {
            return output("ip", "-n", namespace, "-4", "addr", "show", "dev", "eth0").contains("198.18.0.100");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + ": " + output);
        }
    }

    private static String output(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(10, TimeUnit.SECONDS);
        return output;
    }

    /** Something that opens a socket, run in a namespace. */
    private interface Opener<T> {
        T open() throws IOException;
    }

    /** Opens a socket from a thread that entered {@code namespace} (setns moves only that thread). */
    private static <T> T openIn(String namespace, Opener<T> opener) throws Exception {
        CompletableFuture<T> socket = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                int fd = LibC.INSTANCE.open("/run/netns/" + namespace, 0);
                LibC.INSTANCE.setns(fd, LibC.CLONE_NEWNET);
                LibC.INSTANCE.close(fd);
                socket.complete(opener.open());
            } catch (Exception | Error e) {
                socket.completeExceptionally(e);
            }
        }, "enter-" + namespace);
        thread.start();
        return socket.get(10, TimeUnit.SECONDS);
    }
}
