package dev.fjord.lb.examples.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link FaultServer} in its own JVM (serial GC, C1 only, 96 MB heap at most), started on this JVM's class path;
 * {@link #start} returns once it printed {@code listening PORT} (within 20 s). It can be killed with SIGKILL and
 * restarted on the same port, as a crashed server is. Its stderr goes to {@code NAME.stderr.log} in the work
 * folder. Not thread-safe: the scenario's thread drives it.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final String name;
    private final List<String> options;
    private final Path dir;
    private final Process process;
    private final int port;

    private ServerProcess(String name, List<String> options, Path dir, Process process, int port) {
        this.name = name;
        this.options = options;
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    /**
     * Starts server {@code name} on a free port.
     *
     * @param options more {@link FaultServer} options, e.g. {@code --delay-ms 200}
     * @param dir where its log goes
     */
    public static ServerProcess start(String name, List<String> options, Path dir)
            throws IOException, InterruptedException {
        return start(name, 0, options, dir);
    }

    private static ServerProcess start(String name, int port, List<String> options, Path dir)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--port", String.valueOf(port), "--name", name));
        args.addAll(options);
        Path stderr = dir.resolve(name + ".stderr.log");
        Process process = new ProcessBuilder(Processes.java(
                        List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xms16m", "-Xmx96m", "-Xss256k"),
                        FaultServer.class.getName(),
                        args))
                .redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()))
                .start();
        try {
            int bound = listeningPort(process);
            return new ServerProcess(name, options, dir, process, bound);
        } catch (IOException e) {
            Processes.stop(process, Duration.ZERO);
            throw new IOException("server " + name + ": " + e.getMessage() + "\n" + Processes.tail(stderr, 20), e);
        }
    }

    /** Reads {@code listening PORT}, the first line of the server's stdout, within {@link #START_TIMEOUT}. */
    private static int listeningPort(Process process) throws IOException, InterruptedException {
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return String.valueOf(out.readLine());
            } catch (IOException e) {
                return "null";
            }
        });
        String first;
        try {
            first = line.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("no 'listening PORT' within " + START_TIMEOUT, e);
        } catch (ExecutionException e) {
            throw new IOException("reading its stdout", e);
        }
        if (!first.startsWith("listening ")) {
            throw new IOException("expected 'listening PORT', read '" + first + "'");
        }
        return Integer.parseInt(first.substring("listening ".length()).trim());
    }

    /** The server's name, its {@code X-Server}. */
    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    /** Its address as a haproxy.cfg {@code server} line names it: {@code 127.0.0.1:PORT}. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL, as a crash: the kernel resets or closes its connections. */
    public void kill() {
        Processes.kill(process);
    }

    /** A new process of this server, with the same options, on the same port (after {@link #kill()}). */
    public ServerProcess restart() throws IOException, InterruptedException {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        return start(name, port, options, dir);
    }

    /**
     * Asks the server itself, not through the proxy, how many other connections it has open ({@code GET /_open}).
     *
     * @throws IOException when it does not answer within 5 s
     */
    public int openConnections() throws IOException {
        return (int) ask("/_open");
    }

    /**
     * Asks the server itself how many requests it has received so far, other than health checks and these questions
     * ({@code GET /_count}).
     *
     * @throws IOException when it does not answer within 5 s
     */
    public long requestsReceived() throws IOException {
        return ask("/_count");
    }

    private long ask(String path) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(5000);
            socket.connect(socketAddress(), 5000);
            socket.getOutputStream()
                    .write(Http1.ascii("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            int body = answer.indexOf("\r\n\r\n");
            if (!answer.startsWith("HTTP/1.1 200") || body < 0) {
                throw new IOException("unexpected answer to " + path + ": " + answer);
            }
            return Long.parseLong(answer.substring(body + 4).trim());
        }
    }

    @Override
    public void close() {
        Processes.stop(process, Duration.ofSeconds(2));
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ") on " + address();
    }
}
