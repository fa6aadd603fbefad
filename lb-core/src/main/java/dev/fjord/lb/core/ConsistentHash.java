package dev.fjord.lb.core;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * {@code hash-type consistent}: a ring on which each server holds points in proportion to its weight (placed by a
 * hash of its name, so they do not move when other servers come or go); a key goes to the first point at or after
 * its hash. Removing one of N servers moves about 1/N of the keys.
 */
final class ConsistentHash implements HashPicker.Mapping {
    /** Points per server of the highest weight; others get proportionally fewer (at least one). */
    private static final int POINTS = 160;

    private final int[] points;
    private final Server[] owners;

    ConsistentHash(Server[] servers) {
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
        for (int i = 0; i < size; i++) {
            points[i] = (int) (ring[i] >> 32);
            owners[i] = servers[(int) ring[i]];
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
        for (int i = 0; i < size; i++) {
            Server server = owners[(index + i) % size];
            if (server != avoid) {
                return server;
            }
        }
        return null;
    }
}
