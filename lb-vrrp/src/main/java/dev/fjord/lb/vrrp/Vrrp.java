package dev.fjord.lb.vrrp;

import java.io.IOException;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fjord.lb.core.Scheduler;
import dev.fjord.lb.core.Ticker;

/**
 * VRRP in the host JVM: one {@link VrrpInstance} per {@link VrrpConfig}, each with its raw socket, a reading thread
 * (short receive timeout, so closing is prompt), an {@link AddressKeeper} adding the VIPs (and announcing them) on
 * MASTER and removing them on leaving it. Stale VIPs are removed at start; {@link #close()} (also from a JVM shutdown
 * hook) resigns with priority 0 and removes them. As keepalived does, an instance whose interface is down or has lost
 * its carrier is in FAULT (checked every 200 ms). Thread-safe.
 *
 * <pre>{@code
 * try (Vrrp vrrp = Vrrp.start(List.of(vi51), VirtualAddresses.netlink(), (vi, from, to) -> log(to))) {
 *     ...                                       // the host application runs; vrrp.instance("VI_51").state()
 * }
 * }</pre>
 */
public final class Vrrp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Vrrp.class);
    private static final long INTERFACE_CHECK_MILLIS = 200;

    private final List<VrrpInstance> instances;
    /** Each instance's socket, whose interface {@link #watchInterfaces()} reads. */
    private final java.util.IdentityHashMap<VrrpInstance, RawVrrpSocket> sockets = new java.util.IdentityHashMap<>();

    private final List<AutoCloseable> resources;
    private final ScheduledExecutorService timers;
    private final VirtualAddresses addresses;
    private final ExecutorService threads;
    private final Thread shutdownHook;
    private volatile boolean closed;

    private Vrrp(
            VirtualAddresses addresses,
            List<VrrpInstance> instances,
            List<AutoCloseable> resources,
            ScheduledExecutorService timers,
            ExecutorService threads) {
        this.instances = instances;
        this.resources = resources;
        this.timers = timers;
        this.addresses = addresses;
        this.threads = threads;
        this.shutdownHook = new Thread(this::close, "vrrp-shutdown");
    }

    /**
     * Opens the sockets (in the calling thread's network namespace), removes stale VIPs and starts every instance.
     * {@code addresses} is closed with this object when it is {@link AutoCloseable}.
     *
     * @throws IOException naming the instance, when a socket cannot be opened (e.g. without CAP_NET_RAW) or a stale
     *     VIP cannot be removed (e.g. without CAP_NET_ADMIN)
     */
    public static Vrrp start(List<VrrpConfig> configs, VirtualAddresses addresses, VrrpInstance.Listener listener)
            throws IOException {
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(daemon("vrrp-timers"));
        ExecutorService threads = Executors.newCachedThreadPool(daemon("vrrp"));
        List<VrrpInstance> instances = new ArrayList<>();
        List<AutoCloseable> resources = new ArrayList<>();
        Vrrp vrrp = new Vrrp(addresses, instances, resources, timers, threads);
        Scheduler scheduler = (delay, task) -> {
            var future = timers.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> future.cancel(false);
        };
        try {
            for (VrrpConfig config : configs) {
                try {
                    instances.add(open(vrrp, config, addresses, listener, scheduler));
                } catch (IOException e) {
                    throw new IOException("vrrp instance '" + config.name() + "': " + e.getMessage(), e);
                }
            }
        } catch (IOException | RuntimeException e) {
            vrrp.close();
            throw e;
        }
        vrrp.watchInterfaces();
        instances.forEach(VrrpInstance::start);
        timers.scheduleWithFixedDelay(
                vrrp::watchInterfaces, INTERFACE_CHECK_MILLIS, INTERFACE_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        Runtime.getRuntime().addShutdownHook(vrrp.shutdownHook);
        return vrrp;
    }

    /** Opens one instance's sockets, clears its stale VIPs and starts its reading thread. */
    private static VrrpInstance open(
            Vrrp vrrp,
            VrrpConfig config,
            VirtualAddresses addresses,
            VrrpInstance.Listener listener,
            Scheduler scheduler)
            throws IOException {
        RawVrrpSocket socket = RawVrrpSocket.open(config.interfaceName(), config.sourceAddress(), 250);
        vrrp.resources.add(socket);
        GratuitousArpSender garp = GratuitousArpSender.open(config.interfaceName());
        vrrp.resources.add(garp);
        AddressKeeper keeper = new AddressKeeper(
                addresses,
                config.virtualAddresses(),
                config.prefixLength(),
                config.interfaceName(),
                vrrp.threads,
                scheduler,
                garp,
                config.garp());
        keeper.removeStale();
        VrrpInstance.Listener both = (vi, from, to) -> {
            keeper.transition(vi, from, to);
            listener.transition(vi, from, to);
        };
        VrrpInstance instance = new VrrpInstance(
                config.name(),
                config.version(),
                config.vrid(),
                config.priority(),
                config.interval(),
                config.virtualAddresses(),
                config.password(),
                config.preempt(),
                config.preemptDelay(),
                config.sourceAddress(),
                scheduler,
                Ticker.system(),
                ad -> send(socket, config, ad),
                both);
        vrrp.sockets.put(instance, socket);
        vrrp.threads.execute(() -> receive(vrrp, socket, instance, config));
        return instance;
    }

    private static void send(RawVrrpSocket socket, VrrpConfig config, Advertisement advertisement) {
        List<Inet4Address> targets = config.unicastPeers() == null ? List.of(VrrpCodec.GROUP) : config.unicastPeers();
        for (Inet4Address target : targets) {
            try {
                socket.send(advertisement, target);
            } catch (IOException e) {
                log.warn("{}: sending an advert to {}: {}", config.name(), target.getHostAddress(), e.getMessage());
            }
        }
    }

    private static void receive(Vrrp vrrp, RawVrrpSocket socket, VrrpInstance instance, VrrpConfig config) {
        while (!vrrp.closed) {
            try {
                VrrpCodec.Received received = socket.receive();
                if (received != null
                        && !received.source().equals(config.sourceAddress())
                        && (config.unicastPeers() == null
                                || config.unicastPeers().contains(received.source()))) {
                    instance.received(received.advertisement(), received.source());
                }
            } catch (VrrpException e) {
                log.debug("{}: discarded: {}", config.name(), e.getMessage());
            } catch (IOException e) {
                if (!vrrp.closed) {
                    log.warn("{}: receiving: {}", config.name(), e.getMessage());
                }
            }
        }
    }

    /** Like keepalived's tracking of an instance's interface: FAULT while it is down or has no carrier. */
    private void watchInterfaces() {
        sockets.forEach((instance, socket) -> {
            boolean down = !socket.interfaceRunning();
            String source = "interface " + socket.interfaceName();
            if (down != instance.faults().contains(source)) {
                log.warn("{}: {} is {}", instance.name(), source, down ? "down" : "up again");
            }
            instance.fault(source, down);
        });
    }

    /** The instance called {@code name}. */
    public VrrpInstance instance(String name) {
        for (VrrpInstance instance : instances) {
            if (instance.name().equals(name)) {
                return instance;
            }
        }
        throw new IllegalArgumentException("vrrp instance '" + name + "' is not defined");
    }

    /** Every instance, in configuration order. */
    public List<VrrpInstance> instances() {
        return List.copyOf(instances);
    }

    /** Resigns (priority 0), removes the VIPs and stops. Idempotent; a second caller waits for the first. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        instances.forEach(VrrpInstance::stop);
        threads.shutdown(); // lets the address keepers finish removing the VIPs
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timers.shutdownNow();
        if (addresses instanceof AutoCloseable closeable) {
            resources.add(closeable); // e.g. NetlinkAddresses' socket, after the VIPs were removed
        }
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                log.debug("closing: {}", e.toString());
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: this is the hook
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public String toString() {
        return "Vrrp" + instances;
    }
}
