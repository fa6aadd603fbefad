package dev.fjord.lb.examples.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the harness needs of its child processes: the command line of a JVM on this JVM's class path, figures from
 * {@code /proc/PID}, bounded waits for a port, and stopping a child by its {@link Process} (only ever one this JVM
 * started). Stateless.
 */
final class Processes {
    private Processes() {}

    /** The command line of a JVM like this one, on this JVM's class path, running {@code mainClass}. */
    static List<String> java(List<String> jvmFlags, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(classPath());
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /**
     * This JVM's class path. Under Maven Surefire with a manifest-only jar, {@code java.class.path} is the real test
     * class path (Surefire sets it), which includes the lb-examples classes and their dependencies.
     */
    static String classPath() {
        String path = System.getProperty("java.class.path", "");
        if (path.isEmpty()) {
            throw new IllegalStateException("no java.class.path to start a child JVM with");
        }
        return path;
    }

    /** A free TCP port on 127.0.0.1 (free when asked: a child binds it soon after). */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * Waits until {@code port} on 127.0.0.1 accepts a connection, polling every 50 ms.
     *
     * @throws IOException when it does not within {@code timeout}, or {@code process} exits first
     */
    static void awaitPort(int port, Process process, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                return;
            } catch (IOException e) {
                if (!process.isAlive()) {
                    throw new IOException(
                            "exited with status " + process.exitValue() + " before port " + port + " accepted", e);
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("port " + port + " did not accept within " + timeout, e);
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }

    /** A value in kB from {@code /proc/PID/status} ({@code VmRSS}, {@code VmHWM}); 0 when the process is gone. */
    static long statusKb(long pid, String field) {
        String value = statusField(String.valueOf(pid), field);
        return value.isEmpty() ? 0 : Long.parseLong(value);
    }

    /**
     * Whether this process ignores {@code SIGHUP} (bit 0 of {@code SigIgn} in {@code /proc/self/status}): started
     * under {@code nohup}, say. The proxies it starts inherit that, and a JVM keeps a signal ignored since its start
     * ignored, so Fjord cannot be reloaded by {@code SIGHUP} from here.
     */
    static boolean hangupIgnored() {
        String mask = statusField("self", "SigIgn");
        return !mask.isEmpty() && (Long.parseUnsignedLong(mask, 16) & 1) != 0;
    }

    /** The first word of {@code field} in {@code /proc/PROCESS/status}; empty when the process or field is gone. */
    private static String statusField(String process, String field) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", process, "status"))) {
            return lines.filter(line -> line.startsWith(field + ":"))
                    .map(line -> line.substring(field.length() + 1).trim().split("\\s+", 2)[0])
                    .findFirst()
                    .orElse("");
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    /**
     * The CPU time of {@code pid} so far, user and system, in ms: fields 14 and 15 of {@code /proc/PID/stat}, in
     * clock ticks of 10 ms (USER_HZ is 100 on Linux); 0 when the process is gone.
     */
    static long cpuMillis(long pid) {
        return cpuMillis(Path.of("/proc", String.valueOf(pid), "stat"));
    }

    private static long cpuMillis(Path statFile) {
        try {
            String stat = Files.readString(statFile);
            // the command, field 2, is in parentheses and may hold spaces: count from the last ')'
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+", 14);
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
        } catch (IOException | RuntimeException e) { // gone, or not the format of Linux
            return 0;
        }
    }

    /**
     * CPU time (user and system) of the JIT compiler threads of Java process {@code pid} ({@code C1 CompilerThread*},
     * {@code C2 CompilerThread*} in {@code /proc/PID/task}), in milliseconds; 0 when it cannot be read.
     */
    static long compilerCpuMillis(long pid) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            return tasks.filter(task -> {
                        try {
                            return Files.readString(task.resolve("comm")).matches("C[12] CompilerThre.*\\s*");
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .mapToLong(task -> cpuMillis(task.resolve("stat")))
                    .sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    /** The open file descriptors of {@code pid} ({@code /proc/PID/fd}); -1 when they cannot be read. */
    static int openFds(long pid) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            return (int) fds.count();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    /**
     * Stops {@code process}, a child of this JVM: SIGTERM, up to {@code grace} to exit, then SIGKILL and up to 5 s.
     */
    static void stop(Process process, Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
            }
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Sends signal {@code name} ({@code HUP}, {@code USR2}) to {@code process}, a child this JVM started, with
     * {@code kill}, bounded to 5 s.
     */
    static void signal(Process process, String name) throws IOException, InterruptedException {
        if (!ProcessHandle.current().children().anyMatch(child -> child.pid() == process.pid())) {
            throw new IllegalStateException("process " + process.pid() + " is not a child of this JVM");
        }
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            kill.destroyForcibly();
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /**
     * SIGKILL to {@code process}, a child this JVM started (so its PID is ours, not a reused one), and up to 5 s for
     * it to go.
     */
    static void kill(Process process) {
        if (!ProcessHandle.current().children().anyMatch(child -> child.pid() == process.pid())) {
            throw new IllegalStateException("process " + process.pid() + " is not a child of this JVM");
        }
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last {@code lines} lines of {@code file}, for error messages; "" when it cannot be read. */
    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }
}
