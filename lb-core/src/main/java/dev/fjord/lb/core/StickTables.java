package dev.fjord.lb.core;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The live stick tables of a router, by name (the frontend's or backend's that declares each). A reconfiguration
 * keeps a table whose definition did not change, with its entries, and makes the others anew. Thread-safe: lookups
 * read an immutable map, replaced whole.
 */
final class StickTables {
    private final Ticker ticker;
    private volatile Map<String, LiveStickTable> tables = Map.of();

    StickTables(Ticker ticker) {
        this.ticker = ticker;
    }

    /** Takes the tables of {@code config}, keeping those whose definition is the same. */
    synchronized void apply(ProxyConfig config) {
        Set<String> sticky = new HashSet<>();
        for (BackendConfig backend : config.backends().values()) {
            for (StickRule rule : backend.stickRules()) {
                sticky.add(rule.table() == null ? backend.name() : rule.table());
            }
        }
        Map<String, StickTable> declared = new LinkedHashMap<>();
        for (FrontendConfig frontend : config.frontends().values()) {
            if (frontend.stickTable() != null) {
                declared.put(frontend.name(), frontend.stickTable());
            }
        }
        for (BackendConfig backend : config.backends().values()) {
            if (backend.stickTable() != null) {
                declared.put(backend.name(), backend.stickTable());
            }
        }
        Map<String, LiveStickTable> next = new LinkedHashMap<>();
        Map<String, LiveStickTable> current = tables;
        declared.forEach((name, definition) -> {
            LiveStickTable kept = current.get(name);
            boolean isSticky = sticky.contains(name);
            next.put(
                    name,
                    kept != null && kept.definition().equals(definition) && kept.sticky() == isSticky
                            ? kept
                            : new LiveStickTable(name, definition, isSticky, ticker));
        });
        tables = java.util.Collections.unmodifiableMap(next);
    }

    /** The table called {@code name}, or null. */
    @Nullable
    LiveStickTable get(String name) {
        return tables.get(name);
    }

    /** Every table, in declaration order: frontends', then backends'. */
    Collection<LiveStickTable> all() {
        return tables.values();
    }

    boolean isEmpty() {
        return tables.isEmpty();
    }
}
