package dev.fjord.lb.core;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** {@link FrontendConfig.Builder#moveBind}: a bind moved to another address with its options. Static. */
final class BindMove {
    private BindMove() {}

    /**
     * Moves the bind at {@code from} in {@code binds} to {@code to}, its options in {@code options} with it.
     *
     * @throws ConfigException naming {@code context} when no bind is at {@code from}, or one is at {@code to} already
     */
    static void move(String context, List<Address> binds, Map<Address, BindOptions> options, Address from, String to) {
        int at = binds.indexOf(Objects.requireNonNull(from, "from"));
        if (at < 0) {
            throw new ConfigException(context + ": no bind '" + from + "' to move (binds: " + binds + ")");
        }
        Address moved;
        try {
            moved = Address.parse(to);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(context + ": bind " + e.getMessage());
        }
        if (!moved.equals(from) && binds.contains(moved)) {
            throw new ConfigException(context + ": bind '" + moved + "' is declared twice");
        }
        binds.set(at, moved);
        BindOptions kept = options.remove(from);
        if (kept != null) {
            options.put(moved, kept);
        }
    }
}
