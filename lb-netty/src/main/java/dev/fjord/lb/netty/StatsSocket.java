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

    private final Path path;
    private final ServerSocketChannel server;
    private final Thread thread;

    private StatsSocket(Path path, ServerSocketChannel server, RuntimeCommands commands) {
        this.path = path;
        this.server = server;
        this.thread = new Thread(() -> serve(commands), "fjord-stats-socket");
        this.thread.setDaemon(true);
    }

    /**
     * Listens on {@code path}, replacing a stale socket file left by an earlier run.
     *
     * @throws IllegalStateException naming the path when it cannot be bound
     */
    static StatsSocket open(Path path, RuntimeCommands commands) {
        try {
            Files.deleteIfExists(path);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
            StatsSocket socket = new StatsSocket(path, server, commands);
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
        return open(path, commands);
    }

    private void serve(RuntimeCommands commands) {
        while (server.isOpen()) {
            try (SocketChannel client = server.accept()) {
                String line = readLine(client);
                if (line != null) {
                    client.write(ByteBuffer.wrap(commands.execute(line).getBytes(StandardCharsets.UTF_8)));
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

    /** The first line sent, or everything until the client half-closes; null when nothing came. */
    private static @org.jspecify.annotations.Nullable String readLine(SocketChannel client) throws IOException {
        client.configureBlocking(true);
        ByteBuffer buffer = ByteBuffer.allocate(MAX_LINE);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (buffer.hasRemaining() && System.nanoTime() < deadline) {
            int read = client.read(buffer);
            if (read < 0) {
                break;
            }
            byte[] bytes = buffer.array();
            boolean newline = false;
            for (int i = 0; i < buffer.position(); i++) {
                if (bytes[i] == '\n') {
                    newline = true;
                    break;
                }
            }
            if (newline) {
                break;
            }
        }
        String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        String line = (newline >= 0 ? text.substring(0, newline) : text).strip();
        return line.isEmpty() ? null : line;
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
