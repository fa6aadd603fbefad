package dev.fjord.lb.vrrp;

import java.io.IOException;
import java.net.Inet4Address;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fjord.lb.core.Scheduler;

/**
 * Keeps the virtual addresses where they belong: adds them when the instance becomes MASTER and announces them with
 * gratuitous ARPs on a {@link GratuitousArpSchedule}, removes them when it leaves that state. The system calls run one
 * at a
 * time, in order, on the given executor, so the state machine never waits for the system. {@link #removeStale()}
 * clears addresses left by an earlier run (a killed process leaves its VIP behind, as keepalived does). Thread-safe.
 */
public final class AddressKeeper implements VrrpInstance.Listener {
    private static final Logger log = LoggerFactory.getLogger(AddressKeeper.class);

    /** Sends one gratuitous ARP for an address; {@link GratuitousArpSender} on a real interface. */
    @FunctionalInterface
    public interface Announcer {
        void announce(Inet4Address address) throws IOException;
    }

    private final VirtualAddresses addresses;
    private final List<Inet4Address> vips;
    private final int prefixLength;
    private final String interfaceName;
    private final Executor executor;
    private final Scheduler scheduler;
    private final @Nullable Announcer announcer;
    private final GratuitousArpSchedule garp;
    /** Bumped on every transition, so announcements scheduled for an earlier mastership are dropped. */
    private final AtomicLong mastership = new AtomicLong();

    private final Queue<Runnable> pending = new ArrayDeque<>();
    private boolean draining;

    /**
     * @param executor runs the system calls, one at a time (this class queues them)
     * @param scheduler times the second burst and the refreshes of gratuitous ARPs
     * @param announcer sends the gratuitous ARPs; null: none
     */
    public AddressKeeper(
            VirtualAddresses addresses,
            List<Inet4Address> vips,
            int prefixLength,
            String interfaceName,
            Executor executor,
            Scheduler scheduler,
            @Nullable Announcer announcer,
            GratuitousArpSchedule garp) {
        this.addresses = addresses;
        this.vips = List.copyOf(vips);
        this.prefixLength = prefixLength;
        this.interfaceName = interfaceName;
        this.executor = executor;
        this.scheduler = scheduler;
        this.announcer = announcer;
        this.garp = garp;
    }

    /**
     * Removes the virtual addresses if they are on the interface, e.g. at start.
     *
     * @throws IOException when one cannot be removed, e.g. without CAP_NET_ADMIN: better at start than when the
     *     instance becomes master
     */
    public void removeStale() throws IOException {
        for (Inet4Address vip : vips) {
            addresses.remove(vip, prefixLength, interfaceName);
        }
    }

    @Override
    public void transition(VrrpInstance instance, VrrpState from, VrrpState to) {
        if (to == VrrpState.MASTER) {
            long term = mastership.incrementAndGet();
            serially(() -> {
                apply(instance, true);
                announce(term, garp.repeat());
            });
            if (!garp.delay().isZero()) {
                scheduler.schedule(garp.delay(), () -> serially(() -> announce(term, garp.repeat())));
            }
            if (!garp.refresh().isZero()) {
                scheduleRefresh(term);
            }
        } else if (from == VrrpState.MASTER) {
            mastership.incrementAndGet();
            serially(() -> apply(instance, false));
        }
    }

    private void scheduleRefresh(long term) {
        scheduler.schedule(garp.refresh(), () -> {
            if (mastership.get() == term) {
                serially(() -> announce(term, garp.refreshRepeat()));
                scheduleRefresh(term);
            }
        });
    }

    private void announce(long term, int count) {
        for (Inet4Address vip : vips) {
            for (int i = 0; announcer != null && i < count && mastership.get() == term; i++) {
                try {
                    announcer.announce(vip);
                } catch (IOException e) {
                    log.warn("announcing {}: {}", vip.getHostAddress(), e.getMessage());
                }
            }
        }
    }

    private void apply(VrrpInstance instance, boolean add) {
        for (Inet4Address vip : vips) {
            try {
                if (add) {
                    addresses.add(vip, prefixLength, interfaceName);
                } else {
                    addresses.remove(vip, prefixLength, interfaceName);
                }
            } catch (IOException e) {
                log.error(
                        "{}: {} {}: {}",
                        instance.name(),
                        add ? "adding" : "removing",
                        vip.getHostAddress(),
                        e.getMessage());
            }
        }
    }

    /** Queues {@code task} behind the earlier ones; one drain runs on the executor at a time. */
    private void serially(Runnable task) {
        synchronized (pending) {
            pending.add(task);
            if (draining) {
                return;
            }
            draining = true;
        }
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) { // shutting down: what is queued is dropped
            synchronized (pending) {
                pending.clear();
                draining = false;
            }
        }
    }

    private void drain() {
        while (true) {
            Runnable task;
            synchronized (pending) {
                task = pending.poll();
                if (task == null) {
                    draining = false;
                    return;
                }
            }
            task.run();
        }
    }
}
