package dev.fjord.lb.core;

import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * HAProxy's {@code leastconn}: the server with the fewest active connections relative to its weight; among equals,
 * the scan starts one further each time, so ties go round robin. Connection counts are read live.
 */
final class LeastConnPicker implements ServerPicker {
    private final Server[] servers;
    private final int[] weights;
    private final AtomicInteger start = new AtomicInteger();

    LeastConnPicker(Server[] servers) {
        this.servers = servers;
        this.weights = new int[servers.length];
        for (int i = 0; i < servers.length; i++) {
            weights[i] = Math.max(1, servers[i].weight());
        }
    }

    @Override
    public @Nullable Server pick(RequestHead request, @Nullable Server avoid) {
        int n = servers.length;
        int offset = Math.floorMod(start.getAndIncrement(), n);
        int best = -1;
        long bestConnections = 0;
        for (int k = 0; k < n; k++) {
            int i = offset + k < n ? offset + k : offset + k - n;
            Server server = servers[i];
            if (server == avoid) {
                continue;
            }
            long connections = server.activeConnections();
            // connections / weight < best / bestWeight, without division
            if (best < 0 || connections * weights[best] < bestConnections * weights[i]) {
                best = i;
                bestConnections = connections;
            }
        }
        return best < 0 ? null : servers[best];
    }
}
