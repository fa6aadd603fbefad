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
import java.util.concurrent.TimeUnit;

/**
 * Who owns the VIP, as the client namespace sees it: each load-balancer namespace runs a responder on port 7000 that
 * answers its node's name, and a thread in the client namespace connects to VIP:7000 every few milliseconds, so the
 * answer changes only when the client's ARP entry for the VIP follows a gratuitous ARP, as a real client's would.
 * Records each change of owner with its time ({@code "-"}: nobody answered within 50 ms). Thread-safe; bounded: the
 * probe stops after {@code maxRun} or at {@link #close()}.
 */
public final class ClientView implements AutoCloseable {
    private static final int PORT = 7000;

    /** One change of the owner seen by the client, at {@code nanos} ({@link System#nanoTime()}). */
    public record Change(long nanos, String owner) {
    }

    private final List<ServerSocket> responders = new ArrayList<>();
    private final List<Change> changes = new ArrayList<>();
    private volatile boolean running = true;

    private ClientView() {
    }

    /** Starts the responders in lb1 and lb2 and the client's probe. */
    public static ClientView start(NetnsLab lab, Duration maxRun) throws Exception {
        ClientView view = new ClientView();
        for (String node : List.of("lb1", "lb2")) {
            ServerSocket server = lab.in(node, () -> new ServerSocket(PORT, 50, InetAddress.getByName("0.0.0.0")));
            view.responders.add(server);
            Thread responder = new Thread(() -> view.respond(server, node), "responder-" + node);
            responder.setDaemon(true);
            responder.start();
        }
        Thread probe = new Thread(() -> {
            lab.enter("client");
            view.probe(System.nanoTime() + maxRun.toNanos());
        }, "client-probe");
        probe.setDaemon(true);
        probe.start();
        return view;
    }

    private void respond(ServerSocket server, String node) {
        while (running) {
            try (Socket socket = server.accept(); OutputStream out = socket.getOutputStream()) {
                out.write((node + "\n").getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // closed, or a client that went away
            }
        }
    }

    private void probe(long end) {
        InetSocketAddress vip = new InetSocketAddress(NetnsLab.VIP, PORT);
        while (running && System.nanoTime() < end) {
            String owner = "-";
            try (Socket socket = new Socket()) {
                socket.connect(vip, 50);
                socket.setSoTimeout(200);
                InputStream in = socket.getInputStream();
                owner = new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
            } catch (IOException e) {
                // nobody answered: between owners
            }
            record(owner);
            try {
                Thread.sleep(5); // a probe every few ms: the resolution of the failover times measured
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void record(String owner) {
        if (changes.isEmpty() || !changes.get(changes.size() - 1).owner().equals(owner)) {
            changes.add(new Change(System.nanoTime(), owner));
            notifyAll();
        }
    }

    /** The owner now seen, or "-" for none ({@code ""} before the first probe). */
    public synchronized String owner() {
        return changes.isEmpty() ? "" : changes.get(changes.size() - 1).owner();
    }

    /** Every change so far. */
    public synchronized List<Change> changes() {
        return List.copyOf(changes);
    }

    /**
     * Waits until the client sees {@code node} answering, after {@code sinceNanos}, and returns how long after that
     * instant it first did.
     *
     * @throws AssertionError when it does not within {@code timeout}, with the changes seen
     */
    public synchronized Duration awaitOwner(String node, long sinceNanos, Duration timeout)
            throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (Change change : changes) {
                if (change.nanos() >= sinceNanos && change.owner().equals(node)) {
                    return Duration.ofNanos(change.nanos() - sinceNanos);
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

    /** The changes since {@code sinceNanos}, as "+ms owner" for failure messages and logs. */
    public synchronized String describe(long sinceNanos) {
        StringBuilder text = new StringBuilder();
        for (Change change : changes) {
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
