package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * A {@code backend} section (or the backend side of a {@code listen} section): a set of servers and how requests are
 * spread over them and kept on them. Immutable; made by {@link ProxyConfig.Builder#backend}.
 *
 * @param name unique among backends
 * @param settings the effective settings: the defaults in force at declaration, overridden by the section
 * @param cookie cookie persistence ({@code cookie}); null: none
 * @param stickTable the backend's stick table ({@code stick-table}), named after it; null: none
 * @param servers the servers, in declaration order
 * @param allBackups when no active server is usable, balance over every backup server rather than only the first
 *     ({@code option allbackups})
 * @param acls named ACLs of the backend, for its rules' conditions ({@code acl})
 * @param httpRequestRules {@code http-request} rules, in order, applied once the request is routed here, after the
 *     frontend's
 * @param httpResponseRules {@code http-response} rules, in order, applied before the frontend's
 * @param httpAfterResponseRules {@code http-after-response} rules, in order, applied before the frontend's
 * @param stickRules {@code stick match|on|store-request} rules, in order
 * @param serverTemplates servers whose addresses come from DNS ({@code server-template}), in declaration order
 */
public record BackendConfig(
        String name,
        Settings settings,
        @Nullable Cookie cookie,
        @Nullable StickTable stickTable,
        List<ServerConfig> servers,
        boolean allBackups,
        Map<String, List<Acl>> acls,
        List<HttpRequestRule> httpRequestRules,
        List<HttpResponseRule> httpResponseRules,
        List<HttpResponseRule> httpAfterResponseRules,
        List<StickRule> stickRules,
        List<ServerTemplate> serverTemplates) {

    public BackendConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(settings, "settings");
        servers = List.copyOf(servers);
        Map<String, List<Acl>> copy = new java.util.LinkedHashMap<>();
        acls.forEach((acl, lines) -> copy.put(acl, List.copyOf(lines)));
        acls = java.util.Collections.unmodifiableMap(copy);
        httpRequestRules = List.copyOf(httpRequestRules);
        httpResponseRules = List.copyOf(httpResponseRules);
        httpAfterResponseRules = List.copyOf(httpAfterResponseRules);
        stickRules = List.copyOf(stickRules);
        serverTemplates = List.copyOf(serverTemplates);
    }

    /** The server called {@code name}, or null. */
    public @Nullable ServerConfig server(String name) {
        for (ServerConfig server : servers) {
            if (server.name().equals(name)) {
                return server;
            }
        }
        return null;
    }

    /** Whether {@code name} is one of the names a server template of this backend fills. */
    boolean isTemplateSlot(String name) {
        for (ServerTemplate template : serverTemplates) {
            if (template.named() && name.equals(template.prefix())) {
                return true;
            }
            if (!template.named() && name.startsWith(template.prefix()) && server(name) == null) {
                String number = name.substring(template.prefix().length());
                if (!number.isEmpty() && number.chars().allMatch(Character::isDigit) && number.length() < 6) {
                    int index = Integer.parseInt(number);
                    if (index >= 1 && index <= template.count()) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Builds a {@link BackendConfig}; not thread-safe. Values are checked when set, references at build. */
    public static final class Builder extends SettingsBuilder<Builder> {
        private final String name;
        private final Map<String, ServerConfig.Builder> servers = new java.util.LinkedHashMap<>();
        private ServerConfig.@Nullable Builder defaultServer;
        private @Nullable Cookie cookie;
        private @Nullable StickTable stickTable;
        private final List<StickRule> stickRules = new ArrayList<>();
        private final List<ServerTemplate> serverTemplates = new ArrayList<>();
        private boolean allBackups;
        private final Map<String, List<Acl>> acls = new java.util.LinkedHashMap<>();
        private final List<HttpRequestRule> httpRequestRules = new ArrayList<>();
        private final ResponseRuleLists responseRules;

        Builder(String kind, String name, Settings defaults) {
            super(kind + " '" + name + "'", defaults);
            this.name = name;
            this.responseRules = new ResponseRuleLists(context);
        }

        /** Adds a server with the default settings, at {@code address} ({@code host:port}). */
        public Builder server(String name, String address) {
            return server(name, address, s -> {});
        }

        /** Adds a server at {@code address} ({@code host:port}), configured by {@code spec}. */
        public Builder server(String name, String address, Consumer<ServerConfig.Builder> spec) {
            Require.name(context, "server", name);
            if (servers.containsKey(name)) {
                throw new ConfigException(context + ": server '" + name + "' is defined twice");
            }
            ServerConfig.Builder server = new ServerConfig.Builder(context, name, address);
            if (defaultServer != null) {
                server.copyDefaults(defaultServer);
            }
            spec.accept(server);
            servers.put(name, server);
            return this;
        }

        /**
         * Adds up to {@code count} servers named {@code prefix1} to {@code prefixN} whose addresses the resolvers
         * section {@code resolvers} finds for {@code fqdn} at run time ({@code server-template}): SRV records when it
         * starts with {@code _}, else A records, each at the port {@code fqdn} ends with ({@code name:port}).
         * {@code spec} sets what the servers share (checks, maxconn, ...), after {@code default-server}.
         *
         * @throws ConfigException for a bad count, name or port; an unknown resolvers section fails at build
         */
        public Builder serverTemplate(
                String prefix, int count, String fqdn, String resolvers, Consumer<ServerConfig.Builder> spec) {
            return serverTemplate(prefix, count, fqdn, resolvers, false, spec);
        }

        /**
         * {@link #serverTemplate(String, int, String, String, Consumer)}, taking AAAA records rather than A when
         * {@code preferIpv6} ({@code resolve-prefer ipv6}).
         */
        public Builder serverTemplate(
                String prefix,
                int count,
                String fqdn,
                String resolvers,
                boolean preferIpv6,
                Consumer<ServerConfig.Builder> spec) {
            return template(prefix, count, fqdn, resolvers, preferIpv6, spec, false, List.of());
        }

        /**
         * Adds server {@code name} whose address DNS gives for {@code fqdn} ({@code host:port}, or an SRV name) and
         * keeps up to date at run time ({@code server NAME HOST:PORT resolvers R}): it joins once the name resolves
         * (after its checks, when checked), moves when the address changes, leaves while the name does not resolve
         * beyond the resolvers' holds. It starts without an address ({@code init-addr none}).
         */
        public Builder resolvedServer(
                String name, String fqdn, String resolvers, boolean preferIpv6, Consumer<ServerConfig.Builder> spec) {
            return resolvedServer(name, fqdn, resolvers, preferIpv6, "none", spec);
        }

        /**
         * {@link #resolvedServer(String, String, String, boolean, Consumer)} with an address from the start, as
         * {@code initAddr} says ({@code init-addr}: {@code "libc"}, {@code "last,libc,none"}, {@code "10.0.0.5"}; see
         * {@link ServerTemplate#initAddr()}).
         */
        public Builder resolvedServer(
                String name,
                String fqdn,
                String resolvers,
                boolean preferIpv6,
                String initAddr,
                Consumer<ServerConfig.Builder> spec) {
            if (servers.containsKey(name)) {
                throw new ConfigException(context + ": server '" + name + "' is defined twice");
            }
            List<String> methods = ServerTemplate.initAddr(context + ": server '" + name + "'", initAddr);
            return template(name, 1, fqdn, resolvers, preferIpv6, spec, true, methods);
        }

        private Builder template(
                String prefix,
                int count,
                String fqdn,
                String resolvers,
                boolean preferIpv6,
                Consumer<ServerConfig.Builder> spec,
                boolean named,
                List<String> initAddr) {
            Require.name(context, named ? "server" : "server-template", prefix);
            String what = context + (named ? ": server '" : ": server-template '") + prefix + "'";
            Require.range(what, "count", count, 1, 1024);
            int colon = fqdn.lastIndexOf(':');
            String name = colon < 0 ? fqdn : fqdn.substring(0, colon);
            int port = 0;
            if (colon >= 0) {
                try {
                    port = Integer.parseInt(fqdn.substring(colon + 1));
                } catch (NumberFormatException e) {
                    port = -1;
                }
                if (port < 1 || port > 65535) {
                    throw new ConfigException(what + ": port '" + fqdn.substring(colon + 1)
                            + "' (expected: 1-65535, or no port for SRV records)");
                }
            }
            if (name.isEmpty() || (!name.startsWith("_") && port == 0)) {
                throw new ConfigException(what + ": '" + fqdn + "' (expected: _service._proto.name for SRV records, "
                        + "or name:port for A records)");
            }
            ServerConfig.Builder server =
                    new ServerConfig.Builder(context, prefix + "1", "0.0.0.0:" + Math.max(port, 1));
            if (defaultServer != null) {
                server.copyDefaults(defaultServer);
            }
            spec.accept(server);
            serverTemplates.add(new ServerTemplate(
                    prefix, count, name, port, resolvers, preferIpv6, server.build(), named, initAddr));
            return this;
        }

        /**
         * Changes a server added before, e.g. to move an imported server onto a test address.
         *
         * @throws ConfigException when there is no such server, naming those there are
         */
        public Builder editServer(String name, Consumer<ServerConfig.Builder> spec) {
            ServerConfig.Builder server = servers.get(name);
            if (server == null) {
                throw new ConfigException(context + ": server '" + name + "' is not defined (defined: "
                        + List.copyOf(servers.keySet()) + ")");
            }
            spec.accept(server);
            return this;
        }

        /** Settings that servers added after this call start from ({@code default-server}); address is ignored. */
        public Builder defaultServer(Consumer<ServerConfig.Builder> spec) {
            if (defaultServer == null) {
                defaultServer = new ServerConfig.Builder(context, "default-server", "0.0.0.0:1");
            }
            spec.accept(defaultServer);
            return this;
        }

        /** Cookie persistence ({@code cookie}). */
        public Builder cookie(Cookie cookie) {
            this.cookie = Objects.requireNonNull(cookie, "cookie");
            return this;
        }

        /**
         * The backend's stick table ({@code stick-table}), for its {@code stick} rules or for other sections'
         * {@code track-sc ... table NAME}: {@code b.stickTable(StickTable.ip(200_000).expire(Duration.ofMinutes(30)))
         * .stick(StickRule.on("src"))} keeps each client on its server.
         */
        public Builder stickTable(StickTable stickTable) {
            this.stickTable = Objects.requireNonNull(stickTable, "stickTable");
            return this;
        }

        /** Adds a {@code stick match|on|store-request} rule, applied after those added before it. */
        public Builder stick(StickRule rule) {
            stickRules.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        /** Balance over every backup server when no active one is usable ({@code option allbackups}). */
        public Builder allBackups() {
            this.allBackups = true;
            return this;
        }

        /** Adds {@code acl} under {@code name}, for the backend's rules; several under one name match when any does. */
        public Builder acl(String name, Acl acl) {
            Require.name(context, "acl", name);
            acls.computeIfAbsent(name, n -> new ArrayList<>()).add(Objects.requireNonNull(acl, "acl"));
            return this;
        }

        /** Adds an ACL written as in HAProxy after the name, e.g. {@code "status 500:599"}. */
        public Builder acl(String name, String criterion) {
            Require.name(context, "acl", name);
            try {
                return acl(name, Acl.parse(criterion));
            } catch (ConfigException e) {
                throw new ConfigException(context + ": acl '" + name + "': " + e.getMessage());
            }
        }

        /**
         * Adds an {@code http-request} rule, evaluated once a request is routed to this backend, after the frontend's
         * rules and those added before it: header edits, {@code deny}, {@code redirect}, {@code return},
         * {@code allow} (not yet {@code track-sc*}, {@code sc-inc-gpc*}, {@code set-log-level} or {@code use-service},
         * which a frontend has). Needs mode http.
         *
         * @throws ConfigException for the actions a backend does not have
         */
        public Builder httpRequest(HttpRequestRule rule) {
            Objects.requireNonNull(rule, "rule");
            String frontendOnly = RequestRuleSet.frontendOnly(rule);
            if (frontendOnly != null) {
                throw new ConfigException(context + ": http-request " + frontendOnly
                        + " is not supported in a backend yet (expected in a frontend or listen section)");
            }
            httpRequestRules.add(rule);
            return this;
        }

        /** Adds an {@code http-response} rule, evaluated after those added before it and before the frontend's. */
        public Builder httpResponse(HttpResponseRule rule) {
            responseRules.httpResponse(rule);
            return this;
        }

        /**
         * Adds an {@code http-after-response} rule (only {@code allow} and the edits), evaluated before the
         * frontend's, on every response of a request routed to this backend, the proxy's own included.
         *
         * @throws ConfigException when the rule's action is not allowed there
         */
        public Builder httpAfterResponse(HttpResponseRule rule) {
            responseRules.httpAfterResponse(rule);
            return this;
        }

        BackendConfig build() {
            rejectKeywordsOf(false);
            return buildWith(settings());
        }

        BackendConfig buildWith(Settings settings) {
            List<ServerConfig> built = new ArrayList<>(servers.size());
            Map<String, String> serverByCookie = new HashMap<>();
            for (ServerConfig.Builder builder : servers.values()) {
                ServerConfig server = builder.build();
                if (server.cookie() != null) {
                    String other = serverByCookie.putIfAbsent(server.cookie(), server.name());
                    if (other != null) {
                        throw new ConfigException(context + ": server '" + server.name() + "': cookie '"
                                + server.cookie() + "' is already used by server '" + other + "'");
                    }
                }
                built.add(server);
            }
            for (ServerTemplate template : serverTemplates) {
                for (int i = 1; i <= template.count(); i++) {
                    if (servers.containsKey(template.serverName(i))) {
                        throw new ConfigException(context + ": server-template '" + template.prefix() + "': server '"
                                + template.serverName(i) + "' is also a declared server (expected: another name)");
                    }
                }
            }
            if (cookie != null && settings.mode() != Mode.HTTP) {
                throw new ConfigException(context + ": cookie '" + cookie.name() + "' needs mode http (mode is tcp)");
            }
            for (StickRule rule : stickRules) {
                if (rule.condition() != null) {
                    ConditionParser.compile(
                            rule.condition(),
                            Map.of(),
                            context + ": stick " + rule.kind().keyword());
                }
            }
            if (!httpRequestRules.isEmpty() && settings.mode() != Mode.HTTP) {
                throw new ConfigException(context + ": http-request rules need mode http (mode is tcp)");
            }
            if (!responseRules.isEmpty() && settings.mode() != Mode.HTTP) {
                throw new ConfigException(
                        context + ": http-response and http-after-response rules need mode http " + "(mode is tcp)");
            }
            BackendConfig config = new BackendConfig(
                    name,
                    settings,
                    cookie,
                    stickTable,
                    built,
                    allBackups || settings.allBackups(),
                    acls,
                    httpRequestRules,
                    responseRules.httpResponseRules(),
                    responseRules.httpAfterResponseRules(),
                    stickRules,
                    serverTemplates);
            RequestRuleSet.of(httpRequestRules, acls, context); // every ACL named is defined
            new ResponseRules(config.httpResponseRules(), config.acls(), context);
            new ResponseRules(config.httpAfterResponseRules(), config.acls(), context);
            return config;
        }
    }
}
