package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * A backend's {@code stick} rules, compiled: {@link #match} finds the server an entry names for a request,
 * {@link #store} records the server chosen, as HAProxy's {@code process_sticking_rules} and
 * {@code process_store_rules} do. Tables are looked up by name at each use, so a reconfiguration that replaces one
 * takes effect at once. Immutable and thread-safe.
 */
final class BackendStickRules {
    private record Rule(StickRule.Kind kind, SampleFetch fetch, String table, Predicate<RequestHead> condition) {}

    private final String backend;
    private final List<Rule> rules;
    private final StickTables tables;

    BackendStickRules(BackendConfig config, StickTables tables) {
        this.backend = config.name();
        this.tables = tables;
        List<Rule> compiled = new ArrayList<>();
        for (StickRule rule : config.stickRules()) {
            String context = "backend '" + backend + "': stick " + rule.kind().keyword();
            Predicate<RequestHead> condition = rule.condition() == null
                    ? request -> true
                    : ConditionParser.compile(rule.condition(), Map.of(), context);
            compiled.add(new Rule(rule.kind(), rule.fetch(), rule.table() == null ? backend : rule.table(), condition));
        }
        this.rules = List.copyOf(compiled);
    }

    boolean isEmpty() {
        return rules.isEmpty();
    }

    /**
     * The server the first matching rule's entry names, when it still takes persistent traffic (not DOWN, not in
     * MAINT); the entries found are refreshed. Null when none.
     */
    @Nullable
    Server match(LiveBackend owner, RequestHead request) {
        RequestHead seen = TrackedRequestHead.inSection(request, backend);
        Server found = null;
        for (Rule rule : rules) {
            if (!rule.kind().matches() || !rule.condition().test(seen)) {
                continue;
            }
            LiveStickTable table = tables.get(rule.table());
            if (table == null) {
                continue;
            }
            Object key = table.key(rule.fetch().fetch(seen));
            StickEntry entry = key == null ? null : table.lookup(key);
            if (entry == null) {
                continue;
            }
            if (found == null) {
                Server server = stored(owner, entry, table.nowMillis());
                if (server != null && server.acceptsPersistent()) {
                    found = server;
                }
            }
            table.touch(entry);
        }
        return found;
    }

    /**
     * The server {@code entry} names in {@code owner}: by name, else by its position ({@code server_id}), as HAProxy
     * finds it by {@code server_key}, else by {@code server_id} (a table shared by backends whose names differ).
     */
    private static @Nullable Server stored(LiveBackend owner, StickEntry entry, long now) {
        String name = entry.serverKey();
        Server byName = name == null ? null : owner.server(name);
        if (byName != null) {
            return byName;
        }
        Long id = entry.read(StickData.SERVER_ID, now);
        List<LiveServer> servers = owner.liveServers();
        return id == null || id < 1 || id > servers.size() ? null : servers.get((int) (id - 1));
    }

    /** Stores {@code server} under the key of the first applying store rule of each table. */
    void store(LiveBackend owner, RequestHead request, Server server) {
        if (rules.isEmpty()) {
            return;
        }
        RequestHead seen = TrackedRequestHead.inSection(request, backend);
        List<String> stored = new ArrayList<>(2);
        for (Rule rule : rules) {
            if (!rule.kind().stores()
                    || stored.contains(rule.table())
                    || !rule.condition().test(seen)) {
                continue;
            }
            LiveStickTable table = tables.get(rule.table());
            Object key = table == null ? null : table.key(rule.fetch().fetch(seen));
            if (table == null || key == null) {
                continue;
            }
            stored.add(rule.table());
            StickEntry entry = table.acquire(key, false);
            if (entry != null) {
                entry.server(owner.liveServers().indexOf(server) + 1, server.name());
            }
        }
    }
}
