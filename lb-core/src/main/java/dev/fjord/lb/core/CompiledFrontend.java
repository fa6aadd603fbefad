package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/** A frontend ready to route: conditions compiled, backends resolved to their live state. Immutable. */
final class CompiledFrontend {

    private final FrontendConfig config;
    /** The frontend's {@code http-request} rules. */
    final RequestRuleSet requestRules;
    /** The {@code http-request} rules of each backend, by name. */
    private final Map<String, RequestRuleSet> backendRequestRules;

    final @Nullable LiveBackend[] useBackends;
    /** The log-formats of dynamic {@code use_backend} rules, by rule; null for a rule that names its backend. */
    private final @Nullable CustomLogFormat[] useFormats;
    /** Every backend by name, for dynamic {@code use_backend} rules. */
    private final Map<String, LiveBackend> backends;

    final List<Predicate<RequestHead>> useBackendConditions;
    final @Nullable LiveBackend defaultBackend;
    final @Nullable Predicate<RequestHead> statsAdmin;
    /** The frontend's {@code http-response} and {@code http-after-response} rules. */
    final ResponseRules.Section responseRules;
    /** Whether an {@code http-request set-log-level} rule is among the rules. */
    final boolean setsLogLevel;
    /** The {@code tcp-request content} rules. */
    final ContentRules contentRules;

    final TcpConnectionRule[] connectionRules;
    final List<Predicate<RequestHead>> connectionConditions;
    /** The {@code tcp-request session} rules. */
    final TcpConnectionRule[] sessionRules;

    final List<Predicate<RequestHead>> sessionConditions;
    /** The {@code unique-id-format}; null: requests get no unique ID. */
    final @Nullable CustomLogFormat uniqueIdFormat;
    /** The {@code unique-id-header}; null: the ID is not sent. */
    final @Nullable String uniqueIdHeader;
    /** Whether each request carries its variables ({@code set-var} somewhere in the configuration). */
    private final boolean variables;
    /** The router's backends when an ACL reads their state ({@code nbsrv}) or there are userlists; else null. */
    private final @Nullable Map<String, LiveBackend> backendStates;
    /** The configuration's userlists, which {@code http_auth} ACLs read. */
    private final Map<String, UserList> userLists;

    CompiledFrontend(
            FrontendConfig config,
            Map<String, LiveBackend> backends,
            Map<String, RequestRuleSet> backendRequestRules,
            boolean variables,
            Map<String, UserList> userLists) {
        this.config = config;
        this.userLists = userLists;
        this.variables = variables;
        String context = context(config);
        Map<String, List<Acl>> acls = config.acls();
        List<HttpRequestRule> ruleList = config.httpRequestRules();
        requestRules = RequestRuleSet.of(ruleList, acls, context);
        this.backendRequestRules = backendRequestRules;
        setsLogLevel = ruleList.stream().anyMatch(rule -> rule instanceof HttpRequestRule.SetLogLevel);
        List<UseBackendRule> useList = config.useBackendRules();
        useBackends = new LiveBackend[useList.size()];
        List<Predicate<RequestHead>> useTests = new ArrayList<>(useList.size());
        useFormats = new CustomLogFormat[useList.size()];
        for (int i = 0; i < useBackends.length; i++) {
            UseBackendRule rule = useList.get(i);
            if (rule.isDynamic()) {
                useFormats[i] = CustomLogFormat.parseValue(rule.backend());
            } else {
                useBackends[i] = backends.get(rule.backend());
            }
            useTests.add(compile(rule.condition(), acls, context));
        }
        this.backends = backends;
        useBackendConditions = List.copyOf(useTests);
        defaultBackend = config.defaultBackend() == null ? null : backends.get(config.defaultBackend());
        StatsConfig stats = config.stats();
        statsAdmin = stats == null || stats.admin() == null ? null : compile(stats.admin(), acls, context);
        responseRules =
                ResponseRules.Section.of(config.httpResponseRules(), config.httpAfterResponseRules(), acls, context);
        contentRules = new ContentRules(config.contentInspection().rules(), acls, context, config.name());
        connectionRules = config.tcpConnectionRules().toArray(new TcpConnectionRule[0]);
        List<Predicate<RequestHead>> connectionTests = new ArrayList<>(connectionRules.length);
        for (TcpConnectionRule rule : connectionRules) {
            connectionTests.add(compile(rule.condition(), acls, context));
        }
        connectionConditions = List.copyOf(connectionTests);
        sessionRules = config.tcpSessionRules().toArray(new TcpConnectionRule[0]);
        List<Predicate<RequestHead>> sessionTests = new ArrayList<>(sessionRules.length);
        for (TcpConnectionRule rule : sessionRules) {
            sessionTests.add(compile(rule.condition(), acls, context));
        }
        sessionConditions = List.copyOf(sessionTests);
        String uniqueId = config.settings().logOptions().uniqueIdFormat();
        uniqueIdFormat = uniqueId == null ? null : CustomLogFormat.parseUniqueId(uniqueId);
        uniqueIdHeader =
                uniqueId == null ? null : config.settings().logOptions().uniqueIdHeader();
        backendStates = nbsrvAcls(config).isEmpty() && userLists.isEmpty() ? null : backends;
    }

