package dev.fjord.lb.vrrp.lab;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.fjord.lb.vrrp.internal.LibC;

/**
 * The VRRP lab of the interop tests, made by a test: namespaces {@code lb1}, {@code lb2} and {@code client}
 * on a bridge inside a fourth namespace, each node with {@code eth0} in 198.18.0.0/24 (lb1 .1, lb2 .2, client .10;
 * the VIP is .100). Nothing is created in the host's namespace. Namespace names carry this JVM's PID so parallel
 * builds do not meet; {@link #close()} closes what was registered with {@link #closeFirst}, stops the processes
 * started through {@link #start} (by their PIDs) and deletes the namespaces.
 */
public final class NetnsLab implements AutoCloseable {
    public static final String VIP = "198.18.0.100";
    private static final String[] NODES = {"lb1", "lb2", "client"};

    private final String prefix = "fj" + ProcessHandle.current().pid() % 100000 + "-";
    private final List<Process> processes = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    private NetnsLab() {}

    /** Skips the calling test, with the reason, where the lab cannot be made (needs root and iproute2). */
    public static void assumeAvailable() {
        assumeTrue(
                ProcessHandle.current().info().user().map("root"::equals).orElse(false),
                "skipped: needs root for network namespaces and raw sockets (CI runs it as root)");
        assumeTrue(
                Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")),
                "skipped: needs iproute2's ip command for network namespaces");
    }

    /** Like {@link #assumeAvailable()}, and keepalived installed ({@code .ci/run} installs it). */
    public static void assumeKeepalived() {
        assumeAvailable();
        assumeTrue(
                Files.isExecutable(Path.of("/usr/sbin/keepalived")),
                "skipped: keepalived is not installed (apt-get install -y keepalived)");
    }

    /** Makes the namespaces, the bridge and the links; undone by {@link #close()}. */
    public static NetnsLab up() throws IOException, InterruptedException {
        NetnsLab lab = new NetnsLab();
        try {
            lab.build();
        } catch (IOException | InterruptedException | RuntimeException e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    private void build() throws IOException, InterruptedException {
        String sw = prefix + "sw";
        run("ip", "netns", "add", sw);
        run(
                "ip",
                "-n",
                sw,
                "link",
                "add",
                "br0",
                "type",
                "bridge",
                "mcast_snooping",
                "0",
                "stp_state",
                "0",
                "forward_delay",
                "0");
        run("ip", "-n", sw, "link", "set", "br0", "up");
        for (int i = 0; i < NODES.length; i++) {
            String node = NODES[i];
            run("ip", "netns", "add", namespace(node));
            run("ip", "-n", namespace(node), "link", "set", "lo", "up");
            run(
                    "ip",
                    "-n",
                    sw,
                    "link",
                    "add",
                    "p-" + node,
                    "type",
                    "veth",
                    "peer",
                    "name",
                    "eth0",
                    "netns",
                    namespace(node));
            run("ip", "-n", sw, "link", "set", "p-" + node, "master", "br0", "up");
            run("ip", "-n", namespace(node), "link", "set", "eth0", "address", "02:00:c6:12:00:0" + (i + 1));
            run("ip", "-n", namespace(node), "addr", "add", address(node) + "/24", "dev", "eth0");
            run("ip", "-n", namespace(node), "link", "set", "eth0", "up");
        }
    }

    /** The namespace of {@code node} (lb1, lb2 or client). */
    public String namespace(String node) {
        return prefix + node;
    }

    /** The address of {@code node} on eth0. */
    public static String address(String node) {
        return switch (node) {
            case "lb1" -> "198.18.0.1";
            case "lb2" -> "198.18.0.2";
            case "client" -> "198.18.0.10";
            default -> throw new IllegalArgumentException("no node " + node);
        };
    }

    /** Sets {@code node}'s eth0 up or down, as a pulled cable would. */
    public void link(String node, boolean up) throws IOException, InterruptedException {
        run("ip", "-n", namespace(node), "link", "set", "eth0", up ? "up" : "down");
    }

    /** Whether the VIP is on {@code node}'s eth0. */
    public boolean holdsVip(String node) {
        return holds(node, VIP);
    }

    /** Whether {@code address} is on {@code node}'s eth0. */
    public boolean holds(String node, String address) {
        try {
            return output("ip", "-n", namespace(node), "-4", "addr", "show", "dev", "eth0")
                    .contains(" " + address + "/");
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts {@code command} in {@code node}'s namespace, output to {@code log}; stopped by PID at close. */
    public Process start(String node, Path log, List<String> command) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace(node)));
        full.addAll(command); // ip netns exec execs: the PID is the command's own
        Process process = new ProcessBuilder(full)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        synchronized (processes) {
            processes.add(process);
        }
        return process;
    }

    /** Runs {@code task} on a thread that entered {@code node}'s namespace; sockets it opens stay there. */
    public <T> T in(String node, Callable<T> task) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(
                () -> {
                    try {
                        enter(node);
                        result.complete(task.call());
                    } catch (Exception | Error e) {
                        result.completeExceptionally(e);
                    }
                },
                "in-" + node);
        thread.setDaemon(true);
        thread.start();
        return result.get(10, TimeUnit.SECONDS);
    }

    /** Moves the calling thread (only it: setns is per thread) into {@code node}'s namespace. */
    public void enter(String node) {
        int fd = LibC.INSTANCE.open("/run/netns/" + namespace(node), 0);
        try {
            LibC.INSTANCE.setns(fd, LibC.CLONE_NEWNET);
        } finally {
            LibC.INSTANCE.close(fd);
        }
    }

    /** Closes {@code resource} (e.g. a {@link ClientView}) first when the lab closes. */
    public void closeFirst(AutoCloseable resource) {
        synchronized (processes) {
            closeables.add(resource);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            closeAll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the namespaces may stay: 'ip netns del fj*' removes them
            throw new IOException("interrupted while closing the lab", e);
        }
    }

    private void closeAll() throws IOException, InterruptedException {
        List<AutoCloseable> resources;
        synchronized (processes) {
            resources = List.copyOf(closeables);
        }
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("closing " + resource + ": " + e);
            }
        }
        List<Process> started;
        synchronized (processes) {
            started = List.copyOf(processes);
        }
        for (Process process : started) { // SIGCONT first: a frozen process cannot act on SIGTERM
            process.descendants().forEach(child -> signal("CONT", child.pid()));
            signal("CONT", process.pid());
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        }
        for (Process process : started) {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        for (String node : NODES) {
            output("ip", "netns", "del", namespace(node));
        }
        output("ip", "netns", "del", prefix + "sw");
    }

    /** Sends {@code signal} to {@code pid}, a process this lab started or its child. */
    public static void signal(String signal, long pid) {
        try {
            output("kill", "-" + signal, Long.toString(pid));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + ": " + output);
        }
    }

    static String output(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(10, TimeUnit.SECONDS);
        return output;
    }
}
