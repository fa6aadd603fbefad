package dev.fjord.lb.core;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * {@code hash-type consistent}: a ring on which each server holds points in proportion to its weight (placed by a
 * hash of its name, so they do not move when other servers come or go); a key goes to the first point at or after
 * its hash. Removing one of N servers moves about 1/N of the keys. With a balance factor ({@code
 * hash-balance-factor}), a server already serving its share of the backend's requests in flight, times the factor,
 * passes the key to the next server on the ring, as HAProxy bounds loads.
 */
final class ConsistentHash implements HashPicker.Mapping {
    /** Points per server of the highest weight; others get proportionally fewer (at least one). */
    private static final int POINTS = 160;

    private final int[] points;
    private final Server[] owners;
    /** The index in {@link #servers} of each point's owner. */
    private final int[] ownerIndex;

    private final Server[] servers;
    /** The weight of the servers before each, in declaration order, and in all: how HAProxy spreads the slots. */
    private final long[] weightBefore;

    private final long totalWeight;
    private final int balanceFactor;

    ConsistentHash(Server[] servers) {
        this(servers, 0);
    }

    ConsistentHash(Server[] servers, int balanceFactor) {
        this.servers = servers;
        this.balanceFactor = balanceFactor;
        this.weightBefore = new long[servers.length];
        long total = 0;
        for (int s = 0; s < servers.length; s++) {
            weightBefore[s] = total;
            total += servers[s].weight();
        }
        this.totalWeight = total;
        int maxWeight = 1;
        for (Server server : servers) {
            maxWeight = Math.max(maxWeight, server.weight());
        }
        long[] ring = new long[0];
        int size = 0;
        for (int s = 0; s < servers.length; s++) {
            int count = servers[s].weight() == 0 ? 0 : Math.max(1, POINTS * servers[s].weight() / maxWeight);
            if (ring.length < size + count) {
                ring = Arrays.copyOf(ring, Math.max(ring.length * 2, size + count));
            }
            int seed = HashKey.sdbm(servers[s].name());
            for (int i = 0; i < count; i++) {
                int point = HashKey.mix(seed * 31 + i * 0x9E3779B9);
                ring[size++] = ((long) point << 32) | s; // sorted by point, then by server index
            }
        }
        ring = Arrays.copyOf(ring, size);
        Arrays.sort(ring);
        this.points = new int[size];
        this.owners = new Server[size];
        this.ownerIndex = new int[size];
        for (int i = 0; i < size; i++) {
            points[i] = (int) (ring[i] >> 32);
            ownerIndex[i] = (int) ring[i];
            owners[i] = servers[ownerIndex[i]];
        }
    }

    @Override
    public @Nullable Server pick(int hash, @Nullable Server avoid) {
        int size = points.length;
        if (size == 0) {
            return null;
        }
        int index = Arrays.binarySearch(points, hash);
        if (index < 0) {
            index = -index - 1;
        }
        Server first = null;
        long served = balanceFactor == 0 ? 0 : served();
        for (int i = 0; i < size; i++) {
            int at = (index + i) % size;
            Server server = owners[at];
            if (server != avoid) {
                if (balanceFactor == 0 || eligible(ownerIndex[at], served)) {
                    return server;
                }
                if (first == null) {
                    first = server;
                }
            }
        }
        return first; // every server over its bound (not when requests are counted): the key's own
    }

    private long served() {
        long served = 0;
        for (Server server : servers) {
            served += server.activeConnections();
        }
        return served;
    }

    /**
     * HAProxy's {@code chash_server_is_eligible}: the backend's requests in flight plus this one, times the factor,
     * make slots, shared by weight (the remainder spread over the servers in order); a server with fewer requests in
     * flight than its slots (at least one) takes the key.
     */
    private boolean eligible(int index, long served) {
        if (totalWeight == 0) {
            return true;
        }
        Server server = servers[index];
        long weight = server.weight();
        long slots = ((served + 1) * balanceFactor + 99) / 100;
        long perWeight = slots / totalWeight;
        long remainder = slots % totalWeight;
        long mine = weight * perWeight
                + (weightBefore[index] + weight) * remainder / totalWeight
                - weightBefore[index] * remainder / totalWeight;
        return server.activeConnections() < Math.max(1, mine);
    }
}
