package dev.fjord.lb.core;

import java.util.random.RandomGenerator;

import org.jspecify.annotations.Nullable;

/**
 * HAProxy's {@code random(draws)}: {@code draws} servers drawn at random in proportion to their weights, and the
 * one with the fewest active connections kept; {@code random(2)} is the power of two choices.
 */
final class RandomPicker implements ServerPicker {
    private final Server[] servers;
    private final int[] cumulative;
    private final int draws;
    private final RandomGenerator random;

    RandomPicker(Server[] servers, int draws, RandomGenerator random) {
        this.servers = servers;
        this.draws = draws;
        this.random = random;
        this.cumulative = new int[servers.length];
        int total = 0;
        for (int i = 0; i < servers.length; i++) {
            total += servers[i].weight();
            cumulative[i] = total;
        }
    }

    @Override
    public @Nullable Server pick(RequestHead request, @Nullable Server avoid) {
        int total = cumulative[cumulative.length - 1];
        if (total == 0) {
            return null;
        }
        Server best = null;
        for (int draw = 0, attempts = 0; draw < draws && attempts < draws + 16; attempts++) {
            Server drawn = servers[index(random.nextInt(total))];
            if (drawn == avoid) {
                continue;
            }
            draw++;
            if (best == null || drawn.activeConnections() < best.activeConnections()) {
                best = drawn;
            }
        }
        if (best == null) {
            for (Server server : servers) {
                if (server != avoid) {
                    return server;
                }
            }
        }
        return best;
    }

    private int index(int ticket) {
        int low = 0;
        int high = cumulative.length - 1;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (cumulative[mid] > ticket) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }
}
