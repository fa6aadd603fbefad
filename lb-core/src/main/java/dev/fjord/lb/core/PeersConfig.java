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
        /** {@code bind}'s address, for the peer named by a {@code server} line without one. */
        private @Nullable Address bind;

        private @Nullable String serverWithoutAddress;
        private boolean peerLines;

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
            peerLines = true;
            return add(peerName, address);
        }

        /**
         * HAProxy 2.x's other form: {@code bind ADDR:PORT}, where this process listens for the other peers, with
         * {@link #server} lines; not with {@code peer} lines.
         *
         * @throws ConfigException when the address has no port, or there is a bind already
         */
        public Builder bind(String address) {
            if (bind != null) {
                throw new ConfigException(context + ": a second 'bind' (expected: one, the local peer's address)");
            }
            bind = checked("bind", address, true);
            return this;
        }

        /**
         * HAProxy 2.x's other form: {@code server NAME ADDR:PORT}, a peer, or {@code server NAME} without an address,
         * the local peer, which listens at the {@link #bind} address.
         */
        public Builder server(String peerName, @Nullable String address) {
            if (address != null) {
                return add(peerName, address);
            }
            Require.name(context, "server", peerName);
            if (serverWithoutAddress != null || peers.containsKey(peerName)) {
                throw new ConfigException(context + ": server '" + peerName + "' (expected: one server without an "
                        + "address, the local peer, and a name used once)");
            }
            serverWithoutAddress = peerName;
            order.add(peerName);
            return this;
        }

        private Builder add(String peerName, String address) {
            Require.name(context, "peer", peerName);
            if (peers.containsKey(peerName) || peerName.equals(serverWithoutAddress)) {
                throw new ConfigException(context + ": peer '" + peerName + "' is defined twice");
            }
            peers.put(peerName, checked("peer '" + peerName + "'", address, false));
            order.add(peerName);
            return this;
        }

        /** {@code address} as {@code ip:port}; {@code anyHost}: the port alone ({@code :10000}) listens everywhere. */
        private Address checked(String what, String address, boolean anyHost) {
            Address parsed;
            try {
                parsed = Address.parse(address);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(
                        context + ": " + what + " address '" + address + "' (expected: ip:port, e.g. 127.0.0.1:10000)");
            }
            if (parsed.port() == 0 || (parsed.isAny() && !anyHost)) {
                throw new ConfigException(context + ": " + what + " address '" + address
                        + "' (expected: ip:port with a port, e.g. 127.0.0.1:10000)");
            }
            return parsed;
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
            if (bind != null && peerLines) {
                throw new ConfigException(
                        context + ": 'bind' with 'peer' lines (expected: either 'peer NAME ADDR:PORT' "
                                + "lines, or 'bind ADDR:PORT' with 'server' lines, as HAProxy)");
            }
            Map<String, Address> all = new LinkedHashMap<>();
            for (String peer : order) {
                if (peer.equals(serverWithoutAddress)) {
                    if (bind == null || !peer.equals(localPeer)) {
                        throw new ConfigException(context + ": server '" + peer + "' has no address (expected: the "
                                + "local peer '" + localPeer + "', whose address a 'bind ADDR:PORT' line gives)");
                    }
                    all.put(peer, bind);
                } else {
                    all.put(peer, Objects.requireNonNull(peers.get(peer), peer));
                }
            }
            return new PeersConfig(name, localPeer, all);
        }
    }
}
