package dev.fjord.lb.examples.faults;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.fjord.lb.examples.faults.LoadReport.Kind;
import dev.fjord.lb.examples.faults.LoadReport.Sample;

/**
 * Load on the proxy from this JVM: {@code connections} daemon threads (small stacks), each with a blocking socket
 * sending {@code GET /c<thread>/<n>} requests one after the other until the deadline, over one keep-alive connection
 * (a new one after an error or a close) or a new connection per request. Bounded in time (the deadline, then each
 * request's read timeout) and in count ({@link Options#maxRequestsPerThread()}); a refused connect is retried
 * after 10 ms. Start it, then {@link #await()} its {@link LoadReport}. Thread-safe.
 */
public final class LoadClient {
    private static final long STACK_BYTES = 256 * 1024;

    private final List<Thread> threads = new ArrayList<>();
    private final List<List<Sample>> samples = new ArrayList<>();
    private final ConcurrentHashMap<Integer, ClientConnection> current = new ConcurrentHashMap<>();
    private final long deadlineNanos;
    private final Options options;

    /**
     * How to load.
     *
     * @param connections client connections at once (threads)
     * @param duration how long to send requests
     * @param newConnectionPerRequest a new connection for every request ({@code Connection: close}) instead of
     *     keep-alive
     * @param readTimeout the socket's connect and read timeout (default 10 s)
     * @param maxRequestsPerThread the most requests a thread sends (default 1,000,000)
     * @param pathPrefix what the paths start with (default "": {@code /c<thread>/<n>})
     */
    public record Options(
            int connections,
            Duration duration,
            boolean newConnectionPerRequest,
            Duration readTimeout,
            int maxRequestsPerThread,
            String pathPrefix) {
        /** Keep-alive connections for {@code duration}, a 10 s read timeout. */
        public static Options keepAlive(int connections, Duration duration) {
            return new Options(connections, duration, false, Duration.ofSeconds(10), 1_000_000, "");
        }

        /** A new connection per request. */
        public Options closeEach() {
            return new Options(connections, duration, true, readTimeout, maxRequestsPerThread, pathPrefix);
        }

        public Options readTimeout(Duration timeout) {
            return new Options(
                    connections, duration, newConnectionPerRequest, timeout, maxRequestsPerThread, pathPrefix);
        }

        public Options pathPrefix(String prefix) {
            return new Options(
                    connections, duration, newConnectionPerRequest, readTimeout, maxRequestsPerThread, prefix);
        }
    }

    private LoadClient(Options options) {
        this.options = options;
        this.deadlineNanos = System.nanoTime() + options.duration().toNanos();
    }

    /** Starts the threads against {@code target}; they stop by themselves at the deadline. */
    public static LoadClient start(InetSocketAddress target, Options options) {
        LoadClient client = new LoadClient(options);
        for (int i = 0; i < options.connections(); i++) {
            int id = i;
            List<Sample> mine = new ArrayList<>();
            client.samples.add(mine);
            Thread thread = new Thread(null, () -> client.run(target, id, mine), "load-" + id, STACK_BYTES);
            thread.setDaemon(true);
            client.threads.add(thread);
        }
        client.threads.forEach(Thread::start);
        return client;
    }

    private void run(InetSocketAddress target, int id, List<Sample> mine) {
        ClientConnection open = null;
        try {
            for (int n = 0; n < options.maxRequestsPerThread() && System.nanoTime() < deadlineNanos; n++) {
                long start = System.nanoTime();
                if (open == null || !open.reusable()) {
                    try {
                        open = ClientConnection.open(target, options.readTimeout());
                    } catch (IOException e) {
                        Kind kind = e instanceof SocketTimeoutException ? Kind.TIMEOUT : Kind.IO_ERROR;
                        mine.add(new Sample(start, System.nanoTime() - start, kind, 0, null));
                        pause(10);
                        continue;
                    }
                    current.put(id, open);
                }
                mine.add(open.request(
                        options.pathPrefix() + "/c" + id + "/" + n, options.newConnectionPerRequest(), start));
                if (!open.reusable()) {
                    open.close();
                }
            }
        } finally {
            if (open != null) {
                open.close();
            }
            current.remove(id);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits for the threads: until the deadline, then at most the read timeout and 2 s more, after which stuck
     * connections are closed.
     *
     * @return what they saw
     */
    public LoadReport await() throws InterruptedException {
        long limit = deadlineNanos + options.readTimeout().toNanos() + TimeUnit.SECONDS.toNanos(2);
        for (Thread thread : threads) {
            long left = limit - System.nanoTime();
            if (left > 0) {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
        current.values().forEach(ClientConnection::close);
        for (Thread thread : threads) {
            thread.join(1000);
        }
        List<Sample> all = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            Thread thread = threads.get(i);
            if (!thread.isAlive()) { // a live thread's list may still change; only finished ones are read
                all.addAll(samples.get(i));
            }
        }
        return new LoadReport(all);
    }

    @Override
    public String toString() {
        return "LoadClient " + options;
    }
}
