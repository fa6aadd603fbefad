package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Checks, when a configuration is built, that the stick tables its rules and fetches use are declared: each
 * {@code track-sc} and {@code stick} rule's table, and the tables of {@code src_*}, {@code table_*} and
 * {@code sc*_*(…,TABLE)} fetches; and that no frontend and backend of the same name both declare a table (tables are
 * named after their section). Stateless.
 */
final class StickChecks {
    private StickChecks() {}

    /**
     * Checks the sections of a configuration.
     *
     * @throws ConfigException naming the section, the rule or fetch, the table and the tables there are
     */
    static void check(Map<String, FrontendConfig> frontends, Map<String, BackendConfig> backends) {
        Map<String, String> declared = new LinkedHashMap<>(); // table -> section that declares it
        for (FrontendConfig frontend : frontends.values()) {
            if (frontend.stickTable() != null) {
                declared.put(frontend.name(), "frontend '" + frontend.name() + "'");
            }
        }
        for (BackendConfig backend : backends.values()) {
            if (backend.stickTable() != null) {
                String other = declared.put(backend.name(), "backend '" + backend.name() + "'");
                if (other != null) {
                    throw new ConfigException("stick-table '" + backend.name() + "' is declared by " + other
                            + " and by backend '" + backend.name() + "' (tables are named after their section: "
                            + "rename one)");
                }
            }
        }
        for (FrontendConfig frontend : frontends.values()) {
            String context = "frontend '" + frontend.name() + "'";
            for (HttpRequestRule rule : frontend.httpRequestRules()) {
                if (rule instanceof TrackRule track) {
                    table(
                            declared,
                            context,
                            "http-request " + track.track(),
                            track.track().table(),
                            frontend.name());
                }
                conditionTables(declared, context, rule.condition(), frontend);
            }
            for (TcpConnectionRule rule : frontend.tcpConnectionRules()) {
                tcpRule(declared, context, "connection", rule, frontend);
            }
            for (TcpConnectionRule rule : frontend.tcpSessionRules()) {
                tcpRule(declared, context, "session", rule, frontend);
            }
            for (TcpContentRule rule : frontend.contentInspection().rules()) {
                if (rule instanceof TcpContentRule.Track track) {
                    table(
                            declared,
                            context,
                            "tcp-request content " + track.track(),
                            track.track().table(),
                            frontend.name());
                }
                conditionTables(declared, context, rule.condition(), frontend);
            }
            frontend.useBackendRules().forEach(rule -> conditionTables(declared, context, rule.condition(), frontend));
            frontend.acls()
                    .forEach((name, acls) -> acls.forEach(acl -> fetchTable(declared, context, acl, frontend.name())));
        }
        for (BackendConfig backend : backends.values()) {
            String context = "backend '" + backend.name() + "'";
            for (StickRule rule : backend.stickRules()) {
                table(
                        declared,
                        context,
                        "stick " + rule.kind().keyword() + " " + rule.key(),
                        rule.table(),
                        backend.name());
                for (Acl acl : anonymous(rule.condition(), new ArrayList<>())) {
                    fetchTable(declared, context, acl, backend.name());
                }
            }
        }
    }

    private static void tcpRule(
            Map<String, String> declared,
            String context,
            String level,
            TcpConnectionRule rule,
            FrontendConfig frontend) {
        if (rule instanceof TcpConnectionRule.Track track) {
            table(
                    declared,
                    context,
                    "tcp-request " + level + " " + track.track(),
                    track.track().table(),
                    frontend.name());
        }
        conditionTables(declared, context, rule.condition(), frontend);
    }

    private static void table(
            Map<String, String> declared, String context, String what, @Nullable String table, String section) {
        if (table == null && !declared.containsKey(section)) {
            throw new ConfigException(context + ": " + what + ": no stick-table in " + context
                    + " (expected: a stick-table in it, or table NAME)");
        }
        if (table != null && !declared.containsKey(table)) {
            throw new ConfigException(context + ": " + what + ": stick-table '" + table + "' is not defined (defined: "
                    + List.copyOf(declared.keySet()) + ")");
        }
    }

    private static void conditionTables(
            Map<String, String> declared, String context, @Nullable Condition condition, FrontendConfig frontend) {
        for (Acl acl : anonymous(condition, new ArrayList<>())) {
            fetchTable(declared, context, acl, frontend.name());
        }
    }

    private static void fetchTable(Map<String, String> declared, String context, Acl acl, String section) {
        StickFetch stick = acl.stick();
        if (stick == null) {
            return;
        }
        String table = stick.table();
        boolean needsOwn = table == null && !stick.toString().startsWith("sc");
        if (needsOwn || table != null) {
            table(declared, context, "acl " + acl, table, section);
        }
    }

    /** The anonymous ACLs of {@code condition}. */
    static List<Acl> anonymous(@Nullable Condition condition, List<Acl> found) {
        if (condition instanceof Condition.Anonymous anonymous) {
            found.add(anonymous.acl());
        } else if (condition instanceof Condition.Not not) {
            anonymous(not.condition(), found);
        } else if (condition instanceof Condition.All all) {
            all.conditions().forEach(c -> anonymous(c, found));
        } else if (condition instanceof Condition.Any any) {
            any.conditions().forEach(c -> anonymous(c, found));
        }
        return found;
    }

    /**
     * Checks that each table's {@code peers} section is defined.
     *
     * @throws ConfigException naming the section, the table and the peers sections there are
     */
    static void checkPeers(
            Map<String, FrontendConfig> frontends,
            Map<String, BackendConfig> backends,
            Map<String, PeersConfig> peers) {
        for (FrontendConfig frontend : frontends.values()) {
            requirePeers("frontend '" + frontend.name() + "'", frontend.stickTable(), peers);
        }
        for (BackendConfig backend : backends.values()) {
            requirePeers("backend '" + backend.name() + "'", backend.stickTable(), peers);
        }
    }

    private static void requirePeers(String section, @Nullable StickTable table, Map<String, PeersConfig> peers) {
        String name = table == null ? null : table.peers();
        if (name != null && !peers.containsKey(name)) {
            throw new ConfigException(section + ": stick-table peers '" + name + "' is not defined (defined: "
                    + List.copyOf(peers.keySet()) + ")");
        }
    }
}
