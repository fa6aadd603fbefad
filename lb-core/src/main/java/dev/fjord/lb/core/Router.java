package dev.fjord.lb.core;

import java.net.InetAddress;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Routes requests through a {@link ProxyConfig} in-process, as HAProxy would: {@code http-request} rules in order,
 * the statistics page, {@code use_backend} / {@code default_backend}, then cookie or stick-table persistence, then
 * the balancing algorithm, then {@code X-Forwarded-For} and the cookie to insert. No sockets and no threads: the same
 * router is what lb-netty runs and what users unit-test.
 *
 * <pre>{@code
 * Router router = Router.of(config);
 * RouteDecision.Forward first = router.route(RequestHead.get("/")).asForward();
 * assertThat(first.setCookie()).isEqualTo("SERVERID=s1; path=/");
 * router.backend("app").requireServer("web2").markDown();
 * }</pre>
 *
 * <p>The router owns the run-time state of every backend and server ({@link #backend(String)}): health, admin
 * state, weight, connection counts, stick tables. Thread-safe: routing never locks, and a state change takes effect
 * for the next decision.
 */
public final class Router {
    private final ProxyConfig config;
    private final InstantSource clock;
    private final Map<String, LiveBackend> backends;
    private final Map<String, CompiledFrontend> frontends;
    private final Map<String, Counters> frontendCounters = new LinkedHashMap<>();
    /** Hear the run-time model's server events; see {@link #listen}. */
    private final List<ServerEventListener> listeners = new CopyOnWriteArrayList<>();

    private Router(Builder builder) {
        this.config = builder.config;
        this.clock = builder.clock;
        Map<String, LiveBackend> live = new LinkedHashMap<>();
        for (BackendConfig backend : config.backends().values()) {
            live.put(
                    backend.name(),
                    new LiveBackend(
                            backend,
                            builder.random,
                            builder.ticker,
                            event -> listeners.forEach(listener -> listener.onEvent(event))));
        }
        this.backends = java.util.Collections.unmodifiableMap(live);
        Map<String, CompiledFrontend> compiled = new LinkedHashMap<>();
        for (FrontendConfig frontend : config.frontends().values()) {
            compiled.put(frontend.name(), new CompiledFrontend(frontend, live));
            frontendCounters.put(frontend.name(), new Counters());
        }
        this.frontends = compiled;
    }

    /** A router over {@code config} with the system ticker and clock. */
    public static Router of(ProxyConfig config) {
        return builder(config).build();
    }

    /** A builder, to inject the ticker, clock and random source (for tests in virtual time). */
    public static Builder builder(ProxyConfig config) {
        return new Builder(config);
    }

    /** The configuration this router runs. */
    public ProxyConfig config() {
        return config;
    }

    /**
     * Routes {@code request} through the frontend bound to its {@linkplain RequestHead#localPort() local port}, or
     * through the only frontend when there is one.
     *
     * @throws IllegalArgumentException when no frontend, or more than one, binds that port
     */
    public RouteDecision route(RequestHead request) {
        if (frontends.size() == 1) {
            return route(frontends.values().iterator().next(), request);
        }
        CompiledFrontend found = null;
        for (CompiledFrontend frontend : frontends.values()) {
            for (Address bind : frontend.config().binds()) {
                if (bind.port() == request.localPort()) {
                    if (found != null && found != frontend) {
                        throw new IllegalArgumentException("port " + request.localPort() + " is bound by frontends '"
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
            throw new IllegalArgumentException("no frontend binds port " + request.localPort() + " (binds: " + binds
                    + "): route through one by name, router.frontend(\"" + first + "\").route(request), or give the "
                    + "request a bound port, RequestHead.builder().localPort(PORT)");
        }
        return route(found, request);
    }

    /**
     * The frontend called {@code name}, to route requests through it whatever port they name.
     *
     * @throws IllegalArgumentException when there is no such frontend
     */
    public FrontendRouter frontend(String name) {
        if (!frontends.containsKey(name)) {
            throw new IllegalArgumentException(
                    "frontend '" + name + "' is not defined (defined: " + List.copyOf(frontends.keySet()) + ")");
        }
        return new FrontendRouter(this, name);
    }

    /**
     * Routes {@code request} through the frontend called {@code frontend}.
     *
     * @throws IllegalArgumentException when there is no such frontend
     */
    public RouteDecision route(String frontend, RequestHead request) {
        CompiledFrontend compiled = frontends.get(frontend);
        if (compiled == null) {
            throw new IllegalArgumentException(
                    "frontend '" + frontend + "' is not defined (defined: " + List.copyOf(frontends.keySet()) + ")");
        }
        return route(compiled, request);
    }

    /**
     * A new decision for a request whose server failed ({@code option redispatch}): another server of the same
     * backend, never the failed one, with the cookie re-pinned; a 503 when no other server is usable.
     *
     * @throws IllegalArgumentException when {@code decision} was not made by this router
     */
    public RouteDecision redispatch(RouteDecision.Forward decision) {
        LiveBackend backend = backends.get(decision.backend().name());
        if (backend != decision.backend()) {
            throw new IllegalArgumentException(
                    "backend '" + decision.backend().name() + "' is not this router's: " + decision);
        }
        Server other = backend.pick(decision.forwardedRequest(), decision.server());
        if (other == null || other == decision.server()) {
            return new RouteDecision.Respond(
                    decision.frontend(),
                    decision.request(),
                    decision.forwardedRequest(),
                    backend,
                    LocalResponse.error(503),
                    decision.cookieStatus());
        }
        CookiePersistence persistence = backend.cookiePersistence();
        String cookie = persistence == null
                ? null
                : persistence.setCookie(
                        decision.request(),
                        other,
                        new CookiePersistence.Reading(CookieStatus.DOWN, null, null, -1),
                        nowSeconds());
        if (backend.config().stickTable() != null) {
            backend.stick(decision.request().clientAddress(), other);
        }
        return new RouteDecision.Forward(
                decision.frontend(),
                decision.request(),
                decision.routedRequest(),
                backend,
                other,
                decision.requestEdits(),
                cookie,
                decision.cookieStatus());
    }

    /**
     * The running backend called {@code name}, to read or change its servers' state.
     *
     * @throws IllegalArgumentException when there is no such backend
     */
    public Backend backend(String name) {
        LiveBackend backend = backends.get(name);
        if (backend == null) {
            throw new IllegalArgumentException(
                    "backend '" + name + "' is not defined (defined: " + List.copyOf(backends.keySet()) + ")");
        }
        return backend;
    }

    /**
     * The traffic counters of frontend {@code name}.
     *
     * @throws IllegalArgumentException when there is no such frontend
     */
    public Counters frontendCounters(String name) {
        Counters counters = frontendCounters.get(name);
        if (counters == null) {
            throw new IllegalArgumentException(
                    "frontend '" + name + "' is not defined (defined: " + List.copyOf(frontendCounters.keySet()) + ")");
        }
        return counters;
    }

    /** Every running backend, in declaration order. */
    public List<Backend> backends() {
        return List.copyOf(backends.values());
    }

    /** Every running backend, as the run-time model has them. */
    Collection<LiveBackend> liveBackends() {
        return backends.values();
    }

    /**
     * Makes {@code listener} hear the events of the servers' lifecycle, which the run-time model makes: servers
     * added and removed, and operators' admin state changes.
     */
    void listen(ServerEventListener listener) {
        listeners.add(listener);
    }

    private RouteDecision route(CompiledFrontend frontend, RequestHead request) {
        RequestHead routed = request;
        List<HeaderEdit> edits = List.of();
        boolean http = frontend.config().settings().mode() == Mode.HTTP;
        for (int i = 0; i < frontend.rules.length; i++) {
            if (!frontend.ruleConditions.get(i).test(routed)) {
                continue;
            }
            HttpRequestRule rule = frontend.rules[i];
            if (rule instanceof HttpRequestRule.Allow) {
                break;
            }
            LocalResponse response = RuleResponses.responseFor(rule, routed);
            if (response != null) {
                return new RouteDecision.Respond(
                        frontend.config(), request, routed, null, response, CookieStatus.NOT_CHECKED);
            }
            HeaderEdit edit = RuleResponses.editFor(rule);
            if (edits.isEmpty()) {
                edits = new ArrayList<>(4);
            }
            edits.add(edit);
            routed = EditedRequestHead.of(request, edits);
        }
        StatsConfig stats = frontend.config().stats();
        if (stats != null && request.uri().startsWith(stats.uri())) {
            return stats(frontend, stats, request, routed);
        }
        LiveBackend backend = frontend.backendFor(routed);
        if (backend == null) {
            return new RouteDecision.Respond(
                    frontend.config(), request, routed, null, LocalResponse.error(503), CookieStatus.NOT_CHECKED);
        }
        return forward(frontend, backend, request, routed, edits, http);
    }

    private RouteDecision forward(
            CompiledFrontend frontend,
            LiveBackend backend,
            RequestHead request,
            RequestHead routed,
            List<HeaderEdit> ruleEdits,
            boolean http) {
        List<HeaderEdit> edits = ruleEdits;
        CookieStatus cookieStatus = CookieStatus.NOT_CHECKED;
        CookiePersistence persistence = http ? backend.cookiePersistence() : null;
        CookiePersistence.Reading reading = null;
        long now = 0;
        Server server = null;
        if (persistence != null) {
            now = nowSeconds();
            reading = persistence.read(routed, now);
            cookieStatus = reading.status();
            server = reading.server();
            if (reading.requestEdit() != null) {
                edits = append(edits, reading.requestEdit());
            }
        }
        InetAddress client = request.clientAddress();
        if (server == null) {
            server = backend.stuck(client);
        }
        if (server == null) {
            server = backend.pick(routed, null);
            if (server == null) {
                return new RouteDecision.Respond(
                        frontend.config(), request, routed, backend, LocalResponse.error(503), cookieStatus);
            }
            backend.stick(client, server);
        }
        if (http) {
            HeaderEdit forwardedFor = ForwardFor.edit(frontend, backend, routed);
            if (forwardedFor != null) {
                edits = append(edits, forwardedFor);
            }
        }
        String setCookie =
                persistence == null || reading == null ? null : persistence.setCookie(routed, server, reading, now);
        return new RouteDecision.Forward(
                frontend.config(), request, routed, backend, server, edits, setCookie, cookieStatus);
    }

    private static RouteDecision stats(
            CompiledFrontend frontend, StatsConfig stats, RequestHead request, RequestHead routed) {
        if (!stats.admits(request.header("Authorization"))) {
            LocalResponse challenge = new LocalResponse(
                    401,
                    List.of(
                            Map.entry("WWW-Authenticate", "Basic realm=\"" + stats.realm() + '"'),
                            Map.entry("Content-Type", "text/html"),
                            Map.entry("Cache-Control", "no-cache")),
                    LocalResponse.error(401).body());
            return new RouteDecision.Respond(
                    frontend.config(), request, routed, null, challenge, CookieStatus.NOT_CHECKED);
        }
        boolean admin = frontend.statsAdmin != null && frontend.statsAdmin.test(routed);
        return new RouteDecision.Stats(frontend.config(), request, routed, admin);
    }

    private long nowSeconds() {
        return clock.millis() / 1000;
    }

    private static List<HeaderEdit> append(List<HeaderEdit> edits, HeaderEdit edit) {
        List<HeaderEdit> more = edits instanceof ArrayList<HeaderEdit> list ? list : new ArrayList<>(edits);
        more.add(edit);
        return more;
    }

    @Override
    public String toString() {
        return "Router" + frontends.keySet() + " -> " + backends.values();
    }

    /** Builds a {@link Router}; not thread-safe. */
    public static final class Builder {
        private final ProxyConfig config;
        private Ticker ticker = Ticker.system();
        private InstantSource clock = InstantSource.system();
        private RandomGenerator random = () -> ThreadLocalRandom.current().nextLong();

        private Builder(ProxyConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /** The monotonic time source of stick-table expiry; default {@link Ticker#system()}. */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** The wall clock of cookie dates ({@code maxidle}, {@code maxlife}); default the system clock. */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The random source of {@code balance random}; default the calling thread's {@link ThreadLocalRandom}. It is
         * called from every routing thread: pass a seeded one (e.g. {@code new SplittableRandom(1)}) only to a router
         * used from one thread, as tests do.
         */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        public Router build() {
            return new Router(this);
        }
    }
}
