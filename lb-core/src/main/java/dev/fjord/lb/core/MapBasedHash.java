package dev.fjord.lb.core;

import org.jspecify.annotations.Nullable;

/**
 * {@code hash-type map-based}: the hash modulo the total weight, mapped through a table where each server fills as
 * many slots as its weight. Even, but a change to the set of servers remaps most keys.
 */
final class MapBasedHash implements HashPicker.Mapping {
    private final Server[] table;

    MapBasedHash(Server[] servers) {
        int total = 0;
        for (Server server : servers) {
            total += server.weight();
        }
        table = new Server[total];
        int slot = 0;
        for (Server server : servers) {
            for (int i = 0; i < server.weight(); i++) {
                table[slot++] = server;
            }
        }
    }

    @Override
    public @Nullable Server pick(int hash, @Nullable Server avoid) {
        int length = table.length;
        if (length == 0) {
            return null;
        }
        int start = Integer.remainderUnsigned(hash, length);
        for (int i = 0; i < length; i++) {
            Server server = table[start + i < length ? start + i : start + i - length];
            if (server != avoid) {
                return server;
            }
        }
        return null;
    }
}
