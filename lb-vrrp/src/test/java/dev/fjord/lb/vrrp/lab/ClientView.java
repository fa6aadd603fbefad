package dev.fjord.lb.vrrp.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Who owns the VIP, as the client namespace sees it: threads in the client namespace ask the VIP every 5 ms between
 * them, over a new connection each time, so the answer changes only when the client's ARP entry for the VIP follows a
 * gratuitous ARP, as a real client's would. {@link #start} runs a responder in each load-balancer namespace that
 * answers its node's name on port 7000; {@link #probing} asks whatever the nodes serve. Each answer is kept by when
 * its probe started ({@code "-"}: nobody answered), so one probe stuck on a connection lost in the failover does not
 * hide what the others see. Thread-safe; bounded: the probes stop after {@code maxRun} or at {@link #close()}, which
 * the lab calls when it closes.
 */
public final class ClientView implements AutoCloseable {
    private static final int PORT = 7000;
    private static final int PROBERS = 4;
    /** Each thread probes this often; together, every PERIOD_MILLIS / PROBERS ms. */
    private static final long PERIOD_MILLIS = 20;

    /** Asks the VIP once, on a new connection made on the calling thread; returns the node that answered. */
    @FunctionalInterface
    public interface Probe {
        String owner(InetSocketAddress vip) throws IOException;
    }

    /** One change of the owner seen by the client: the probe that first saw it started at {@code nanos}. */
    public record Change(long nanos, String owner) {}

    private final List<ServerSocket> responders = new ArrayList<>();
    /** Each finished probe's answer, by when it started ({@link System#nanoTime()}). */
    private final NavigableMap<Long, String> answers = new TreeMap<>();
    /** When each probe still out started. */
    private final NavigableSet<Long> inFlight = new TreeSet<>();

    private volatile boolean running = true;

    private ClientView() {}

    /** Starts the responders in lb1 and lb2 and the client's probes of VIP:7000. */
    public static ClientView start(NetnsLab lab, Duration maxRun) throws Exception {
        ClientView view = new ClientView();
        lab.closeFirst(view);
        for (String node : List.of("lb1", "lb2")) {
            ServerSocket server = lab.in(node, () -> new ServerSocket(PORT, 50, InetAddress.getByName("0.0.0.0")));
            view.responders.add(server);
            Thread responder = new Thread(() -> view.respond(server, node), "responder-" + node);
            responder.setDaemon(true);
            responder.start();
        }
        view.startProbes(lab, new InetSocketAddress(NetnsLab.VIP, PORT), ClientView::readName, maxRun);
        return view;
    }

    /** Starts the client's probes of VIP:{@code port} with {@code probe}, without responders. */
    public static ClientView probing(NetnsLab lab, int port, Probe probe, Duration maxRun) {
        ClientView view = new ClientView();
        lab.closeFirst(view);
        view.startProbes(lab, new InetSocketAddress(NetnsLab.VIP, port), probe, maxRun);
        return view;
    }

    private void startProbes(NetnsLab lab, InetSocketAddress vip, Probe probe, Duration maxRun) {
        long end = System.nanoTime() + maxRun.toNanos();
        for (int i = 0; i < PROBERS; i++) {
            long offset = TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS) * i / PROBERS;
            Thread thread = new Thread(
                    () -> {
                        lab.enter("client");
                        probe(vip, probe, offset, end);
                    },
                    "client-probe-" + i);
            thread.setDaemon(true);
            thread.start();
        }
    }

    private static String readName(InetSocketAddress vip) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(vip, 50);
            socket.setSoTimeout(300);
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
        }
    }

    private void respond(ServerSocket server, String node) {
        while (running) {
            try (Socket socket = server.accept();
                    OutputStream out = socket.getOutputStream()) {
                out.write((node + "\n").getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // closed, or a client that went away
            }
        }
    }

    /** One probing thread: a probe every PERIOD_MILLIS, staggered by {@code offset} against the others. */
    private void probe(InetSocketAddress vip, Probe probe, long offset, long end) {
        long next = System.nanoTime() + offset;
        while (running && System.nanoTime() < end) {
            try {
                TimeUnit.NANOSECONDS.sleep(next - System.nanoTime());
            } catch (InterruptedException e) {
                return;
            }
            next = Math.max(next + TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS), System.nanoTime());
            long started = begin();
            String owner = "-";
            try {
                owner = probe.owner(vip);
            } catch (IOException e) {
                // nobody answered: between owners
            }
            finish(started, owner);
        }
    }

    private synchronized long begin() {
        long started = System.nanoTime();
        while (inFlight.contains(started) || answers.containsKey(started)) {
            started++; // two probes in the same nanosecond
        }
        inFlight.add(started);
        return started;
    }

    private synchronized void finish(long started, String owner) {
        inFlight.remove(started);
        answers.put(started, owner);
        notifyAll();
    }

    /** What the latest-started finished probe saw, or "-" for none ({@code ""} before the first probe). */
    public synchronized String owner() {
        return answers.isEmpty() ? "" : answers.lastEntry().getValue();
    }

    /** The owner changes, each timed by the start of the probe that first saw it. */
    public synchronized List<Change> changes() {
        List<Change> changes = new ArrayList<>();
        for (Map.Entry<Long, String> answer : answers.entrySet()) {
            if (changes.isEmpty() || !changes.get(changes.size() - 1).owner().equals(answer.getValue())) {
                changes.add(new Change(answer.getKey(), answer.getValue()));
            }
        }
        return changes;
    }

    /**
     * Waits until a probe started after {@code sinceNanos} sees {@code node} answer and every probe started before it
     * has finished; returns how long after {@code sinceNanos} the first such probe started.
     *
     * @throws AssertionError when none does within {@code timeout}, with the changes seen
     */
    public synchronized Duration awaitOwner(String node, long sinceNanos, Duration timeout)
            throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (Map.Entry<Long, String> answer :
                    answers.tailMap(sinceNanos, true).entrySet()) {
                if (answer.getValue().equals(node)) {
                    if (inFlight.isEmpty() || inFlight.first() > answer.getKey()) {
                        return Duration.ofNanos(answer.getKey() - sinceNanos);
                    }
                    break; // an earlier probe is still out and may see node earlier
                }
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("the client did not see " + node + " own the VIP within " + timeout
                        + "; changes: " + describe(sinceNanos));
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** The changes as "+ms owner" relative to {@code sinceNanos}, for failure messages and logs. */
    public synchronized String describe(long sinceNanos) {
        StringBuilder text = new StringBuilder();
        for (Change change : changes()) {
            text.append(String.format(" %+d ms %s;", (change.nanos() - sinceNanos) / 1_000_000, change.owner()));
        }
        return text.toString();
    }

    @Override
    public void close() throws IOException {
        running = false;
        for (ServerSocket responder : responders) {
            responder.close();
        }
    }
}
