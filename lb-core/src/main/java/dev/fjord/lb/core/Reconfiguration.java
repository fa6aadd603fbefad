package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@link Router#reconfigure} changed: frontends, backends and servers ({@code "backend/server"}) added,
 * removed, or kept with a changed configuration. Immutable.
 *
 * @param frontendsAdded frontends that are new, in the new configuration's order
 * @param frontendsRemoved frontends that are gone
 * @param frontendsChanged frontends kept whose configuration changed (binds, settings, rules or ACLs)
 * @param backendsAdded backends that are new
 * @param backendsRemoved backends that are gone (their servers left)
 * @param backendsChanged backends kept whose configuration changed
 * @param serversAdded servers that joined a kept backend, as {@code backend/server}
 * @param serversRemoved servers that left a kept backend
 * @param serversChanged servers kept, with their run-time state, whose configuration changed
 */
public record Reconfiguration(
        List<String> frontendsAdded,
        List<String> frontendsRemoved,
        List<String> frontendsChanged,
        List<String> backendsAdded,
        List<String> backendsRemoved,
        List<String> backendsChanged,
        List<String> serversAdded,
        List<String> serversRemoved,
        List<String> serversChanged) {

    public Reconfiguration {
        frontendsAdded = List.copyOf(frontendsAdded);
        frontendsRemoved = List.copyOf(frontendsRemoved);
        frontendsChanged = List.copyOf(frontendsChanged);
        backendsAdded = List.copyOf(backendsAdded);
        backendsRemoved = List.copyOf(backendsRemoved);
        backendsChanged = List.copyOf(backendsChanged);
        serversAdded = List.copyOf(serversAdded);
        serversRemoved = List.copyOf(serversRemoved);
        serversChanged = List.copyOf(serversChanged);
    }

    /** Whether nothing changed. */
    public boolean isEmpty() {
        return toString().equals("no change");
    }

    /** One line for the operator log, e.g. {@code frontends +1 ~1; servers +[app/web3] -[app/web1] ~[app/web2]}. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>(3);
        part(parts, "frontends", frontendsAdded, frontendsRemoved, frontendsChanged);
        part(parts, "backends", backendsAdded, backendsRemoved, backendsChanged);
        part(parts, "servers", serversAdded, serversRemoved, serversChanged);
        return parts.isEmpty() ? "no change" : String.join("; ", parts);
    }

    private static void part(
            List<String> parts, String what, List<String> added, List<String> removed, List<String> changed) {
        StringBuilder text = new StringBuilder();
        if (!added.isEmpty()) {
            text.append(" +").append(added);
        }
        if (!removed.isEmpty()) {
            text.append(" -").append(removed);
        }
        if (!changed.isEmpty()) {
            text.append(" ~").append(changed);
        }
        if (text.length() > 0) {
            parts.add(what + text);
        }
    }

    /** Collects the changes while a reconfiguration is applied; not thread-safe. */
    static final class Builder {
        private final List<String> frontendsAdded = new ArrayList<>();
        private final List<String> frontendsRemoved = new ArrayList<>();
        private final List<String> frontendsChanged = new ArrayList<>();
        private final List<String> backendsAdded = new ArrayList<>();
        private final List<String> backendsRemoved = new ArrayList<>();
        private final List<String> backendsChanged = new ArrayList<>();
        private final List<String> serversAdded = new ArrayList<>();
        private final List<String> serversRemoved = new ArrayList<>();
        private final List<String> serversChanged = new ArrayList<>();

        void frontendAdded(String name) {
            frontendsAdded.add(name);
        }

        void frontendRemoved(String name) {
            frontendsRemoved.add(name);
        }

        void frontendChanged(String name) {
            frontendsChanged.add(name);
        }

        void backendAdded(String name) {
            backendsAdded.add(name);
        }

        void backendRemoved(String name) {
            backendsRemoved.add(name);
        }

        void backendChanged(String name) {
            backendsChanged.add(name);
        }

        void serverAdded(String backend, String server) {
            serversAdded.add(backend + '/' + server);
        }

        void serverRemoved(String backend, String server) {
            serversRemoved.add(backend + '/' + server);
        }

        void serverChanged(String backend, String server) {
            serversChanged.add(backend + '/' + server);
        }

        Reconfiguration build() {
            return new Reconfiguration(
                    frontendsAdded,
                    frontendsRemoved,
                    frontendsChanged,
                    backendsAdded,
                    backendsRemoved,
                    backendsChanged,
                    serversAdded,
                    serversRemoved,
                    serversChanged);
        }
    }
}
