package dev.fjord.lb.netty;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import dev.fjord.lb.core.HealthChecks;
import dev.fjord.lb.core.RuntimeCommands;
import dev.fjord.lb.core.Ticker;

/**
 * The runtime command socket ({@code stats socket PATH}): a Unix domain socket answering one command line (or several
 * separated by {@code ;}) per connection with {@link RuntimeCommands}, as HAProxy's does, e.g. with
 * {@code echo "show stat" | socat stdio unix-connect:PATH}. A daemon thread accepts; a command line is at most 4 KiB
 * and must arrive within 5 s. Thread-safe; {@link #close()} stops it and removes the file.
 */
final class StatsSocket implements AutoCloseable {
    private static final OperatorLog log = OperatorLog.of(StatsSocket.class.getName());
    private static final int MAX_LINE = 4096;
    /** A command with a payload ({@code set ssl cert FILE <<}): the line and PEM lines up to an empty line. */
    private static final int MAX_PAYLOAD = 64 * 1024;

    private final Path path;
    private final ServerSocketChannel server;
    private final Thread thread;
    private final @org.jspecify.annotations.Nullable CertificateCommands certificates;

    private StatsSocket(
            Path path,
            ServerSocketChannel server,
            RuntimeCommands commands,
            @org.jspecify.annotations.Nullable CertificateCommands certificates) {
        this.path = path;
        this.server = server;
        this.certificates = certificates;
        this.thread = new Thread(() -> serve(commands), "fjord-stats-socket");
        this.thread.setDaemon(true);
    }

    /**
     * Listens on {@code path}, replacing a stale socket file left by an earlier run.
     *
     * @throws IllegalStateException naming the path when it cannot be bound
     */
    static StatsSocket open(Path path, RuntimeCommands commands) {
        return open(path, commands, null);
    }

    /** Listens on {@code path}, answering the certificate commands with {@code certificates} too. */
    static StatsSocket open(
            Path path, RuntimeCommands commands, @org.jspecify.annotations.Nullable CertificateCommands certificates) {
        try {
            Files.deleteIfExists(path);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
            StatsSocket socket = new StatsSocket(path, server, commands, certificates);
            socket.thread.start();
            return socket;
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalStateException(
                    "global: stats socket '" + path + "': cannot listen (" + e.getMessage()
                            + "); check that its directory exists and is writable",
                    e);
        }
    }

    /**
     * Listens on {@code path} with the runtime commands of a running proxy; see {@link #open(Path, RuntimeCommands)}.
     */
    static StatsSocket open(
            Path path, ProxyRuntime runtime, HealthChecks checks, int threads, RuntimeCommands.Reloader reloader) {
        long started = System.nanoTime();
        RuntimeCommands commands = new RuntimeCommands(
                runtime.router,
                checks,
                s -> runtime.slots(s).queued(),
                s -> runtime.slots(s).maxQueued(),
                new RuntimeCommands.InfoSource() {
                    @Override
                    public long uptimeSeconds() {
                        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
                    }

                    @Override
                    public int currentConnections() {
                        return runtime.globalConnections.get();
                    }

                    @Override
                    public int threads() {
                        return threads;
                    }

                    @Override
                    public long nowNanos() {
                        return Ticker.system().read();
                    }
                },
                reloader);
        return open(path, commands, new CertificateCommands(runtime.tls));
    }

    private void serve(RuntimeCommands commands) {
        while (server.isOpen()) {
            try (SocketChannel client = server.accept()) {
                String text = readCommand(client);
                if (text != null) {
                    client.write(ByteBuffer.wrap(answer(commands, text).getBytes(StandardCharsets.UTF_8)));
                }
            } catch (IOException e) {
                if (server.isOpen()) {
                    log.debug("stats socket: " + e);
                }
            } catch (RuntimeException e) {
                log.warn("stats socket command failed", e);
            }
        }
    }

    /** The answer to a command line, with its payload after the first line when it ends with {@code <<}. */
    private String answer(RuntimeCommands commands, String text) {
        int newline = text.indexOf('\n');
        String line = (newline >= 0 ? text.substring(0, newline) : text).strip();
        CertificateCommands ssl = certificates;
        if (ssl != null && CertificateCommands.handles(line)) {
            boolean withPayload = line.endsWith("<<");
            String payload = withPayload && newline >= 0 ? text.substring(newline + 1) : null;
            return ssl.execute(withPayload ? line.substring(0, line.length() - 2) : line, payload);
        }
        return commands.execute(line);
    }

    /**
     * The command sent: its first line, and when that ends with {@code <<} the payload lines up to an empty line (or
     * until the client half-closes); null when nothing came.
     */
    private static @org.jspecify.annotations.Nullable String readCommand(SocketChannel client) throws IOException {
        client.configureBlocking(true);
        ByteBuffer buffer = ByteBuffer.allocate(MAX_PAYLOAD);
        long deadline = System.nanoTime() + 5_000_000_000L;
        int limit = MAX_LINE;
        while (buffer.position() < limit && System.nanoTime() < deadline) {
            buffer.limit(limit);
            if (client.read(buffer) < 0) {
                break;
            }
            String sofar = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
            int newline = sofar.indexOf('\n');
            if (newline < 0) {
                continue;
            }
            if (!sofar.substring(0, newline).strip().endsWith("<<")) {
                break; // one line
            }
            limit = MAX_PAYLOAD;
            if (sofar.indexOf("\n\n", newline) >= 0 || sofar.indexOf("\r\n\r\n", newline) >= 0) {
                break; // the payload ends at an empty line
            }
        }
        String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
        return text.isBlank() ? null : text;
    }

    @Override
    public void close() {
        try {
            server.close();
            thread.join(2000);
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.debug("closing the stats socket: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
