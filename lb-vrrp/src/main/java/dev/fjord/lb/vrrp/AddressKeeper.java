package dev.fjord.lb.vrrp;

import java.io.IOException;
import java.net.Inet4Address;
import java.util.List;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the virtual addresses where they belong: adds them when the instance becomes MASTER and removes them when
 * it leaves that state, through {@link VirtualAddresses} on an executor of its own, so the state machine never
 * waits for the system. {@link #removeStale()} clears addresses left by an earlier run (a killed process leaves its
 * VIP behind, as keepalived does). Thread-safe.
 */
public final class AddressKeeper implements VrrpInstance.Listener {
    private static final Logger log = LoggerFactory.getLogger(AddressKeeper.class);

    private final VirtualAddresses addresses;
    private final List<Inet4Address> vips;
    private final int prefixLength;
    private final String interfaceName;
    private final Executor executor;
    private final @Nullable GarpSender garp;
    private final int garpRepeat;

    /** Without gratuitous ARPs. */
    public AddressKeeper(VirtualAddresses addresses, List<Inet4Address> vips, int prefixLength, String interfaceName,
            Executor executor) {
        this(addresses, vips, prefixLength, interfaceName, executor, null, 0);
    }

    /**
     * @param garp announces each VIP after adding it, {@code garpRepeat} times (keepalived's garp_master_repeat,
     *     default 5); null: no announcement
     */
    public AddressKeeper(VirtualAddresses addresses, List<Inet4Address> vips, int prefixLength, String interfaceName,
            Executor executor, @Nullable GarpSender garp, int garpRepeat) {
        this.garp = garp;
        this.garpRepeat = garpRepeat;
        this.addresses = addresses;
        this.vips = List.copyOf(vips);
        this.prefixLength = prefixLength;
        this.interfaceName = interfaceName;
        this.executor = executor;
    }

    /** Removes the virtual addresses if they are on the interface, e.g. at start. */
    public void removeStale() {
        for (Inet4Address vip : vips) {
            try {
                addresses.remove(vip, prefixLength, interfaceName);
            } catch (IOException e) {
                log.warn("removing stale {}: {}", vip.getHostAddress(), e.getMessage());
            }
        }
    }

    @Override
    public void transition(VrrpInstance instance, VrrpState from, VrrpState to) {
        if (to == VrrpState.MASTER) {
            executor.execute(() -> apply(instance, true));
        } else if (from == VrrpState.MASTER) {
            executor.execute(() -> apply(instance, false));
        }
    }

    private void apply(VrrpInstance instance, boolean add) {
        for (Inet4Address vip : vips) {
            try {
                if (add) {
                    addresses.add(vip, prefixLength, interfaceName);
                    for (int i = 0; garp != null && i < garpRepeat; i++) {
                        garp.announce(vip);
                    }
                } else {
                    addresses.remove(vip, prefixLength, interfaceName);
                }
            } catch (IOException e) {
                log.error("{}: {} {}: {}", instance.name(), add ? "adding" : "removing", vip.getHostAddress(),
                        e.getMessage());
            }
        }
    }
}
