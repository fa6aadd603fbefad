package dev.fjord.lb.vrrp;

import java.io.IOException;
import java.net.Inet4Address;
import java.util.List;
import java.util.concurrent.Executor;

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

    public AddressKeeper(VirtualAddresses addresses, List<Inet4Address> vips, int prefixLength, String interfaceName,
            Executor executor) {
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
