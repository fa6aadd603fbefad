package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A {@code peers} section: the processes that share the stick tables declared with {@code peers NAME}, as HAProxy's
 * peers protocol (v2.1) does. One of them is this process ({@code localpeer}): its address is where the other peers
 * connect; the others are connected to. Immutable.
 *
 * <pre>{@code
 * ProxyConfig.builder()
 *     .peers("mypeers", p -> p.localPeer("lb1").peer("lb1", "10.0.0.1:10000").peer("lb2", "10.0.0.2:10000"))
 *     .frontend("fe", f -> f.bind(":80").stickTable(StickTable.ip(100_000).peers("mypeers")) ...)
 * }</pre>
 *
 * @param name the section's name, which {@code stick-table ... peers NAME} refers to
 * @param localPeer the name of the peer that is this process
 * @param peers every peer by name, this process's included, in declaration order
 * @see <a href="https://github.com/haproxy/haproxy/blob/master/doc/peers-v2.0.txt">HAProxy's peers v2.0 protocol</a>
 */
public record PeersConfig(String name, String localPeer, Map<String, Address> peers) {

    public PeersConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(localPeer, "localPeer");
        peers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(peers));
        if (!peers.containsKey(localPeer)) {
            throw new ConfigException("peers '" + name + "': the local peer '" + localPeer
                    + "' has no 'peer' line (expected: one of " + List.copyOf(peers.keySet()) + ")");
        }
    }

    /** The address this process listens on for the other peers. */
    public Address localAddress() {
        return Objects.requireNonNull(peers.get(localPeer), localPeer);
    }

    /** The other peers, by name, in declaration order. */
    public Map<String, Address> remotePeers() {
        Map<String, Address> remote = new LinkedHashMap<>(peers);
        remote.remove(localPeer);
        return java.util.Collections.unmodifiableMap(remote);
    }

    /** Builds a {@link PeersConfig}; not thread-safe. */
    public static final class Builder {
        private final String name;
        private final String context;
        private final Map<String, Address> peers = new LinkedHashMap<>();
        private final List<String> order = new ArrayList<>();
        private @Nullable String localPeer;

        Builder(String name) {
            this.name = Require.name("", "peers", name);
            this.context = "peers '" + name + "'";
        }

        /**
         * Adds {@code peer NAME ADDR:PORT}: a process sharing the tables, this one's included.
         *
         * @throws ConfigException when the name is taken or the address is not {@code host:port} with a port
         */
        public Builder peer(String peerName, String address) {
            Require.name(context, "peer", peerName);
            if (peers.containsKey(peerName)) {
                throw new ConfigException(context + ": peer '" + peerName + "' is defined twice");
            }
            Address parsed;
            try {
                parsed = Address.parse(address);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(context + ": peer '" + peerName + "' address '" + address
                        + "' (expected: ip:port, e.g. 127.0.0.1:10000)");
            }
            if (parsed.port() == 0 || parsed.isAny()) {
                throw new ConfigException(context + ": peer '" + peerName + "' address '" + address
                        + "' (expected: ip:port with a port, e.g. 127.0.0.1:10000)");
            }
            peers.put(peerName, parsed);
            order.add(peerName);
            return this;
        }

        /** Names the peer that is this process ({@code localpeer}, HAProxy's {@code -L}); required. */
        public Builder localPeer(String peerName) {
            this.localPeer = Require.name(context, "localpeer", peerName);
            return this;
        }

        PeersConfig build() {
            if (localPeer == null) {
                throw new ConfigException(context + ": no local peer (expected: localPeer(NAME), 'localpeer NAME' in "
                        + "global, naming one of " + order + ")");
            }
            return new PeersConfig(name, localPeer, peers);
        }
    }
}
