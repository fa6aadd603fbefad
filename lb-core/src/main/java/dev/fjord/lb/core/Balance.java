package dev.fjord.lb.core;

import java.util.Objects;

/**
 * A load-balancing algorithm of a backend, as HAProxy's {@code balance} keyword. A value: two equal algorithms
 * compare equal, which lets an imported configuration be compared with one built in code.
 *
 * <p>Balancing only chooses among servers that {@linkplain Server#isBalanced() take load-balanced traffic}: backup
 * servers are used only when no active one is, and persistence (cookies, stick tables) is decided before balancing.
 * The hash-based algorithms fall back to {@link #roundRobin()} when the request has nothing to hash.
 *
 * <pre>{@code
 * backend.balance(Balance.leastConn());
 * backend.balance(Balance.urlParam("userid")).hashType(HashType.CONSISTENT);
 * }</pre>
 */
public sealed interface Balance {

    /** Weighted round robin, smooth (no bursts to heavy servers); weights may change at run time. The default. */
    static Balance roundRobin() {
        return RoundRobin.INSTANCE;
    }

    /** Weighted round robin over static weights (HAProxy's {@code static-rr}); run-time weight changes are ignored. */
    static Balance staticRoundRobin() {
        return StaticRoundRobin.INSTANCE;
    }

    /** The server with the fewest active connections relative to its weight; ties go round robin. */
    static Balance leastConn() {
        return LeastConn.INSTANCE;
    }

    /** The first server, in declaration order, with a free connection slot ({@code maxconn}). */
    static Balance first() {
        return First.INSTANCE;
    }

    /** A hash of the client's address: one client keeps its server while the set of servers stays the same. */
    static Balance source() {
        return Source.INSTANCE;
    }

    /** A hash of the request path (the part before {@code ?}), as HAProxy's {@code balance uri}. */
    static Balance uri() {
        return Uri.INSTANCE;
    }

    /** A hash of the value of query parameter {@code name}; round robin when absent. */
    static Balance urlParam(String name) {
        return new UrlParam(name);
    }

    /** A hash of the value of header {@code name}; round robin when absent. */
    static Balance hdr(String name) {
        return new Hdr(name);
    }

    /**
     * {@code draws} weighted random picks, keeping the one with the fewest active connections; 2 is the
     * "power of two choices".
     */
    static Balance random(int draws) {
        return new Random(draws);
    }

    /** Whether the algorithm hashes something of the request, so that {@link HashType} applies. */
    default boolean isHashBased() {
        return this instanceof Source || this instanceof Uri || this instanceof UrlParam || this instanceof Hdr;
    }

    /** {@code balance roundrobin}. */
    enum RoundRobin implements Balance {
        INSTANCE;

        @Override
        public String toString() {
            return "roundrobin";
        }
    }

    /** {@code balance static-rr}. */
    enum StaticRoundRobin implements Balance {
        INSTANCE;

        @Override
        public String toString() {
            return "static-rr";
        }
    }

    /** {@code balance leastconn}. */
    enum LeastConn implements Balance {
        INSTANCE;

        @Override
        public String toString() {
            return "leastconn";
        }
    }

    /** {@code balance first}. */
    enum First implements Balance {
        INSTANCE;

        @Override
        public String toString() {
            return "first";
        }
    }

    /** {@code balance source}. */
    enum Source implements Balance {
        INSTANCE;

        @Override
        public String toString() {
            return "source";
        }
    }

    /** {@code balance uri}. */
    enum Uri implements Balance {
        INSTANCE;

        @Override
        public String toString() {
            return "uri";
        }
    }

    /** {@code balance url_param NAME}. */
    record UrlParam(String name) implements Balance {
        public UrlParam {
            requireName(name, "url_param");
        }

        @Override
        public String toString() {
            return "url_param " + name;
        }
    }

    /** {@code balance hdr(NAME)}. */
    record Hdr(String name) implements Balance {
        public Hdr {
            requireName(name, "hdr");
        }

        @Override
        public String toString() {
            return "hdr(" + name + ")";
        }
    }

    /** {@code balance random(DRAWS)}. */
    record Random(int draws) implements Balance {
        public Random {
            if (draws < 1 || draws > 100) {
                throw new ConfigException("balance random: draws " + draws + " (expected: 1-100)");
            }
        }

        @Override
        public String toString() {
            return "random(" + draws + ")";
        }
    }

    private static void requireName(String name, String algorithm) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new ConfigException("balance " + algorithm + ": name '" + name + "' (expected: a non-empty name)");
        }
    }
}
