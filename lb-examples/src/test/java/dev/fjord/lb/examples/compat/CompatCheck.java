package dev.fjord.lb.examples.compat;

import java.util.Set;

/**
 * What one file of the compatibility set is checked for, in words and in code, and which of its servers are started
 * unreachable. Immutable.
 *
 * @param behaviour the behaviour checked, as the README's list of the set says it
 * @param dead the servers whose address refuses connections
 * @param verifier the check, on the file running on loopback
 */
record CompatCheck(String behaviour, Set<String> dead, Verifier verifier) {
    /** The check itself. */
    interface Verifier {
        void verify(CompatRun run) throws Exception;
    }

    CompatCheck {
        dead = Set.copyOf(dead);
    }

    static CompatCheck of(String behaviour, Verifier verifier) {
        return new CompatCheck(behaviour, Set.of(), verifier);
    }

    /** The same check with {@code servers} unreachable. */
    CompatCheck dead(String... servers) {
        return new CompatCheck(behaviour, Set.of(servers), verifier);
    }
}
