package dev.fjord.lb.vrrp;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One VRRP instance, as a keepalived {@code vrrp_instance} block: interface, VRID, priority, interval, virtual
 * addresses, preemption, optional unicast peers and v2 password. Immutable; made by {@link #builder(String)}, whose
 * errors name the instance, the value and what was expected.
 *
 * <pre>{@code
 * VrrpConfig vi51 = VrrpConfig.builder("VI_51").interfaceName("eth0").sourceAddress("198.18.0.1")
 *     .vrid(51).priority(150).virtualAddress("198.18.0.100").build();
 * }</pre>
 *
 * @param unicastPeers send adverts to these instead of 224.0.0.18 ({@code unicast_peer}); null: multicast
 * @param garp when a new master announces its addresses; default {@link GratuitousArpSchedule#KEEPALIVED}
 */
public record VrrpConfig(
        String name,
        String interfaceName,
        Inet4Address sourceAddress,
        int version,
        int vrid,
        int priority,
        Duration interval,
        List<Inet4Address> virtualAddresses,
        int prefixLength,
        String password,
        boolean preempt,
        Duration preemptDelay,
        @Nullable List<Inet4Address> unicastPeers,
        GratuitousArpSchedule garp) {

    public VrrpConfig {
        virtualAddresses = List.copyOf(virtualAddresses);
        unicastPeers = unicastPeers == null ? null : List.copyOf(unicastPeers);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Builds a {@link VrrpConfig}; not thread-safe. */
    public static final class Builder {
        private final String name;
        private @Nullable String interfaceName;
        private @Nullable Inet4Address sourceAddress;
        private int version = 3;
        private int vrid;
        private int priority = 100;
        private Duration interval = Duration.ofSeconds(1);
        private final List<Inet4Address> virtualAddresses = new ArrayList<>();
        private int prefixLength = 32;
        /** The prefix set explicitly or by a VIP's {@code /NN}, which the others must match; 0: none yet. */
        private int declaredPrefix;

        private String password = "";
        private boolean preempt = true;
        private Duration preemptDelay = Duration.ZERO;
        private @Nullable List<Inet4Address> unicastPeers;
        private int garpRepeat = GratuitousArpSchedule.KEEPALIVED.repeat();
        private Duration garpDelay = GratuitousArpSchedule.KEEPALIVED.delay();
        private Duration garpRefresh = GratuitousArpSchedule.KEEPALIVED.refresh();
        private int garpRefreshRepeat = GratuitousArpSchedule.KEEPALIVED.refreshRepeat();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        private IllegalArgumentException error(String message) {
            return new IllegalArgumentException("vrrp instance '" + name + "': " + message);
        }

        /** The interface adverts go out of and VIPs are added to ({@code interface}). */
        public Builder interfaceName(String name) {
            this.interfaceName = Objects.requireNonNull(name, "interfaceName");
            return this;
        }

        /** This node's address on the interface ({@code unicast_src_ip}); it also breaks priority ties. */
        public Builder sourceAddress(String address) {
            this.sourceAddress = ipv4("source address", address);
            return this;
        }

        /** 2 (RFC 3768) or 3 (RFC 5798, the default; keepalived's {@code vrrp_version}). */
        public Builder version(int version) {
            if (version != 2 && version != 3) {
                throw error("version " + version + " (expected: 2 or 3)");
            }
            this.version = version;
            return this;
        }

        /** {@code virtual_router_id}, 1-255. */
        public Builder vrid(int vrid) {
            if (vrid < 1 || vrid > 255) {
                throw error("virtual_router_id " + vrid + " (expected: 1-255)");
            }
            this.vrid = vrid;
            return this;
        }

        /** {@code priority}, 1-255 (255: the address owner); default 100. */
        public Builder priority(int priority) {
            if (priority < 1 || priority > 255) {
                throw error("priority " + priority + " (expected: 1-255)");
            }
            this.priority = priority;
            return this;
        }

        /** {@code advert_int}; default 1 s (v2: whole seconds, v3: centiseconds). */
        public Builder advertInterval(Duration interval) {
            this.interval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /**
         * Adds a virtual address ({@code virtual_ipaddress}), as keepalived writes it: {@code 198.18.0.100} or
         * {@code 198.18.0.100/24}. The instance's VIPs share one prefix length.
         */
        public Builder virtualAddress(String address) {
            Objects.requireNonNull(address, "address");
            int slash = address.indexOf('/');
            if (slash >= 0) {
                String bits = address.substring(slash + 1);
                if (!bits.matches("\\d{1,2}")) {
                    throw error("virtual address '" + address + "' (expected: an IPv4 address, with /1-32 or not)");
                }
                prefix(Integer.parseInt(bits), "virtual address '" + address + "'");
            }
            virtualAddresses.add(ipv4("virtual address", slash >= 0 ? address.substring(0, slash) : address));
            return this;
        }

        /**
         * The prefix length the virtual addresses get on the interface; default 32, as keepalived gives a VIP
         * written without one.
         */
        public Builder prefixLength(int bits) {
            prefix(bits, "prefix length " + bits);
            return this;
        }

        private void prefix(int bits, String what) {
            if (bits < 1 || bits > 32) {
                throw error(what + " (expected: a prefix length of 1-32)");
            }
            if (declaredPrefix != 0 && declaredPrefix != bits) {
                throw error(what + ": /" + bits + " differs from /" + declaredPrefix
                        + " given before (expected: one prefix length per instance)");
            }
            declaredPrefix = bits;
            prefixLength = bits;
        }

        /** The v2 simple-text password ({@code authentication { auth_type PASS }}), at most 8 characters. */
        public Builder password(String password) {
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /** {@code nopreempt} when false; default true. */
        public Builder preempt(boolean preempt) {
            this.preempt = preempt;
            return this;
        }

        /** {@code preempt_delay}; default none. */
        public Builder preemptDelay(Duration delay) {
            this.preemptDelay = Objects.requireNonNull(delay, "delay");
            return this;
        }

        /**
         * Sends adverts to these peers instead of the multicast group ({@code unicast_peer}).
         *
         * @throws IllegalArgumentException for an empty list: never a silent fall back to multicast
         */
        public Builder unicastPeers(String... peers) {
            if (peers.length == 0) {
                throw error("unicast_peer: no peer (expected: at least one address; leave unicast out for multicast)");
            }
            List<Inet4Address> list = new ArrayList<>();
            for (String peer : peers) {
                list.add(ipv4("unicast peer", peer));
            }
            this.unicastPeers = list;
            return this;
        }

        /** Gratuitous ARPs per VIP on becoming master ({@code garp_master_repeat}), 0-255; default 5. */
        public Builder garpRepeat(int count) {
            this.garpRepeat = count;
            return this;
        }

        /**
         * The second burst of gratuitous ARPs after becoming master ({@code garp_master_delay}); default 5 s, zero:
         * none.
         */
        public Builder garpMasterDelay(Duration delay) {
            this.garpDelay = Objects.requireNonNull(delay, "delay");
            return this;
        }

        /**
         * Gratuitous ARPs every {@code interval} while master ({@code garp_master_refresh}), {@code count} per VIP
         * ({@code garp_master_refresh_repeat}); default none.
         */
        public Builder garpMasterRefresh(Duration interval, int count) {
            this.garpRefresh = Objects.requireNonNull(interval, "interval");
            this.garpRefreshRepeat = count;
            return this;
        }

        public VrrpConfig build() {
            if (interfaceName == null || sourceAddress == null) {
                throw error("interface and source address are required");
            }
            if (vrid == 0) {
                throw error("virtual_router_id is required (expected: 1-255)");
            }
            if (virtualAddresses.isEmpty()) {
                throw error("no virtual_ipaddress (expected: at least one)");
            }
            if (version == 3 && !password.isEmpty()) {
                throw error("authentication with VRRPv3 (expected: version 2, or no password)");
            }
            GratuitousArpSchedule garp;
            try {
                new Advertisement(version, vrid, priority, interval, virtualAddresses, password);
                garp = new GratuitousArpSchedule(garpRepeat, garpDelay, garpRefresh, garpRefreshRepeat);
            } catch (IllegalArgumentException e) {
                throw error(String.valueOf(e.getMessage()));
            }
            return new VrrpConfig(
                    name,
                    interfaceName,
                    sourceAddress,
                    version,
                    vrid,
                    priority,
                    interval,
                    virtualAddresses,
                    prefixLength,
                    password,
                    preempt,
                    preemptDelay,
                    unicastPeers,
                    garp);
        }

        private Inet4Address ipv4(String what, String text) {
            Objects.requireNonNull(text, what);
            if (!text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                throw error(what + " '" + text + "' (expected: an IPv4 address)");
            }
            try {
                return (Inet4Address) InetAddress.getByName(text);
            } catch (UnknownHostException e) {
                throw error(what + " '" + text + "' (expected: an IPv4 address)");
            }
        }
    }
}
