package dev.fjord.lb.vrrp;

import java.net.Inet4Address;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.Scheduler;
import dev.fjord.lb.core.Ticker;

/**
 * One virtual router: the state machine of RFC 5798 section 6.4 on an injected scheduler and ticker, sending
 * through an {@link Sender} and telling a {@link Listener} of each transition (where the host adds or removes the
 * virtual addresses). Skew_Time = (256 - priority) * Master_Adver_Interval / 256 and Master_Down_Interval =
 * 3 * Master_Adver_Interval + Skew_Time: at priority 100 and 1 s, 0.609 s and 3.609 s.
 *
 * <p>Thread-safe: every entry point is synchronized; the sender and listener are called with the lock held and
 * must not block.
 */
public final class VrrpInstance {

    /** Sends an advertisement (to the group, or to the unicast peers). */
    @FunctionalInterface
    public interface Sender {
        void send(Advertisement advertisement);
    }

    /** Told of every state change, the Java counterpart of keepalived's notify scripts. */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = (instance, from, to) -> {};

        void transition(VrrpInstance instance, VrrpState from, VrrpState to);
    }

    private final String name;
    private final int version;
    private final int vrid;
    private final int basePriority;
    private final Duration interval;
    private final List<Inet4Address> addresses;
    private final String password;
    private final boolean preempt;
    private final Duration preemptDelay;
    private final Inet4Address primaryAddress;
    private final Scheduler scheduler;
    private final Ticker ticker;
    private final Sender sender;
    private final Listener listener;
    private VrrpState state = VrrpState.INITIALIZE;
    private final java.util.Set<String> faults = new java.util.TreeSet<>();
    private int priorityDelta;
    private Duration masterAdverInterval;
    private Scheduler.@Nullable Cancellable timer;
    private long startedAt;

    /**
     * @param primaryAddress this node's address on the interface, which breaks priority ties
     * @param preempt a higher-priority backup takes over from a lower-priority master (VRRP's default)
     * @param preemptDelay after start, how long a backup waits before preempting (keepalived's preempt_delay)
     */
    public VrrpInstance(
            String name,
            int version,
            int vrid,
            int priority,
            Duration interval,
            List<Inet4Address> addresses,
            String password,
            boolean preempt,
            Duration preemptDelay,
            Inet4Address primaryAddress,
            Scheduler scheduler,
            Ticker ticker,
            Sender sender,
            Listener listener) {
        this.name = Objects.requireNonNull(name, "name");
        if (priority < 1 || priority > 255) {
            throw new IllegalArgumentException(
                    "vrrp instance '" + name + "': priority " + priority + " (expected: 1-255)");
        }
        new Advertisement(version, vrid, priority, interval, addresses, password); // validates the rest
        this.version = version;
        this.vrid = vrid;
        this.basePriority = priority;
        this.interval = interval;
        this.addresses = List.copyOf(addresses);
        this.password = password;
        this.preempt = preempt;
        this.preemptDelay = Objects.requireNonNull(preemptDelay, "preemptDelay");
        this.primaryAddress = Objects.requireNonNull(primaryAddress, "primaryAddress");
        this.scheduler = scheduler;
        this.ticker = ticker;
        this.sender = sender;
        this.listener = listener;
        this.masterAdverInterval = interval;
    }

    public String name() {
        return name;
    }

    public synchronized VrrpState state() {
        return state;
    }

    /** The priority in force: the configured one adjusted by tracking, 1-254 (255 stays 255). */
    public synchronized int priority() {
        return basePriority == 255 ? 255 : Math.max(1, Math.min(254, basePriority + priorityDelta));
    }

    /** Skew_Time at the current priority and master interval. */
    public synchronized Duration skewTime() {
        return masterAdverInterval.multipliedBy(256 - priority()).dividedBy(256);
    }

    /** Master_Down_Interval at the current priority and master interval. */
    public synchronized Duration masterDownInterval() {
        return masterAdverInterval.multipliedBy(3).plus(skewTime());
    }

    /** Startup event: MASTER at once for the address owner (priority 255), else BACKUP; FAULT while tracking fails. */
    public synchronized void start() {
        if (state != VrrpState.INITIALIZE) {
            return;
        }
        startedAt = ticker.read();
        if (!faults.isEmpty()) {
            transition(VrrpState.FAULT);
        } else if (priority() == 255) {
            becomeMaster();
        } else {
            masterAdverInterval = interval;
            becomeBackup(masterDownInterval());
        }
    }

    /** Shutdown event: a master resigns with a priority-0 advertisement. */
    public synchronized void stop() {
        cancelTimer();
        if (state == VrrpState.MASTER) {
            send(0);
        }
        transition(VrrpState.INITIALIZE);
    }

    /** An advertisement for this VRID arrived from {@code source} (already checked by {@link VrrpCodec}). */
    public synchronized void received(Advertisement advertisement, Inet4Address source) {
        if (advertisement.vrid() != vrid
                || state == VrrpState.INITIALIZE
                || state == VrrpState.FAULT
                || advertisement.version() != version
                || !advertisement.password().equals(password)) {
            return; // another router, another version, or failed (v2) authentication: discarded (RFC 3768 7.1)
        }
        int theirs = advertisement.priority();
        if (state == VrrpState.BACKUP) {
            if (theirs == 0) {
                restartTimer(skewTime(), this::masterDown); // the master resigns: take over after Skew_Time
            } else if (!preempt || theirs >= priority() || !preemptAllowed()) {
                masterAdverInterval = advertisement.interval();
                restartTimer(masterDownInterval(), this::masterDown);
            }
            // else: a lower-priority master while we may preempt: ignored, our Master_Down_Timer will fire
        } else if (state == VrrpState.MASTER) {
            if (theirs == 0) {
                send(priority());
                restartTimer(interval, this::adverTimer);
            } else if (theirs > priority() || (theirs == priority() && compare(source, primaryAddress) > 0)) {
                masterAdverInterval = advertisement.interval();
                becomeBackup(masterDownInterval());
            } else {
                send(priority()); // a lower-priority master appeared: assert ourselves at once
                restartTimer(interval, this::adverTimer);
            }
        }
    }

    /** Tracking: adds {@code delta} to the configured priority (keepalived's track weight). */
    public synchronized void adjustPriority(int delta) {
        priorityDelta = delta;
    }

    /** Tracking: a failure puts the instance in FAULT (a master resigns first); clearing it returns to BACKUP. */
    public synchronized void fault(boolean failed) {
        fault("track", failed);
    }

    /**
     * Tracking from several sources (the interface, the proxy, ...): the instance is in FAULT while any of them
     * fails, a master resigning first, and returns to BACKUP when the last clears. Before {@link #start()} it is
     * remembered: the instance starts in FAULT.
     *
     * @param source what failed or recovered, e.g. {@code "interface eth0"}
     */
    public synchronized void fault(String source, boolean failed) {
        if (failed) {
            faults.add(source);
        } else {
            faults.remove(source);
        }
        if (state == VrrpState.INITIALIZE) {
            return;
        }
        if (!faults.isEmpty() && state != VrrpState.FAULT) {
            cancelTimer();
            if (state == VrrpState.MASTER) {
                send(0);
            }
            transition(VrrpState.FAULT);
        } else if (faults.isEmpty() && state == VrrpState.FAULT) {
            masterAdverInterval = interval;
            becomeBackup(masterDownInterval());
        }
    }

    /** The tracking sources failing now, in name order. */
    public synchronized List<String> faults() {
        return List.copyOf(faults);
    }

    private boolean preemptAllowed() {
        return ticker.read() - startedAt >= preemptDelay.toNanos();
    }

    private void masterDown() {
        if (state == VrrpState.BACKUP) {
            becomeMaster();
        }
    }

    private void adverTimer() {
        if (state == VrrpState.MASTER) {
            send(priority());
            restartTimer(interval, this::adverTimer);
        }
    }

    private void becomeMaster() {
        send(priority());
        restartTimer(interval, this::adverTimer);
        transition(VrrpState.MASTER);
    }

    private void becomeBackup(Duration masterDown) {
        restartTimer(masterDown, this::masterDown);
        transition(VrrpState.BACKUP);
    }

    private void send(int priority) {
        sender.send(new Advertisement(version, vrid, priority, interval, addresses, password));
    }

    private void transition(VrrpState to) {
        VrrpState from = state;
        state = to;
        if (from != to) {
            listener.transition(this, from, to);
        }
    }

    private void restartTimer(Duration delay, Runnable task) {
        cancelTimer();
        timer = scheduler.schedule(delay, () -> {
            synchronized (this) {
                task.run();
            }
        });
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    private static int compare(Inet4Address a, Inet4Address b) {
        return Integer.compareUnsigned(
                java.nio.ByteBuffer.wrap(a.getAddress()).getInt(),
                java.nio.ByteBuffer.wrap(b.getAddress()).getInt());
    }

    @Override
    public synchronized String toString() {
        return "vrrp instance '" + name + "' vrid " + vrid + " priority " + priority() + " " + state;
    }
}
