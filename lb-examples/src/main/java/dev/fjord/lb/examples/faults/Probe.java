package dev.fjord.lb.examples.faults;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.fjord.lb.examples.faults.LoadReport.Sample;

/**
 * A fresh request every 250 ms: a daemon thread that opens a new connection, sends {@code GET /probe/<n>} and
 * records the answer, as a user arriving during (and right after) a storm would. The next request starts 250 ms
 * after the previous one started, or at once when that one took longer. Bounded: it stops at {@link #stop()}, after
 * {@code maxDuration}, or after 10,000 requests; each request times out after {@code timeout}. Thread-safe.
 */
public final class Probe implements AutoCloseable {
    /** The interval between requests: 250 ms. */
    public static final Duration INTERVAL = Duration.ofMillis(250);

    private static final int MAX_REQUESTS = 10_000;

    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    private Probe(InetSocketAddress target, Duration timeout, Duration maxDuration) {
        this.thread = new Thread(null, () -> run(target, timeout, maxDuration), "probe", 256 * 1024);
        this.thread.setDaemon(true);
    }

    /** Starts probing {@code target}. */
    public static Probe start(InetSocketAddress target, Duration timeout, Duration maxDuration) {
        Probe probe = new Probe(target, timeout, maxDuration);
        probe.thread.start();
        return probe;
    }

    private void run(InetSocketAddress target, Duration timeout, Duration maxDuration) {
        long end = System.nanoTime() + maxDuration.toNanos();
        long next = System.nanoTime();
        for (int n = 0; running && n < MAX_REQUESTS && System.nanoTime() < end; n++) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
            next = System.nanoTime() + INTERVAL.toNanos();
            Sample sample = ClientConnection.once(target, "/probe/" + n, timeout);
            synchronized (samples) {
                samples.add(sample);
            }
        }
    }

    /** Stops probing (a request under way finishes first, within its timeout) and reports what it saw. */
    public LoadReport stop() throws InterruptedException {
        running = false;
        thread.join(TimeUnit.MINUTES.toMillis(1));
        return report();
    }

    /** What it saw so far. */
    public LoadReport report() {
        synchronized (samples) {
            return new LoadReport(samples);
        }
    }

    /** Stops probing at once, interrupting a request's wait; waits up to 30 s for the thread. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
