package dev.fjord.lb.examples.faults;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A proxy under test in its own process, Fjord or HAProxy, running a haproxy.cfg rendered from a template: the
 * placeholders {@code ${NAME}} take the values given, and {@code ${FRONTEND_PORT}} (a free port) and
 * {@code ${SOCKET}} (the runtime socket, {@code stats.sock} in the work folder) are filled in here. {@link #start}
 * returns once the frontend port accepts (within 30 s). Its stdout and stderr go to files in the work folder, where
 * Netty's {@code LEAK:} reports are counted.
 *
 * <p>Fjord runs as {@code java -XX:+UseSerialGC -Xms32m -Xmx128m -Dio.netty.allocator.type=pooled [extra flags]
 * dev.fjord.lb.examples.Main --config FILE} on this JVM's class path (the extra flags: a scenario's, then those of the
 * system property {@code faults.fjordFlags}, split at spaces, e.g. to record a JFR profile); HAProxy as {@code
 * /usr/sbin/haproxy -f FILE -db}. Not thread-safe for starting and closing; the figures may be read from any thread.
 */
public final class ProxyProcess implements AutoCloseable {
    /** Where HAProxy is expected. */
    public static final Path HAPROXY = Path.of("/usr/sbin/haproxy");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+)}");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final List<String> FJORD_FLAGS =
            List.of("-XX:+UseSerialGC", "-Xms32m", "-Xmx128m", "-Dio.netty.allocator.type=pooled");

    /** Which proxy. */
    public enum Kind {
        FJORD,
        HAPROXY;

        /** The name in reports: {@code fjord} or {@code haproxy}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Kind kind;
    private final Process process;
    private final Path dir;
    private final int frontendPort;
    /** The placeholders' values the cfg was rendered with, for {@link #reload}. */
    private final Map<String, String> values;

    private ProxyProcess(Kind kind, Process process, Path dir, int frontendPort, Map<String, String> values) {
        this.kind = kind;
        this.process = process;
        this.dir = dir;
        this.frontendPort = frontendPort;
        this.values = Map.copyOf(values);
    }

    /** Whether HAProxy is installed at {@link #HAPROXY}. */
    public static boolean haproxyInstalled() {
        return Files.isExecutable(HAPROXY);
    }

    /**
     * Renders {@code template} into {@code dir/haproxy.cfg} and starts {@code kind} on it.
     *
     * @param values the placeholders' values, e.g. {@code SERVER1 -> 127.0.0.1:40001}
     * @param jvmFlags more flags for Fjord's JVM (ignored for HAProxy), e.g. paranoid leak detection
     * @throws IOException when it exits or does not accept within 30 s; the message ends with its stderr
     */
    public static ProxyProcess start(
            Kind kind, String template, Map<String, String> values, Path dir, List<String> jvmFlags)
            throws IOException, InterruptedException {
        return start(kind, template, values, dir, jvmFlags, false);
    }

    /**
     * {@link #start}, HAProxy in master-worker mode ({@code -W}) so that {@link #reload} can reload it; its figures
     * (RSS, CPU) are then the master's, not the worker's.
     */
    public static ProxyProcess startReloadable(Kind kind, String template, Map<String, String> values, Path dir)
            throws IOException, InterruptedException {
        return start(kind, template, values, dir, List.of(), true);
    }

    private static ProxyProcess start(
            Kind kind,
            String template,
            Map<String, String> values,
            Path dir,
            List<String> jvmFlags,
            boolean masterWorker)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port = Processes.freePort();
        Map<String, String> all = new HashMap<>(values);
        all.put("FRONTEND_PORT", String.valueOf(port));
        all.put("SOCKET", dir.resolve("stats.sock").toAbsolutePath().toString());
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, render(template, all));
        List<String> command;
        if (kind == Kind.FJORD) {
            List<String> flags = new ArrayList<>(FJORD_FLAGS);
            String transport = System.getProperty("fjord.transport");
            if (transport != null) {
                flags.add("-Dfjord.transport=" + transport); // the suite's choice, for the proxy it starts
            }
            flags.addAll(jvmFlags);
            String extra = System.getProperty("faults.fjordFlags");
            if (extra != null) {
                flags.addAll(List.of(extra.trim().split("\\s+")));
            }
            command = Processes.java(flags, "dev.fjord.lb.examples.Main", List.of("--config", cfg.toString()));
        } else {
            command = masterWorker
                    ? List.of(HAPROXY.toString(), "-W", "-f", cfg.toString(), "-db")
                    : List.of(HAPROXY.toString(), "-f", cfg.toString(), "-db");
        }
        Files.deleteIfExists(dir.resolve("stdout.log"));
        Files.deleteIfExists(dir.resolve("stderr.log"));
        Process process = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .redirectError(dir.resolve("stderr.log").toFile())
                .start();
        try {
            Processes.awaitPort(port, process, START_TIMEOUT);
        } catch (IOException e) {
            Processes.stop(process, Duration.ofSeconds(1));
            throw new IOException(kind.label() + " did not start on " + cfg + ": " + e.getMessage() + "\n"
                    + Processes.tail(dir.resolve("stdout.log"), 10) + "\n"
                    + Processes.tail(dir.resolve("stderr.log"), 20));
        }
        return new ProxyProcess(kind, process, dir, port, all);
    }

    /** {@code template} with every {@code ${NAME}} replaced. @throws IllegalArgumentException for an unknown one */
    static String render(String template, Map<String, String> values) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            if (value == null) {
                throw new IllegalArgumentException("no value for ${" + matcher.group(1) + "} in the template");
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    public Kind kind() {
        return kind;
    }

    public long pid() {
        return process.pid();
    }

    /** The frontend's address on 127.0.0.1. */
    public InetSocketAddress frontend() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), frontendPort);
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Resident memory now ({@code VmRSS}), kB. */
    public long rssKb() {
        return Processes.statusKb(process.pid(), "VmRSS");
    }

    /** The most resident memory so far ({@code VmHWM}), kB. */
    public long peakRssKb() {
        return Processes.statusKb(process.pid(), "VmHWM");
    }

    /** The CPU time the proxy has used so far, user and system ({@code /proc/PID/stat}), ms; 0 when gone. */
    public long cpuMillis() {
        return Processes.cpuMillis(process.pid());
    }

    /** CPU time of the proxy's JIT compiler threads so far, in milliseconds (0 for HAProxy, or when unknown). */
    public long compilerCpuMillis() {
        return kind == Kind.FJORD ? Processes.compilerCpuMillis(process.pid()) : 0;
    }

    /** Open file descriptors now; -1 when they cannot be read. */
    public int openFds() {
        return Processes.openFds(process.pid());
    }

    /** Lines with Netty's {@code LEAK:} report in the proxy's stdout and stderr. */
    public long leakLines() {
        return Stream.of("stdout.log", "stderr.log")
                .mapToLong(file -> {
                    try (Stream<String> lines = Files.lines(dir.resolve(file), StandardCharsets.ISO_8859_1)) {
                        return lines.filter(line -> line.contains("LEAK:")).count();
                    } catch (IOException e) {
                        return 0;
                    }
                })
                .sum();
    }

    /** The end of the proxy's stderr, for reports. */
    public String stderrTail(int lines) {
        return Processes.tail(dir.resolve("stderr.log"), lines);
    }

    /**
     * A full garbage collection in Fjord's JVM ({@code jcmd PID GC.run}, bounded to 20 s), so that buffers leaked
     * and unreachable are found by Netty's leak detector at its next allocations. Nothing for HAProxy.
     */
    public void collectGarbage() throws IOException, InterruptedException {
        if (kind != Kind.FJORD) {
            return;
        }
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return;
        }
        Process gc = new ProcessBuilder(jcmd.toString(), String.valueOf(process.pid()), "GC.run")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!gc.waitFor(20, TimeUnit.SECONDS)) {
            Processes.kill(gc);
        }
    }

    /**
     * Sends one line to the runtime socket ({@code stats socket ${SOCKET}} in the cfg) and reads the answer until the
     * proxy closes the connection, within 5 s.
     *
     * @return the answer, trimmed
     * @throws IOException when there is no socket, or no end of the answer within 5 s
     */
    public String command(String line) throws IOException {
        UnixDomainSocketAddress socket = UnixDomainSocketAddress.of(dir.resolve("stats.sock"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                Selector selector = Selector.open()) {
            channel.connect(socket);
            ByteBuffer request = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (request.hasRemaining()) {
                channel.write(request);
            }
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            StringBuilder answer = new StringBuilder();
            while (true) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new IOException("no end of the answer to '" + line + "' within 5 s: " + answer);
                }
                selector.select(left);
                selector.selectedKeys().clear();
                buffer.clear();
                int n = channel.read(buffer);
                if (n < 0) {
                    return answer.toString().trim();
                }
                answer.append(new String(buffer.array(), 0, n, StandardCharsets.UTF_8));
            }
        }
    }

    /**
     * Rewrites the cfg from {@code template} (the same placeholders' values) and has the proxy reload it as each is
     * reloaded in production: SIGHUP to Fjord (the running process applies it), SIGUSR2 to HAProxy's master (a new
     * worker takes over, the old one finishes its connections). Returns once the signal is sent.
     */
    public void reload(String template) throws IOException, InterruptedException {
        Files.writeString(dir.resolve("haproxy.cfg"), render(template, values));
        Processes.signal(process, kind == Kind.FJORD ? "HUP" : "USR2");
    }

    /** SIGTERM, up to 6 s to finish (Fjord closes gracefully within 5 s), then SIGKILL. */
    @Override
    public void close() {
        Processes.stop(process, Duration.ofSeconds(6));
    }

    @Override
    public String toString() {
        return kind.label() + " (pid " + process.pid() + ") on 127.0.0.1:" + frontendPort;
    }
}
