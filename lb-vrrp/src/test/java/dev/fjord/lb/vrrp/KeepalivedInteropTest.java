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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.fjord.lb.core.Scheduler;
import dev.fjord.lb.core.Ticker;
import dev.fjord.lb.vrrp.internal.LibC;

/**
 * Fjord and keepalived 2.2.7 as VRRPv3 peers in two network namespaces this test creates (198.18.0.1 and .2, VIP
 * 198.18.0.100): Fjord (priority 150) becomes master and adds the VIP, keepalived stays BACKUP, and when Fjord
 * resigns with priority 0 keepalived takes the VIP over within Skew_Time while Fjord removes its own. Skips without root, {@code ip} or keepalived.
 */
class KeepalivedInteropTest {
    private static final String FJORD_NS = "fjt-a" + ProcessHandle.current().pid() % 100000;
    private static final String KEEPALIVED_NS = "fjt-b" + ProcessHandle.current().pid() % 100000;

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

    private static boolean keepalivedHoldsVip() throws Exception {
        return holdsVip(KEEPALIVED_NS);
    }

    private static boolean holdsVip(String namespace) throws Exception {
        return output("ip", "-n", namespace, "-4", "addr", "show", "dev", "eth0").contains("198.18.0.100");
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void keepalivedBacksUpFjordAndTakesOverWhenFjordResigns(@TempDir Path dir) throws Exception {
        assumeTrue(ProcessHandle.current().info().user().map("root"::equals).orElse(false),
                "needs root for network namespaces and raw sockets");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/keepalived")), "keepalived is not installed");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")),
                "the ip command is not installed");
        Process keepalived = null;
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        List<java.util.concurrent.ExecutorService> executors = new java.util.ArrayList<>();
        try {
            run("ip", "netns", "add", FJORD_NS);
            run("ip", "netns", "add", KEEPALIVED_NS);
            run("ip", "-n", FJORD_NS, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns",
                    KEEPALIVED_NS);
            for (String[] node : new String[][] {{FJORD_NS, "198.18.0.1"}, {KEEPALIVED_NS, "198.18.0.2"}}) {
                run("ip", "-n", node[0], "link", "set", "lo", "up");
                run("ip", "-n", node[0], "addr", "add", node[1] + "/24", "dev", "eth0");
                run("ip", "-n", node[0], "link", "set", "eth0", "up");
            }
            Inet4Address fjordAddress = (Inet4Address) InetAddress.getByName("198.18.0.1");
            RawVrrpSocket socket = openIn(FJORD_NS, fjordAddress);

            java.util.concurrent.ExecutorService system = Executors.newSingleThreadExecutor();
            executors.add(system);
            Inet4Address vip = (Inet4Address) InetAddress.getByName("198.18.0.100");
            AddressKeeper keeper = new AddressKeeper(VirtualAddresses.ipCommand(FJORD_NS), List.of(vip), 24, "eth0",
                    system);
            keeper.removeStale();
            Scheduler scheduler = (delay, task) -> {
                var future = timers.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
                return () -> future.cancel(false);
            };
            VrrpInstance fjord = new VrrpInstance("VI_51", 3, 51, 150, Duration.ofSeconds(1),
                    List.of((Inet4Address) InetAddress.getByName("198.18.0.100")), "", true, Duration.ZERO,
                    fjordAddress, scheduler, Ticker.system(), ad -> {
                        try {
                            socket.send(ad, VrrpCodec.GROUP);
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }, keeper);
            AtomicBoolean receiving = new AtomicBoolean(true);
            Thread receiver = new Thread(() -> {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(80);
                while (receiving.get() && System.nanoTime() < end) {
                    try {
                        VrrpCodec.Received received = socket.receive();
                        if (received != null && !received.source().equals(fjordAddress)) {
                            fjord.received(received.advertisement(), received.source());
                        }
                    } catch (IOException | VrrpException e) {
                        // a packet to discard; go on
                    }
                }
            }, "vrrp-receive");
            receiver.start();
            fjord.start();

            Path conf = dir.resolve("keepalived.conf");
            Files.writeString(conf, """
                    global_defs {
                        router_id fjord-interop
                        vrrp_version 3
                    }
                    vrrp_instance VI_51 {
                        interface eth0
                        state BACKUP
                        priority 100
                        virtual_router_id 51
                        advert_int 1
                        virtual_ipaddress {
                            198.18.0.100/24 dev eth0
                        }
                    }
                    """);
            keepalived = new ProcessBuilder("ip", "netns", "exec", KEEPALIVED_NS, "keepalived", "--dont-fork",
                    "--log-console", "--vrrp", "-f", conf.toString(), "-p", dir.resolve("k.pid").toString(),
                    "-r", dir.resolve("v.pid").toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("keepalived.log").toFile()).start();

            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (fjord.state() != VrrpState.MASTER && System.nanoTime() < end) {
                Thread.sleep(100); // real time: the peers exchange real packets
            }
            assertThat(fjord.state()).isEqualTo(VrrpState.MASTER);
            end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!holdsVip(FJORD_NS) && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            assertThat(holdsVip(FJORD_NS)).as("Fjord holds the VIP as master").isTrue();
            for (int i = 0; i < 8; i++) { // 4 s of Fjord's adverts: keepalived must stay BACKUP
                Thread.sleep(500);
                assertThat(keepalivedHoldsVip()).as("keepalived took the VIP while Fjord was master").isFalse();
            }

            long resigned = System.nanoTime();
            fjord.stop(); // priority 0
            end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!keepalivedHoldsVip() && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            assertThat(keepalivedHoldsVip()).as(Files.readString(dir.resolve("keepalived.log"))).isTrue();
            // Skew_Time at priority 100 and 1 s is 0.609 s; allow for keepalived's own processing
            assertThat(Duration.ofNanos(System.nanoTime() - resigned)).isLessThan(Duration.ofSeconds(3));
            end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (holdsVip(FJORD_NS) && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            assertThat(holdsVip(FJORD_NS)).as("Fjord released the VIP").isFalse();

            receiving.set(false);
            receiver.join(5000);
            socket.close();
        } finally {
            if (keepalived != null) {
                keepalived.descendants().forEach(ProcessHandle::destroy);
                keepalived.destroy();
                keepalived.waitFor(10, TimeUnit.SECONDS);
            }
            timers.shutdownNow();
            executors.forEach(java.util.concurrent.ExecutorService::shutdownNow);
            output("ip", "netns", "del", FJORD_NS);
            output("ip", "netns", "del", KEEPALIVED_NS);
        }
    }

    /** Opens the raw socket from a thread that entered {@code namespace} (setns moves only that thread). */
    private static RawVrrpSocket openIn(String namespace, Inet4Address address) throws Exception {
        CompletableFuture<RawVrrpSocket> socket = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                int fd = LibC.INSTANCE.open("/run/netns/" + namespace, 0);
                LibC.INSTANCE.setns(fd, LibC.CLONE_NEWNET);
                LibC.INSTANCE.close(fd);
                socket.complete(RawVrrpSocket.open("eth0", address, 200));
            } catch (Exception | Error e) {
                socket.completeExceptionally(e);
            }
        }, "enter-" + namespace);
        thread.start();
        return socket.get(10, TimeUnit.SECONDS);
    }
}
