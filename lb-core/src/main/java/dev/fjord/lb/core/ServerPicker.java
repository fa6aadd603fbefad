package dev.fjord.lb.core;

import java.util.List;
import java.util.random.RandomGenerator;

import org.jspecify.annotations.Nullable;

/**
 * The run-time side of a {@link Balance}: picks a server for a request that no persistence pinned, among the servers
 * of one balancing snapshot (the usable active servers, or the backups). Each implementation is named after the
 * {@code Balance} it runs: {@link RoundRobinPicker} ({@code roundrobin}, {@code static-rr}), {@link LeastConnPicker},
 * {@link FirstPicker}, {@link RandomPicker}, and {@link HashPicker} for the hash-based ones ({@code source},
 * {@code uri}, {@code url_param}, {@code hdr}). A picker works over the servers and weights of the moment it was
 * made (a change of state or weight makes a new one); thread-safe and lock-free.
 */
@FunctionalInterface
interface ServerPicker {
    /** A picker with no server: every pick is null. */
    ServerPicker NONE = (request, avoid) -> null;

    /**
     * A server for {@code request}, other than {@code avoid} when another exists (a redispatch); null when there is
     * no server, or {@code avoid} is the only one.
     */
    @Nullable
    Server pick(RequestHead request, @Nullable Server avoid);

    /** A picker running {@code balance} over {@code servers} (the usable ones, in declaration order). */
    static ServerPicker of(Balance balance, HashType hashType, List<Server> servers, RandomGenerator random) {
        return of(balance, hashType, 0, servers, random);
    }

    /**
     * A picker running {@code balance} over {@code servers}; with {@code hash-type consistent}, a server over
     * {@code hashBalanceFactor} % of the average load passes its keys on ({@link Settings#hashBalanceFactor()}).
     */
    static ServerPicker of(
            Balance balance, HashType hashType, int hashBalanceFactor, List<Server> servers, RandomGenerator random) {
        if (servers.isEmpty()) {
            return NONE;
        }
        Server[] array = servers.toArray(new Server[0]);
        if (balance instanceof Balance.StaticRoundRobin) {
            return new RoundRobinPicker(array, true);
        }
        if (balance instanceof Balance.LeastConn) {
            return new LeastConnPicker(array);
        }
        if (balance instanceof Balance.First) {
            return new FirstPicker(array);
        }
        if (balance instanceof Balance.Random draws) {
            return new RandomPicker(array, draws.draws(), random);
        }
        RoundRobinPicker roundRobin = new RoundRobinPicker(array, false);
        return balance.isHashBased()
                ? new HashPicker(HashKey.of(balance), hashType, hashBalanceFactor, array, roundRobin)
                : roundRobin;
    }
}
