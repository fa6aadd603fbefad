package dev.fjord.lb.netty;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A real HAProxy (Debian's {@code /usr/sbin/haproxy}, which {@code .ci/run} installs) run in the foreground on a
 * configuration of the test's, on loopback only; stopped by its PID when closed. Tests that need one skip, saying
 * why, where it is not installed.
 */
final class HaproxyProcess implements AutoCloseable {
    static final Path HAPROXY = Path.of("/usr/sbin/haproxy");

    /** The {@code defaults} section the side-by-side HTTP tests share: HTTP mode, timeouts of a few seconds. */
    static final String HTTP_DEFAULTS = """
            defaults
                mode http
                timeout client 10s
                timeout server 10s
                timeout connect 2s
            """;

    private final Process process;
    private final Path log;

    private HaproxyProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Skips the calling test unless HAProxy is installed. */
    static void assumeInstalled() {
        Assumptions.assumeTrue(
                Files.isExecutable(HAPROXY), "HAProxy is not installed at " + HAPROXY + " (apt-get install haproxy)");
    }

    /** A free port on 127.0.0.1 for HAProxy to bind (free when asked; HAProxy binds it at once). */
    /** What a side-by-side test sends through a proxy and what it saw. */
    interface Run<T> {
        T through(InetSocketAddress proxy) throws Exception;
    }

    /**
     * Runs {@code run} through a HAProxy started on {@code config} of its bind address ({@code 127.0.0.1:PORT}) and
     * checks that it sees what it saw through Fjord; skipped where HAProxy is not installed.
     */
    static <T> void seesTheSame(T byFjord, Path dir, java.util.function.Function<String, String> config, Run<T> run)
            throws Exception {
        assumeInstalled();
        int port = freePort();
        try (HaproxyProcess haproxy = start(dir, config.apply("127.0.0.1:" + port), port)) {
            org.assertj.core.api.Assertions.assertThat(run.through(new InetSocketAddress("127.0.0.1", port)))
                    .as("through HAProxy (its output: %s)", haproxy.output())
                    .isEqualTo(byFjord);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A cfg whose frontend binds 127.0.0.1:{@code port} with {@code bindOptions} and answers 200 {@code answer}. */
    static String answering(int port, String bindOptions, String answer) {
        return """
                defaults
                    mode http
                    timeout client 5s
                    timeout connect 1s
                    timeout server 5s
                frontend main
                    bind 127.0.0.1:%d %s
                    http-request return status 200 content-type text/plain string %s
                """.formatted(port, bindOptions, answer);
    }

    /** Starts HAProxy on {@code cfg} in {@code dir} and waits (at most 5 s) until {@code port} accepts connections. */
    static HaproxyProcess start(Path dir, String cfg, int port) throws IOException, InterruptedException {
        assumeInstalled();
        Path file = Files.writeString(dir.resolve("haproxy.cfg"), cfg);
        Path log = dir.resolve("haproxy.log");
        Process process = new ProcessBuilder(HAPROXY.toString(), "-db", "-f", file.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        HaproxyProcess haproxy = new HaproxyProcess(process, log);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < end && process.isAlive()) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return haproxy;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        haproxy.close();
        throw new IllegalStateException("HAProxy did not listen on " + port + ": " + Files.readString(log));
    }

    /** What HAProxy printed so far, for failure messages. */
    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** The process's ID ({@code %pid}). */
    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
