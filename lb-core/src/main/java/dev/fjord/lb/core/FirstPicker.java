package dev.fjord.lb.core;

import org.jspecify.annotations.Nullable;

/**
 * HAProxy's {@code first}: the first server, in declaration order, with a free slot below its {@code maxconn}; when
 * every server is full, the least loaded. Connection counts are read live.
 */
final class FirstPicker implements ServerPicker {
    private final Server[] servers;

    FirstPicker(Server[] servers) {
        this.servers = servers;
    }

    @Override
    public @Nullable Server pick(RequestHead request, @Nullable Server avoid) {
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
}
