package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * A whole proxy configuration, the counterpart of a haproxy.cfg: global settings, defaults, frontends, backends and
 * listen sections. An immutable value: two configurations with the same values are equal, however they were made
 * (in code or imported). {@link #builder()} makes one; {@link Router#of(ProxyConfig)} runs it in-process.
 *
 * <p>As in HAProxy, a {@code defaults} call applies to the sections declared after it, and each section may override
 * any of its settings.
 *
 * <pre>{@code
 * ProxyConfig config = ProxyConfig.builder()
 *     .global(g -> g.maxConn(4000))
 *     .defaults(d -> d.mode(Mode.HTTP).retries(3).redispatch(true).timeoutConnect(Duration.ofSeconds(10)))
 *     .frontend("main", f -> f.bind("*:80")
 *         .acl("url_static", Acl.pathBeg("/static", "/images").ignoreCase())
 *         .useBackend("static", "url_static")
 *         .defaultBackend("app"))
 *     .backend("static", b -> b.server("cdn1", "10.0.0.21:80"))
 *     .backend("app", b -> b.cookie(Cookie.insert("SERVERID").indirect().noCache())
 *         .server("web1", "10.0.0.11:80", s -> s.check().cookie("s1"))
 *         .server("web2", "10.0.0.12:80", s -> s.check().cookie("s2")))
 *     .build();
 * }</pre>
 *
 * @param global the {@code global} section
 * @param defaults the last {@code defaults} section (each section keeps the defaults in force when it was declared)
 * @param frontends frontends by name, including the frontend side of listen sections, in declaration order
 * @param backends backends by name, including the backend side of listen sections, in declaration order
 * @param listens the names of the listen sections
 * @param resolvers the {@code resolvers} sections by name, for {@link ServerTemplate server templates}
 * @param peers the {@code peers} sections by name, which stick tables share their entries with
 * @param userLists the {@code userlist} sections by name, which {@code http_auth} ACLs check credentials against
 */
public record ProxyConfig(
        GlobalConfig global,
        Settings defaults,
        Map<String, FrontendConfig> frontends,
        Map<String, BackendConfig> backends,
        Set<String> listens,
        Map<String, ResolversConfig> resolvers,
        Map<String, PeersConfig> peers,
        Map<String, UserList> userLists) {

    public ProxyConfig {
        Objects.requireNonNull(global, "global");
        Objects.requireNonNull(defaults, "defaults");
        frontends = Collections.unmodifiableMap(new LinkedHashMap<>(frontends));
        backends = Collections.unmodifiableMap(new LinkedHashMap<>(backends));
        listens = Collections.unmodifiableSet(new LinkedHashSet<>(listens));
        resolvers = Collections.unmodifiableMap(new LinkedHashMap<>(resolvers));
        peers = Collections.unmodifiableMap(new LinkedHashMap<>(peers));
        userLists = Collections.unmodifiableMap(new LinkedHashMap<>(userLists));
    }

    /** The configuration without {@code userlist} sections, as before they existed. */
    public ProxyConfig(
            GlobalConfig global,
            Settings defaults,
            Map<String, FrontendConfig> frontends,
            Map<String, BackendConfig> backends,
            Set<String> listens,
            Map<String, ResolversConfig> resolvers,
            Map<String, PeersConfig> peers) {
        this(global, defaults, frontends, backends, listens, resolvers, peers, Map.of());
    }

    /** The configuration without {@code peers} sections, as before they existed. */
    public ProxyConfig(
            GlobalConfig global,
            Settings defaults,
            Map<String, FrontendConfig> frontends,
            Map<String, BackendConfig> backends,
            Set<String> listens,
            Map<String, ResolversConfig> resolvers) {
        this(global, defaults, frontends, backends, listens, resolvers, Map.of(), Map.of());
    }

    /** The configuration without {@code resolvers} sections, as before they existed. */
    public ProxyConfig(
            GlobalConfig global,
            Settings defaults,
            Map<String, FrontendConfig> frontends,
            Map<String, BackendConfig> backends,
            Set<String> listens) {
        this(global, defaults, frontends, backends, listens, Map.of(), Map.of(), Map.of());
    }

    /** A builder with HAProxy's built-in defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The frontend called {@code name}.
     *
     * @throws IllegalArgumentException naming the frontends there are, when there is no such frontend
     */
    public FrontendConfig frontend(String name) {
        FrontendConfig frontend = frontends.get(name);
        if (frontend == null) {
            throw new IllegalArgumentException(
                    "frontend '" + name + "' is not defined (defined: " + List.copyOf(frontends.keySet()) + ")");
        }
        return frontend;
    }

    /**
     * The backend called {@code name}.
     *
     * @throws IllegalArgumentException naming the backends there are, when there is no such backend
     */
    public BackendConfig backend(String name) {
        BackendConfig backend = backends.get(name);
        if (backend == null) {
            throw new IllegalArgumentException(
                    "backend '" + name + "' is not defined (defined: " + List.copyOf(backends.keySet()) + ")");
        }
        return backend;
    }

    /**
     * The request headers (lower-case names) that the routing of {@code frontend} reads or writes: those its ACLs
     * fetch ({@code hdr}, {@code hdr_cnt}, {@code hdr_val}; {@code Cookie} for {@code req.cook}), those its
     * {@code http-request set-header|add-header|del-header} rules name, those its {@code track-sc} keys fetch, and,
     * over the backends it may use, the {@code option forwardfor} header, {@code balance hdr(NAME)}, {@code Cookie}
     * for cookie persistence and those {@code stick} rules fetch. A
     * transport uses it to refuse look-alikes of these headers ({@link UnderscoreHeaders}).
     *
     * @throws IllegalArgumentException when there is no such frontend
     */
    public Set<String> routingHeaders(String frontend) {
        return RoutingHeaders.of(this, frontend(frontend));
    }

    /** Builds a {@link ProxyConfig}; not thread-safe. */
    public static final class Builder {
        private final GlobalConfig.Builder global = new GlobalConfig.Builder();
        private Settings defaults = Settings.DEFAULT;
        /** Frontend, backend and listen builders in declaration order, by kind and name. */
        private final Map<String, FrontendConfig.Builder> frontends = new LinkedHashMap<>();

        private final Map<String, BackendConfig.Builder> backends = new LinkedHashMap<>();
        private final Map<String, ListenBuilder> listens = new LinkedHashMap<>();
        private final List<String> order = new ArrayList<>();
        private final Map<String, ResolversConfig> resolvers = new LinkedHashMap<>();
        private final Map<String, PeersConfig> peers = new LinkedHashMap<>();
        private final Map<String, UserList> userLists = new LinkedHashMap<>();

        Builder() {}

        /**
         * Adds a {@code userlist} section, which {@code http_auth(NAME)} ACLs check credentials against.
         *
         * @throws ConfigException when the name is taken
         */
        public Builder userList(UserList list) {
            requireNew("userlist", list.name(), userLists.containsKey(list.name()));
            userLists.put(list.name(), list);
            return this;
        }

        /**
         * Adds a {@code peers} section: the processes that share the stick tables declaring {@code peers NAME}.
         *
         * @throws ConfigException when the name is taken, a peer is invalid or the local peer is not one of them
         */
        public Builder peers(String name, Consumer<PeersConfig.Builder> spec) {
            requireNew("peers", name, peers.containsKey(name));
            PeersConfig.Builder builder = new PeersConfig.Builder(name);
            spec.accept(builder);
            peers.put(name, builder.build());
            return this;
        }

        /**
         * Adds a {@code resolvers} section: the DNS servers that {@code server-template}s are resolved with.
         *
         * @throws ConfigException when the name is taken, or the section has no name server
         */
        public Builder resolvers(String name, Consumer<ResolversConfig.Builder> spec) {
            requireNew("resolvers", name, resolvers.containsKey(name));
            ResolversConfig.Builder builder = new ResolversConfig.Builder(name);
            spec.accept(builder);
            resolvers.put(name, builder.build());
            return this;
        }

        /** Configures the {@code global} section. */
        public Builder global(Consumer<GlobalConfig.Builder> spec) {
            spec.accept(global);
            return this;
        }

        /**
         * A {@code defaults} section for the sections declared after this call: it starts from HAProxy's built-in
         * defaults, not from an earlier defaults section (as in HAProxy).
         */
        public Builder defaults(Consumer<Settings.Builder> spec) {
            Settings.Builder builder = new Settings.Builder();
            spec.accept(builder);
            defaults = builder.settings();
            return this;
        }

        /** Adds a frontend configured by {@code spec}. */
        public Builder frontend(String name, Consumer<FrontendConfig.Builder> spec) {
            requireNew("frontend", name, frontends.containsKey(name) || listens.containsKey(name));
            FrontendConfig.Builder builder = new FrontendConfig.Builder("frontend", name, defaults);
            spec.accept(builder);
            frontends.put(name, builder);
            order.add("f" + name);
            return this;
        }

        /** Adds a backend configured by {@code spec}. */
        public Builder backend(String name, Consumer<BackendConfig.Builder> spec) {
            requireNew("backend", name, backends.containsKey(name) || listens.containsKey(name));
            BackendConfig.Builder builder = new BackendConfig.Builder("backend", name, defaults);
            spec.accept(builder);
            backends.put(name, builder);
            order.add("b" + name);
            return this;
        }

        /** Adds a listen section (a frontend and a backend of the same name) configured by {@code spec}. */
        public Builder listen(String name, Consumer<ListenBuilder> spec) {
            requireNew(
                    "listen",
                    name,
                    frontends.containsKey(name) || backends.containsKey(name) || listens.containsKey(name));
            ListenBuilder builder = new ListenBuilder(name, defaults);
            spec.accept(builder);
            listens.put(name, builder);
            order.add("l" + name);
            return this;
        }

        /** Changes a frontend added before (binds, rules, settings). */
        public Builder editFrontend(String name, Consumer<FrontendConfig.Builder> spec) {
            spec.accept(existing(frontends, "frontend", name));
            return this;
        }

        /** Changes a backend added before (servers, addresses, settings). */
        public Builder editBackend(String name, Consumer<BackendConfig.Builder> spec) {
            spec.accept(existing(backends, "backend", name));
            return this;
        }

        /** Changes a listen section added before. */
        public Builder editListen(String name, Consumer<ListenBuilder> spec) {
            spec.accept(existing(listens, "listen", name));
            return this;
        }

        /**
         * Builds the configuration, checking every cross-reference: backends named by frontends exist and have the
         * frontend's mode, ACLs named by conditions exist, stick tables named by rules and fetches are declared.
         *
         * @throws ConfigException naming the section, the reference and what is defined
         */
        public ProxyConfig build() {
            Map<String, FrontendConfig> builtFrontends = new LinkedHashMap<>();
            Map<String, BackendConfig> builtBackends = new LinkedHashMap<>();
            for (String entry : order) {
                String name = entry.substring(1);
                switch (entry.charAt(0)) {
                    case 'f' ->
                        builtFrontends.put(
                                name,
                                Objects.requireNonNull(frontends.get(name), name)
                                        .build());
                    case 'b' ->
                        builtBackends.put(
                                name,
                                Objects.requireNonNull(backends.get(name), name).build());
                    default -> {
                        ListenBuilder listen = Objects.requireNonNull(listens.get(name), name);
                        builtFrontends.put(name, listen.buildFrontend(name));
                        builtBackends.put(name, listen.buildBackend());
                    }
                }
            }
            for (FrontendConfig frontend : builtFrontends.values()) {
                String kind = listens.containsKey(frontend.name()) ? "listen" : "frontend";
                String context = kind + " '" + frontend.name() + "'";
                for (String backend : frontend.backendNames()) { // a dynamic use_backend names none
                    if (!backend.equals(frontend.defaultBackend())) {
                        requireBackend(context, "use_backend", backend, frontend, builtBackends);
                    }
                }
                if (frontend.defaultBackend() != null) {
                    requireBackend(context, "default backend", frontend.defaultBackend(), frontend, builtBackends);
                }
                for (Acl acl : CompiledFrontend.acls(frontend, AclFetch.HTTP_AUTH)) {
                    requireUserList(context, "http_auth", acl.argument());
                }
                for (Acl acl : CompiledFrontend.acls(frontend, AclFetch.HTTP_AUTH_GROUP)) {
                    requireUserList(context, "http_auth_group", acl.argument());
                }
                for (Acl acl : CompiledFrontend.nbsrvAcls(frontend)) {
                    String named = Objects.requireNonNull(acl.argument(), "argument");
                    if (!builtBackends.containsKey(named)) {
                        throw new ConfigException(context + ": nbsrv(" + named + "): backend '" + named
                                + "' is not defined (defined: " + List.copyOf(builtBackends.keySet()) + ")");
                    }
                }
            }
            for (BackendConfig backend : builtBackends.values()) {
                for (Acl acl : CompiledFrontend.acls(backend)) {
                    if (CompiledFrontend.readsCredentials(acl)) {
                        requireUserList("backend '" + backend.name() + "'", acl.fetch().keyword, acl.argument());
                    }
                }
            }
            StickChecks.check(builtFrontends, builtBackends);
            StickChecks.checkPeers(builtFrontends, builtBackends, peers);
            for (BackendConfig backend : builtBackends.values()) {
                for (ServerTemplate template : backend.serverTemplates()) {
                    if (!resolvers.containsKey(template.resolvers())) {
                        throw new ConfigException("backend '" + backend.name() + "': server-template '"
                                + template.prefix() + "': resolvers '" + template.resolvers()
                                + "' is not defined (defined: " + List.copyOf(resolvers.keySet()) + ")");
                    }
                }
            }
            return new ProxyConfig(
                    global.build(),
                    defaults,
                    builtFrontends,
                    builtBackends,
                    listens.keySet(),
                    resolvers,
                    peers,
                    userLists);
        }

        private void requireUserList(String context, String fetch, @Nullable String list) {
            if (!userLists.containsKey(list)) {
                throw new ConfigException(context + ": " + fetch + "(" + list + "): userlist '" + list
                        + "' is not defined (defined: " + List.copyOf(userLists.keySet()) + ")");
            }
        }

        private static void requireBackend(
                String context,
                String what,
                String name,
                FrontendConfig frontend,
                Map<String, BackendConfig> backends) {
            BackendConfig backend = backends.get(name);
            if (backend == null) {
                throw new ConfigException(context + ": " + what + " '" + name + "' is not defined (defined: "
                        + List.copyOf(backends.keySet()) + ")");
            }
            Mode mode = frontend.settings().mode();
            if (backend.settings().mode() != mode) {
                String lower = mode.name().toLowerCase(java.util.Locale.ROOT);
                throw new ConfigException(context + ": " + what + " '" + name + "' has mode "
                        + backend.settings().mode().name().toLowerCase(java.util.Locale.ROOT)
                        + " (expected: " + lower + ", as the frontend)");
            }
        }

        private static void requireNew(String kind, String name, boolean exists) {
            Require.name("", kind, name);
            if (exists) {
                throw new ConfigException(kind + " '" + name + "' is defined twice");
            }
        }

        private static <T> T existing(Map<String, T> builders, String kind, String name) {
            T builder = builders.get(name);
            if (builder == null) {
                throw new ConfigException(
                        kind + " '" + name + "' is not defined (defined: " + List.copyOf(builders.keySet()) + ")");
            }
            return builder;
        }

        @Override
        public String toString() {
            return "ProxyConfig.Builder" + order;
        }
    }
}
