package dev.fjord.lb.core;

import java.util.List;
import java.util.random.RandomGenerator;

import org.jspecify.annotations.Nullable;

/**
 * The balancing algorithms, each over an immutable list of servers taken when the snapshot was made (weights are
 * read then: a weight change rebuilds the snapshot). Picks never lock; counters are atomic.
 */
final class Balancers {
    private Balancers() {
    }

    /** A balancer for {@code balance} over {@code servers} (the usable ones, in declaration order). */
    static Balancer create(Balance balance, HashType hashType, List<Server> servers, RandomGenerator random) {
        if (servers.isEmpty()) {
            return Balancer.NONE;
        }
        Server[] array = servers.toArray(new Server[0]);
        if (balance instanceof Balance.StaticRoundRobin) {
            return new WeightedRoundRobin(array, true);
        }
        if (balance instanceof Balance.LeastConn) {
            return new LeastConnections(array);
        }
        if (balance instanceof Balance.First) {
            return (request, avoid) -> first(array, avoid);
        }
        if (balance instanceof Balance.Random draws) {
            return new RandomDraws(array, draws.draws(), random);
        }
        WeightedRoundRobin roundRobin = new WeightedRoundRobin(array, false);
        if (!balance.isHashBased()) {
            return roundRobin;
        }
        HashKey key = HashKey.of(balance);
        HashedBalancer hashed = hashType == HashType.CONSISTENT ? new ConsistentHash(array) : new MapBasedHash(array);
        return (request, avoid) -> {
            long hash = key.hash(request);
            return hash == HashKey.ABSENT ? roundRobin.pick(request, avoid) : hashed.pick((int) hash, avoid);
        };
    }

    /** HAProxy's {@code first}: the first server with a free slot below its maxconn, else the least loaded. */
    private static @Nullable Server first(Server[] servers, @Nullable Server avoid) {
        Server leastLoaded = null;
        for (Server server : servers) {
            if (server == avoid) {
                continue;
            }
            int maxConn = server.config().maxConn();
            if (maxConn == 0 || server.activeConnections() < maxConn) {
                return server;
            }
            if (leastLoaded == null || server.activeConnections() < leastLoaded.activeConnections()) {
                leastLoaded = server;
            }
        }
        return leastLoaded;
    }

    /** Maps a key's hash to a server. */
    interface HashedBalancer {
        /** The server for {@code hash}; another one than {@code avoid} when there is one. */
        @Nullable Server pick(int hash, @Nullable Server avoid);
    }
}