    /**
     * {@code request} as this frontend's rules see it: with the backends' state when an ACL reads it ({@code nbsrv})
     * and the userlists when there are some ({@code http_auth}),
     * its variables when a rule sets some, and its unique ID when the frontend makes them ({@code unique-id-format});
     * else itself.
     */
    RequestHead prepared(RequestHead request) {
        Map<String, LiveBackend> states = backendStates;
        RequestHead seen = states == null ? request : new BackendsView(request, states, userLists);
        if (variables) {
            seen = new VariablesView(seen);
        }
        CustomLogFormat format = uniqueIdFormat;
        return format == null || seen.uniqueId() != null ? seen : new IdentifiedRequestHead(seen, format.value(seen));
    }

    /**
     * The ACLs of {@code config} that read a backend's state ({@code nbsrv}): named ones, and anonymous ones in the
     * conditions of its {@code http-request} and {@code use_backend} rules.
     */
    static List<Acl> nbsrvAcls(FrontendConfig config) {
        return acls(config, AclFetch.NBSRV);
    }

    /** The ACLs of {@code backend}: named ones and those in its {@code http-request} rules' conditions. */
    static List<Acl> acls(BackendConfig backend) {
        List<Acl> all = new ArrayList<>();
        backend.acls().values().forEach(all::addAll);
        backend.httpRequestRules().forEach(rule -> Condition.anonymousAcls(rule.condition(), all));
        return all;
    }

    /** Whether {@code acl} checks a request's credentials against a userlist ({@code http_auth}, {@code _group}). */
    static boolean readsCredentials(Acl acl) {
        return acl.fetch() == AclFetch.HTTP_AUTH || acl.fetch() == AclFetch.HTTP_AUTH_GROUP;
    }

    /** The ACLs of {@code config} with {@code fetch}, named ones and those in its rules' conditions. */
    static List<Acl> acls(FrontendConfig config, AclFetch fetch) {
        List<Acl> all = new ArrayList<>();
        config.acls().values().forEach(all::addAll);
        config.httpRequestRules().forEach(rule -> Condition.anonymousAcls(rule.condition(), all));
        config.useBackendRules().forEach(rule -> Condition.anonymousAcls(rule.condition(), all));
        all.removeIf(acl -> acl.fetch() != fetch);
        return all;
    }

    /** Whether the frontend has {@code tcp-request connection} or {@code session} rules, which track connections. */
    boolean tracksConnections() {
        return connectionRules.length + sessionRules.length > 0;
    }

    FrontendConfig config() {
        return config;
    }

    /** The {@code http-request} rules of {@code backend}. */
    RequestRuleSet requestRules(LiveBackend backend) {
        RequestRuleSet rules = backendRequestRules.get(backend.config().name());
        return rules != null ? rules : RequestRuleSet.EMPTY;
    }

