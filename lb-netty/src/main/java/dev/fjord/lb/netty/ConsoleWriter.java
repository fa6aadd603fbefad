package dev.fjord.lb.netty;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Writes log lines to {@code stdout} or {@code stderr} from a thread of its own, so that an event loop never waits on
 * a slow reader of the console (a full pipe, a container runtime's log driver). Lines wait in a queue of
 * {@link #CAPACITY} lines; beyond it they are dropped and counted, as HAProxy drops lines to {@code fd@1} that the
 * pipe cannot take at once (its {@code DroppedLogs}). The stream is looked up at each write
 * ({@code System.out} may be replaced). Thread-safe.
 */
final class ConsoleWriter implements AutoCloseable {
    /** Lines held at most while the console is slow: about 10 MB of 150-byte lines. */
    static final int CAPACITY = 65_536;

    /** Marks the end of the queue. */
    private static final Object END = new Object();

    private final BlockingQueue<Object> queue;
    private final Supplier<PrintStream> stream;
    private final LongAdder dropped;
    private final Thread writer;
    private volatile boolean closing;

    /**
     * @param name the thread's name
     * @param stream the stream at the time of each write, e.g. {@code () -> System.out}
     * @param dropped counts the lines dropped
     * @param capacity the lines held at most
     */
    ConsoleWriter(String name, Supplier<PrintStream> stream, LongAdder dropped, int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.stream = stream;
        this.dropped = dropped;
        this.writer = new Thread(this::run, name);
        writer.setDaemon(true);
        writer.start();
    }

    /** Queues {@code line}, or drops and counts it when {@link #CAPACITY} lines wait already; never blocks. */
    void write(String line) {
        if (!queue.offer(line)) {
            dropped.increment();
        }
    }

    private void run() {
        List<Object> batch = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        try {
            while (true) {
                Object first = queue.poll(500, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 1024);
                text.setLength(0);
                boolean end = false;
                for (Object line : batch) {
                    if (line == END) {
                        end = true;
                    } else {
                        text.append(line).append('\n');
                    }
                }
                batch.clear();
                PrintStream out = stream.get();
                out.print(text);
                out.flush();
                if (end) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops the thread once what is queued is written. Waits for that at most one second, except on an event loop
     * (a reconfiguration retiring its logs), which never waits: the thread finishes on its own.
     */
    @Override
    public void close() {
        closing = true;
        queue.offer(END); // when full, the thread sees closing once it has emptied the queue
        if (Thread.currentThread() instanceof io.netty.util.concurrent.FastThreadLocalThread) {
            return;
        }
        try {
            writer.join(TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
