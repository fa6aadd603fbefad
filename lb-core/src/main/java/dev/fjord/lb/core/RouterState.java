package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link Router} routes with at one moment: the configuration, its running backends, its compiled frontends
 * and their counters, the backends' compiled response rules and whether any section has response rules. Immutable
 * (the backends' run-time state aside); a reconfiguration makes a new one.
 */
record RouterState(
        ProxyConfig config,
        Map<String, LiveBackend> backends,
        Map<String, CompiledFrontend> frontends,
        Map<String, Counters> frontendCounters,
        Map<String, ResponseRules.Section> backendResponseRules,
        boolean hasResponseRules) {

    /** The state of {@code config} over {@code backends}, keeping the counters of frontends that stay. */
    static RouterState of(ProxyConfig config, Map<String, LiveBackend> backends, Map<String, Counters> previous) {
        Map<String, LiveBackend> live = Collections.unmodifiableMap(new LinkedHashMap<>(backends));
        Map<String, RequestRuleSet> backendRequestRules = new LinkedHashMap<>();
        for (BackendConfig backend : config.backends().values()) {
            backendRequestRules.put(
                    backend.name(),
                    RequestRuleSet.of(backend.httpRequestRules(), backend.acls(), "backend '" + backend.name() + "'"));
        }
        Map<String, CompiledFrontend> compiled = new LinkedHashMap<>();
        Map<String, Counters> counters = new LinkedHashMap<>();
        boolean variables = setsVariables(config);
        for (FrontendConfig frontend : config.frontends().values()) {
            compiled.put(
                    frontend.name(),
                    new CompiledFrontend(frontend, live, backendRequestRules, variables, credentialLists(config)));
            Counters kept = previous.get(frontend.name());
            counters.put(frontend.name(), kept != null ? kept : new Counters());
        }
        Map<String, ResponseRules.Section> backendRules = new LinkedHashMap<>();
        boolean anyRules = compiled.values().stream().anyMatch(f -> !f.responseRules.isEmpty());
        for (BackendConfig backend : config.backends().values()) {
            backendRules.put(
                    backend.name(),
                    ResponseRules.Section.of(
                            backend.httpResponseRules(),
                            backend.httpAfterResponseRules(),
                            backend.acls(),
                            "backend '" + backend.name() + "'"));
            anyRules |= !backendRules.get(backend.name()).isEmpty();
        }
        return new RouterState(
                config,
                live,
                Collections.unmodifiableMap(compiled),
                Collections.unmodifiableMap(counters),
                Collections.unmodifiableMap(backendRules),
                anyRules);
    }

    /** Whether a rule of {@code config} sets a variable: then each request carries its own ({@link VariablesView}). */
    /**
     * The userlists, when an ACL of a frontend or a backend checks credentials against one ({@code http_auth}); else
     * none, so that no request is wrapped to carry lists nothing reads.
     */
    private static Map<String, UserList> credentialLists(ProxyConfig config) {
        for (FrontendConfig frontend : config.frontends().values()) {
            if (!CompiledFrontend.acls(frontend, AclFetch.HTTP_AUTH).isEmpty()
                    || !CompiledFrontend.acls(frontend, AclFetch.HTTP_AUTH_GROUP)
                            .isEmpty()) {
                return config.userLists();
            }
        }
        for (BackendConfig backend : config.backends().values()) {
            if (CompiledFrontend.acls(backend).stream().anyMatch(CompiledFrontend::readsCredentials)) {
                return config.userLists();
            }
        }
        return Map.of();
    }

    private static boolean setsVariables(ProxyConfig config) {
        java.util.stream.Stream<HttpRequestRule> requests = java.util.stream.Stream.concat(
                config.frontends().values().stream().flatMap(f -> f.httpRequestRules().stream()),
                config.backends().values().stream().flatMap(b -> b.httpRequestRules().stream()));
        java.util.stream.Stream<HttpResponseRule> responses = java.util.stream.Stream.of(
                        config.frontends().values().stream().flatMap(f -> f.httpResponseRules().stream()),
                        config.frontends().values().stream().flatMap(f -> f.httpAfterResponseRules().stream()),
                        config.backends().values().stream().flatMap(b -> b.httpResponseRules().stream()),
                        config.backends().values().stream().flatMap(b -> b.httpAfterResponseRules().stream()))
                .flatMap(rules -> rules);
        return requests.anyMatch(rule -> rule instanceof SetVarRule || rule instanceof CaptureRule)
                || responses.anyMatch(ResponseSetVarRule.class::isInstance);
    }

    /**
     * The frontend bound to {@code port}, or the only frontend when there is one.
     *
     * @throws IllegalArgumentException when no frontend, or more than one, binds that port
     */
    CompiledFrontend frontendFor(int port) {
        if (frontends.size() == 1) {
            return frontends.values().iterator().next();
        }
        CompiledFrontend found = null;
        for (CompiledFrontend frontend : frontends.values()) {
            for (Address bind : frontend.config().binds()) {
                if (bind.port() == port) {
                    if (found != null && found != frontend) {
                        throw new IllegalArgumentException("port " + port + " is bound by frontends '"
                                + found.config().name() + "' and '"
                                + frontend.config().name()
                                + "' (expected: route(frontend, request))");
                    }
                    found = frontend;
                }
            }
        }
        if (found == null) {
            List<String> binds = new ArrayList<>();
            frontends
                    .values()
                    .forEach(f -> binds.add(f.config().name() + ' ' + f.config().binds()));
            String first = frontends.keySet().iterator().next();
            throw new IllegalArgumentException("no frontend binds port " + port + " (binds: " + binds
                    + "): route through one by name, router.frontend(\"" + first + "\").route(request), or give the "
                    + "request a bound port, RequestHead.builder().localPort(PORT)");
        }
        return found;
    }

    /**
     * The {@code kind} called {@code name} in {@code byName}.
     *
     * @throws IllegalArgumentException naming those defined when there is none
     */
    static <T> T require(String kind, Map<String, T> byName, String name) {
        T found = byName.get(name);
        if (found == null) {
            throw new IllegalArgumentException(
                    kind + " '" + name + "' is not defined (defined: " + List.copyOf(byName.keySet()) + ")");
        }
        return found;
    }
}