    /**
     * The backend of the first {@code use_backend} rule whose condition holds (a dynamic rule's: the backend its
     * log-format names, else the default), else the default backend.
     */
    @Nullable
    LiveBackend backendFor(RequestHead request) {
        for (int i = 0; i < useBackends.length; i++) {
            if (useBackendConditions.get(i).test(request)) {
                CustomLogFormat format = useFormats[i];
                if (format == null) {
                    return useBackends[i];
                }
                LiveBackend named = backends.get(format.value(request)); // as HAProxy: no later rule is tried
                return named != null
                                && named.config().settings().mode()
                                        == config.settings().mode()
                        ? named
                        : defaultBackend;
            }
        }
        return defaultBackend;
    }

    /**
     * Checks that every condition of {@code config} names only defined ACLs.
     *
     * @throws ConfigException naming the frontend and the undefined ACL
     */
    static void checkConditions(FrontendConfig config, String context) {
        for (HttpRequestRule rule : config.httpRequestRules()) {
            compile(rule.condition(), config.acls(), context);
        }
        for (UseBackendRule rule : config.useBackendRules()) {
            compile(rule.condition(), config.acls(), context);
        }
        StatsConfig stats = config.stats();
        if (stats != null && stats.admin() != null) {
            compile(stats.admin(), config.acls(), context);
        }
        ResponseRules.Section.of(config.httpResponseRules(), config.httpAfterResponseRules(), config.acls(), context);
        new ContentRules(config.contentInspection().rules(), config.acls(), context, config.name());
        for (TcpConnectionRule rule : config.tcpConnectionRules()) {
            compile(rule.condition(), config.acls(), context);
            requireConnectionLevel(rule.condition(), config.acls(), context + ": tcp-request connection");
        }
        for (TcpConnectionRule rule : config.tcpSessionRules()) {
            compile(rule.condition(), config.acls(), context);
            requireConnectionLevel(rule.condition(), config.acls(), context + ": tcp-request session");
        }
    }

    /**
     * Checks that {@code condition} fetches only what is known when a connection is accepted.
     *
     * @throws ConfigException naming the ACL and its fetch
     */
    private static void requireConnectionLevel(
            @Nullable Condition condition, Map<String, List<Acl>> acls, String context) {
        if (condition instanceof Condition.Named named) {
            List<Acl> lines = acls.get(named.name());
            for (Acl acl : lines != null
                    ? lines
                    : List.of(java.util.Objects.requireNonNull(Acl.predefined(named.name()), named.name()))) {
                requireConnectionLevel(acl, "acl '" + named.name() + "'", context);
            }
        } else if (condition instanceof Condition.Anonymous anonymous) {
            requireConnectionLevel(anonymous.acl(), "{ " + anonymous.acl() + " }", context);
        } else if (condition instanceof Condition.Not not) {
            requireConnectionLevel(not.condition(), acls, context);
        } else if (condition instanceof Condition.All all) {
            all.conditions().forEach(c -> requireConnectionLevel(c, acls, context));
        } else if (condition instanceof Condition.Any any) {
            any.conditions().forEach(c -> requireConnectionLevel(c, acls, context));
        }
    }

    private static void requireConnectionLevel(Acl acl, String name, String context) {
        switch (acl.fetch()) {
            case SRC, DST, DST_PORT, STICK, TRUE, FALSE -> {}
            default ->
                throw new ConfigException(context + ": " + name + " fetches " + acl.criterion()
                        + ", which is not known when a connection is accepted (expected: src, dst, dst_port or stick "
                        + "table fetches)");
        }
    }

    private static Predicate<RequestHead> compile(
            @Nullable Condition condition, Map<String, List<Acl>> acls, String context) {
        return condition == null ? CompiledFrontend::always : ConditionParser.compile(condition, acls, context);
    }

    private static String context(FrontendConfig config) {
        return "frontend '" + config.name() + "'";
    }

    private static boolean always(RequestHead request) {
        return true;
    }
}
