package dev.fjord.lb.examples.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Client connections that are opened and then say nothing: non-blocking {@link SocketChannel}s, no thread each,
 * connected in batches of 500 (each batch's connects awaited with a selector before the next, so the proxy's accept
 * queue is not flooded). Bounded by a count and a time; a connect that fails (no more descriptors, say) stops the
 * opening and is noted. Not thread-safe.
 */
final class IdleConnections implements AutoCloseable {
    private static final int BATCH = 500;

    private final List<SocketChannel> channels = new ArrayList<>();
    private String note = "";

    private IdleConnections() {}

    /** Opens up to {@code count} connections to {@code target} within {@code timeout}. */
    static IdleConnections open(InetSocketAddress target, int count, Duration timeout) throws IOException {
        IdleConnections idle = new IdleConnections();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Selector selector = Selector.open()) {
            while (idle.channels.size() < count && idle.note.isEmpty()) {
                int pending = 0;
                for (int i = 0; i < BATCH && idle.channels.size() < count; i++) {
                    try {
                        SocketChannel channel = SocketChannel.open();
                        idle.channels.add(channel);
                        channel.configureBlocking(false);
                        if (!channel.connect(target)) {
                            channel.register(selector, SelectionKey.OP_CONNECT);
                            pending++;
                        }
                    } catch (IOException e) {
                        idle.note = "stopped at " + idle.channels.size() + ": " + e.getMessage();
                        break;
                    }
                }
                while (pending > 0) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        idle.note = "stopped at " + idle.channels.size() + ": connects not done within " + timeout;
                        break;
                    }
                    selector.select(left);
                    for (SelectionKey key : selector.selectedKeys()) {
                        SocketChannel channel = (SocketChannel) key.channel();
                        try {
                            channel.finishConnect();
                        } catch (IOException e) {
                            idle.note = "a connect failed: " + e.getMessage();
                            channel.close();
                        }
                        key.cancel();
                        pending--;
                    }
                    selector.selectedKeys().clear();
                }
                selector.selectNow(); // clears the cancelled keys
            }
        }
        return idle;
    }

    /** The connections open now. */
    int held() {
        return (int) channels.stream().filter(SocketChannel::isConnected).count();
    }

    /** Why fewer were opened than asked for; "" when none stopped it. */
    String note() {
        return note;
    }

    /**
     * The soft limit of open files of process {@code pid} ({@code Max open files} in {@code /proc/PID/limits}), or
     * {@link Long#MAX_VALUE} when unlimited or unknown.
     */
    static long fileLimit(long pid) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", String.valueOf(pid), "limits"))) {
            return lines.filter(line -> line.startsWith("Max open files"))
                    .map(line ->
                            line.substring("Max open files".length()).trim().split("\\s+", 2)[0])
                    .map(soft -> soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft))
                    .findFirst()
                    .orElse(Long.MAX_VALUE);
        } catch (IOException | UncheckedIOException | NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public void close() {
        for (SocketChannel channel : channels) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing the rest anyway
            }
        }
        channels.clear();
    }
}
