package dev.fjord.lb.netty;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.fjord.lb.core.PeersConfig;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.Router;

/**
 * The {@code peers} sections of a running proxy, each a {@link PeerGroup}: started with the proxy, kept across a
 * reconfiguration that leaves a section as it was (its tables refreshed), restarted when it changed, closed with the
 * proxy. Thread-safe: the proxy starts, reconfigures and closes it one call at a time.
 */
final class PeersService implements AutoCloseable {
    private final Router router;
    private final EventLoops loops;
    private final Map<String, PeerGroup> groups = new LinkedHashMap<>();

    private PeersService(Router router, EventLoops loops) {
        this.router = router;
        this.loops = loops;
    }

    /**
     * Starts every peers section of {@code config}; none: nothing runs.
     *
     * @throws IllegalStateException when a local peer's address cannot be bound
     */
    static PeersService start(ProxyConfig config, Router router, EventLoops loops) {
        PeersService service = new PeersService(router, loops);
        try {
            service.apply(config);
        } catch (RuntimeException e) {
            service.close();
            throw e;
        }
        return service;
    }

    /** Takes the sections of {@code next}, once the router runs it. */
    synchronized void apply(ProxyConfig next) {
        for (var it = groups.entrySet().iterator(); it.hasNext(); ) {
            var group = it.next();
            if (!group.getValue().config().equals(next.peers().get(group.getKey()))) {
                group.getValue().close();
                it.remove();
            }
        }
        for (PeersConfig peers : next.peers().values()) {
            PeerGroup kept = groups.get(peers.name());
            if (kept != null) {
                kept.reconfigured();
            } else {
                groups.put(peers.name(), PeerGroup.start(peers, router, loops));
            }
        }
    }

    @Override
    public synchronized void close() {
        groups.values().forEach(PeerGroup::close);
        groups.clear();
    }
}
