package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * A {@code frontend} section (or the frontend side of a {@code listen} section): where clients connect and how their
 * requests are checked and routed to backends. Immutable; made by {@link ProxyConfig.Builder#frontend}.
 *
 * @param name unique among frontends
 * @param binds the addresses to listen on, at least one ({@code bind})
 * @param settings the effective settings: the defaults in force at declaration, overridden by the section
 * @param acls named ACLs; several ACLs under one name match when any of them does ({@code acl})
 * @param httpRequestRules {@code http-request} rules, in order
 * @param useBackendRules {@code use_backend} rules, in order
 * @param defaultBackend the backend when no {@code use_backend} rule applies ({@code default_backend}); null: 503
 * @param stats the statistics page served by this frontend ({@code stats enable}); null: none
 * @param logMask how client addresses are masked in this frontend's access log; default {@link LogMask#NONE}
 * @param requestCaptures request headers logged ({@code capture request header}), in order; default none
 * @param responseCaptures response headers logged ({@code capture response header}), in order; default none
 * @param cookieCapture the cookie logged ({@code capture cookie}: {@code %CC}, {@code %CS}); null: none
 * @param httpResponseRules {@code http-response} rules, in order, applied after the backend's
 * @param httpAfterResponseRules {@code http-after-response} rules, in order, applied after the backend's, to every
 *     response including the proxy's own
 * @param bindOptions the options of the binds that have some (e.g. {@code accept-proxy}), by address; see
 *     {@link #bindOptions(Address)}
 * @param contentInspection {@code tcp-request inspect-delay} and {@code tcp-request content} rules (mode tcp);
 *     default {@link ContentInspection#NONE}
 * @param stickTable the frontend's stick table ({@code stick-table}), named after it; null: none
 * @param tcpConnectionRules {@code tcp-request connection} rules, in order
 * @param tcpSessionRules {@code tcp-request session} rules, in order: run once the session starts (after a PROXY
 *     header), before the content is read
 */
public record FrontendConfig(
        String name,
        List<Address> binds,
        Settings settings,
        Map<String, List<Acl>> acls,
        List<HttpRequestRule> httpRequestRules,
        List<UseBackendRule> useBackendRules,
        @Nullable String defaultBackend,
        @Nullable StatsConfig stats,
        LogMask logMask,
        List<HttpResponseRule> httpResponseRules,
        List<HttpResponseRule> httpAfterResponseRules,
        Map<Address, BindOptions> bindOptions,
        ContentInspection contentInspection,
        @Nullable StickTable stickTable,
        List<TcpConnectionRule> tcpConnectionRules,
        List<TcpConnectionRule> tcpSessionRules,
        List<HeaderCapture> requestCaptures,
        List<HeaderCapture> responseCaptures,
        @Nullable CookieCapture cookieCapture) {

    public FrontendConfig {
        Objects.requireNonNull(name, "name");
        binds = List.copyOf(binds);
        bindOptions = Map.copyOf(bindOptions);
        Objects.requireNonNull(settings, "settings");
        Map<String, List<Acl>> copy = new LinkedHashMap<>();
        acls.forEach((acl, lines) -> copy.put(acl, List.copyOf(lines)));
        acls = Collections.unmodifiableMap(copy);
        httpRequestRules = List.copyOf(httpRequestRules);
        useBackendRules = List.copyOf(useBackendRules);
        httpResponseRules = List.copyOf(httpResponseRules);
        httpAfterResponseRules = List.copyOf(httpAfterResponseRules);
        Objects.requireNonNull(contentInspection, "contentInspection");
        tcpConnectionRules = List.copyOf(tcpConnectionRules);
        tcpSessionRules = List.copyOf(tcpSessionRules);
        requestCaptures = List.copyOf(requestCaptures);
        responseCaptures = List.copyOf(responseCaptures);
    }

    /** The options of bind {@code address}; {@link BindOptions#DEFAULT} for a plain one. */
    public BindOptions bindOptions(Address address) {
        return bindOptions.getOrDefault(address, BindOptions.DEFAULT);
    }

    /** The names of the backends this frontend may route to: {@code use_backend} targets, then the default. */
    public List<String> backendNames() {
        List<String> names = new ArrayList<>();
        useBackendRules.stream().filter(rule -> !rule.isDynamic()).forEach(rule -> names.add(rule.backend()));
        if (defaultBackend != null) {
            names.add(defaultBackend);
        }
        return names;
    }

    /** Builds a {@link FrontendConfig}; not thread-safe. Values are checked when set, references at build. */
    public static final class Builder extends SettingsBuilder<Builder> {
        private final String name;
        private final List<Address> binds = new ArrayList<>();
        private final Map<Address, BindOptions> bindOptions = new LinkedHashMap<>();
        private final Map<String, List<Acl>> acls = new LinkedHashMap<>();
        private final List<HttpRequestRule> httpRequestRules = new ArrayList<>();
        private final List<UseBackendRule> useBackendRules = new ArrayList<>();
        private @Nullable String defaultBackend;
        private StatsConfig.@Nullable Builder stats;
        private LogMask logMask = LogMask.NONE;
        private final ResponseRuleLists responseRules;
        private java.time.Duration inspectDelay = java.time.Duration.ZERO;
        private final List<TcpContentRule> tcpContentRules = new ArrayList<>();
        private @Nullable StickTable stickTable;
        private @Nullable CookieCapture cookieCapture;
        private final List<TcpConnectionRule> tcpConnectionRules = new ArrayList<>();
        private final List<TcpConnectionRule> tcpSessionRules = new ArrayList<>();
        private final List<HeaderCapture> requestCaptures = new ArrayList<>();
        private final List<HeaderCapture> responseCaptures = new ArrayList<>();

        Builder(String kind, String name, Settings defaults) {
            super(kind + " '" + name + "'", defaults);
            this.name = name;
            this.responseRules = new ResponseRuleLists(context);
        }

        /** Listens on {@code address}: {@code host:port}, {@code [ipv6]:port}, {@code *:port} or {@code :port}. */
        public Builder bind(String address) {
            Address parsed;
            try {
                parsed = Address.parse(address);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(context + ": bind " + e.getMessage());
            }
            return bind(parsed);
        }

        /** Listens on {@code address}; port 0 picks a free port when the proxy starts. */
        public Builder bind(Address address) {
            Objects.requireNonNull(address, "address");
            if (binds.contains(address)) {
                throw new ConfigException(context + ": bind '" + address + "' is declared twice");
            }
            binds.add(address);
            return this;
        }

        /**
         * Listens on {@code address} with the options {@code options} sets, e.g.
         * {@code bind("127.0.0.1:8443", b -> b.acceptProxy())}.
         */
        public Builder bind(String address, Consumer<BindOptions.Builder> options) {
            bind(address);
            BindOptions.Builder builder = new BindOptions.Builder(context + ": bind '" + address + "'");
            options.accept(builder);
            BindOptions built = builder.build();
            if (!built.equals(BindOptions.DEFAULT)) {
                bindOptions.put(binds.get(binds.size() - 1), built);
            }
            return this;
        }

        /**
         * Moves the bind at {@code from} to {@code to}, keeping its options ({@code ssl ...}, {@code accept-proxy}):
         * e.g. an imported frontend onto a test address.
         *
         * @throws ConfigException when no bind is at {@code from}, or one is at {@code to} already
         */
        public Builder moveBind(Address from, String to) {
            BindMove.move(context, binds, bindOptions, from, to);
            return this;
        }

        /** Removes every bind, e.g. to move an imported frontend onto a test address. */
        public Builder clearBinds() {
            binds.clear();
            bindOptions.clear();
            return this;
        }

        /** Adds {@code acl} under {@code name}; several ACLs under one name match when any of them does. */
        public Builder acl(String name, Acl acl) {
            Require.name(context, "acl", name);
            acls.computeIfAbsent(name, n -> new ArrayList<>()).add(Objects.requireNonNull(acl, "acl"));
            return this;
        }

        /** Adds an ACL written as in HAProxy after the name, e.g. {@code "path_beg -i /static /images"}. */
        public Builder acl(String name, String criterion) {
            Require.name(context, "acl", name);
            try {
                return acl(name, Acl.parse(criterion));
            } catch (ConfigException e) {
                throw new ConfigException(context + ": acl '" + name + "': " + e.getMessage());
            }
        }

        /** Adds an {@code http-request} rule, evaluated after those added before it. */
        public Builder httpRequest(HttpRequestRule rule) {
            httpRequestRules.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        /** Adds an {@code http-response} rule, evaluated after those added before it and after the backend's. */
        public Builder httpResponse(HttpResponseRule rule) {
            responseRules.httpResponse(rule);
            return this;
        }

        /**
         * Adds an {@code http-after-response} rule (only {@code allow} and the edits), evaluated after those added
         * before it and after the backend's, on every response: the servers' and the proxy's own.
         *
         * @throws ConfigException when the rule's action is not allowed there
         */
        public Builder httpAfterResponse(HttpResponseRule rule) {
            responseRules.httpAfterResponse(rule);
            return this;
        }

        /**
         * How long the first bytes of a connection are held for the {@code tcp-request content} rules at most
         * ({@code tcp-request inspect-delay}); default zero: the rules decide at once on what is there.
         */
        public Builder inspectDelay(java.time.Duration delay) {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative()) {
                throw new ConfigException(
                        context + ": tcp-request inspect-delay " + delay + " (expected: a duration >= 0)");
            }
            this.inspectDelay = delay;
            return this;
        }

        /** Adds a {@code tcp-request content} rule (mode tcp), evaluated after those added before it. */
        public Builder tcpContent(TcpContentRule rule) {
            tcpContentRules.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        /** {@code use_backend BACKEND if CONDITION}. */
        public Builder useBackend(String backend, Condition condition) {
            if (backend.contains("%[")) { // dynamic: checked as a log-format, resolved for each request
                HeaderValue.check(context + ": use_backend", backend);
            } else {
                Require.name(context, "use_backend", backend);
            }
            useBackendRules.add(new UseBackendRule(backend, condition));
            return this;
        }

        /**
         * {@code use_backend BACKEND} without a condition: every request that reaches the rule goes to
         * {@code backend} (HAProxy 1.5 and later).
         */
        public Builder useBackend(String backend) {
            return useBackend(backend, Condition.acl("TRUE"));
        }

        /**
         * {@code use_backend BACKEND if CONDITION}, the condition in HAProxy syntax (leading {@code unless} allowed).
         */
        public Builder useBackend(String backend, String condition) {
            try {
                return useBackend(backend, Condition.parse(condition));
            } catch (ConfigException e) {
                throw new ConfigException(context + ": use_backend '" + backend + "': " + e.getMessage());
            }
        }

        /** The backend for requests no {@code use_backend} rule routes ({@code default_backend}). */
        public Builder defaultBackend(String backend) {
            this.defaultBackend = Require.name(context, "default_backend", backend);
            return this;
        }

        /** Serves the statistics page ({@code stats enable}) configured by {@code spec}. */
        public Builder stats(Consumer<StatsConfig.Builder> spec) {
            if (stats == null) {
                stats = new StatsConfig.Builder(context);
            }
            spec.accept(stats);
            return this;
        }

        /**
         * Masks client addresses in the access log to their first {@code ipv4Bits} / {@code ipv6Bits} bits, as
         * HAProxy's {@code ipmask(24,64)}; default unmasked.
         */
        public Builder logMask(int ipv4Bits, int ipv6Bits) {
            try {
                this.logMask = new LogMask(ipv4Bits, ipv6Bits);
            } catch (ConfigException e) {
                throw new ConfigException(context + ": " + e.getMessage());
            }
            return this;
        }

        /**
         * Logs request header {@code name}, the whole value of its last occurrence up to {@code length} characters
         * ({@code capture request header NAME len LENGTH}), in declaration order between braces in the httplog line
         * ({@link HeaderCapture}). Needs mode http.
         */
        public Builder captureRequestHeader(String name, int length) {
            requestCaptures.add(new HeaderCapture(name, length));
            return this;
        }

        /** Logs response header {@code name} ({@code capture response header NAME len LENGTH}); see above. */
        public Builder captureResponseHeader(String name, int length) {
            responseCaptures.add(new HeaderCapture(name, length));
            return this;
        }

        /** Logs a cookie ({@code capture cookie NAME len LENGTH}: {@link CookieCapture}); the last call wins. */
        public Builder captureCookie(String name, int length) {
            cookieCapture = new CookieCapture(name, length);
            return this;
        }

        /**
         * The frontend's stick table ({@code stick-table}), which its {@code track-sc} rules use unless they name
         * another: {@code f.stickTable(StickTable.ip(100_000).expire(Duration.ofSeconds(30)).store(
         * StickData.HTTP_REQ_RATE, Duration.ofSeconds(10))).httpRequest(HttpRequestRule.trackSc(0, "src"))}.
         */
        public Builder stickTable(StickTable stickTable) {
            this.stickTable = Objects.requireNonNull(stickTable, "stickTable");
            return this;
        }

        /** Adds a {@code tcp-request connection} rule, evaluated after those added before it. */
        public Builder tcpRequestConnection(TcpConnectionRule rule) {
            tcpConnectionRules.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        /**
         * Adds a {@code tcp-request session} rule, evaluated after those added before it, once the connection's
         * session starts: after the {@code tcp-request connection} rules and a PROXY header ({@code accept-proxy}),
         * whose source address it sees, before the content is read. Same actions as {@code tcp-request connection}.
         */
        public Builder tcpRequestSession(TcpConnectionRule rule) {
            tcpSessionRules.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        boolean hasDefaultBackend() {
            return defaultBackend != null;
        }

        FrontendConfig build() {
            rejectKeywordsOf(true);
            return buildWith(settings());
        }

        FrontendConfig buildWith(Settings settings) {
            if (binds.isEmpty()) {
                throw new ConfigException(context + ": no bind (expected: at least one bind address)");
            }
            StatsConfig builtStats = stats == null ? null : stats.build();
            if (settings.mode() == Mode.TCP) {
                requireHttp(!httpRequestRules.isEmpty(), "http-request rules");
                requireHttp(
                        !requestCaptures.isEmpty() || !responseCaptures.isEmpty() || cookieCapture != null,
                        "header and cookie captures");
                requireHttp(builtStats != null, "stats");
                requireHttp(!responseRules.isEmpty(), "http-response and http-after-response rules");
                requireHttp(bindOptions.values().stream().anyMatch(BindOptions::h2), "binds with proto h2");
            } else if (!tcpContentRules.isEmpty()) {
                throw new ConfigException(context
                        + ": tcp-request content rules in mode http are not supported yet (expected: mode tcp, or "
                        + "http-request rules)");
            }
            FrontendConfig config = new FrontendConfig(
                    name,
                    binds,
                    settings,
                    acls,
                    httpRequestRules,
                    useBackendRules,
                    defaultBackend,
                    builtStats,
                    logMask,
                    responseRules.httpResponseRules(),
                    responseRules.httpAfterResponseRules(),
                    bindOptions,
                    new ContentInspection(inspectDelay, tcpContentRules),
                    stickTable,
                    tcpConnectionRules,
                    tcpSessionRules,
                    requestCaptures,
                    responseCaptures,
                    cookieCapture);
            CompiledFrontend.checkConditions(config, context);
            return config;
        }

        private void requireHttp(boolean used, String what) {
            if (used) {
                throw new ConfigException(context + ": " + what + " need mode http (mode is tcp)");
            }
        }
    }
}
