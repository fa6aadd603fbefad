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
    /** Makes each decision of a compiled frontend: rules, stats page, backend, persistence, balancing. */
    private final RouteDecisions decisions;

    private final Ticker ticker;
    private final RandomGenerator random;
    private final Responses responses = new Responses(this);
    /** The stick tables, kept across reconfigurations when their definition stays. */
    private final StickTables stickTables;
    /** What routing reads: replaced whole by {@link #reconfigure}, so a decision sees one configuration. */
    private volatile RouterState state;
    /** Hear the run-time model's server events; see {@link #listen}. */
    private final List<ServerEventListener> listeners = new CopyOnWriteArrayList<>();
    /** Told of servers joining and leaving any backend, present or added later; see {@link #observe}. */
    private final List<LiveBackend.Membership> memberships = new CopyOnWriteArrayList<>();
    /** Every backend this router made, kept or retired by a reconfiguration (a retry in flight may still use one). */
    private final java.util.Set<LiveBackend> made =
            java.util.Collections.synchronizedSet(java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>()));
    /** Told of each reconfiguration once applied; see {@link #onReconfigured}. */
    private final List<java.util.function.Consumer<Reconfiguration>> reconfigurationListeners =
            new CopyOnWriteArrayList<>();

    private Router(Builder builder) {
        this.decisions = new RouteDecisions(builder.clock);
        this.ticker = builder.ticker;
        this.random = builder.random;
        this.stickTables = new StickTables(builder.ticker);
        stickTables.apply(builder.config);
        Map<String, LiveBackend> live = new LinkedHashMap<>();
        for (BackendConfig backend : builder.config.backends().values()) {
            live.put(backend.name(), newBackend(backend));
        }
        this.state = RouterState.of(builder.config, live, Map.of());
    }

    /** A running backend of this router, whose events reach the router's listeners. */
    LiveBackend newBackend(BackendConfig backend) {
        LiveBackend live = new LiveBackend(
                backend, random, ticker, event -> listeners.forEach(listener -> listener.onEvent(event)), stickTables);
        memberships.forEach(live::observe);
        made.add(live);
        return live;
    }

    /** The state routing reads now. */
    RouterState state() {
        return state;
    }

    /** The stick tables, by name. */
    StickTables stickTables() {
        return stickTables;
    }

    /** The stick tables shared with the peers section {@code peers} now; a reconfiguration may replace them. */
    public List<SharedTable> sharedTables(String peers) {
        Objects.requireNonNull(peers, "peers");
        return stickTables.all().stream()
                .filter(table -> peers.equals(table.definition().peers()))
                .map(SharedTable::new)
                .toList();
    }

    /**
     * Runs {@code next} from now on, keeping what did not change: a backend or server of the same name keeps its
     * run-time state (health, admin state, counters, connections); a stick table of the same name and definition
     * keeps its entries (one whose definition changed starts empty); servers added join as
     * {@code addServer} adds them (after their checks when checked), servers removed leave as {@code removeServer}
     * removes them (requests in flight finish); frontends are compiled again, their counters kept. The next decision
     * sees the whole new configuration, never a mix. Thread-safe; reconfigurations are applied one at a time.
     *
     * @return what changed, for logs and for the transport (listeners to bind or close)
     */
    public synchronized Reconfiguration reconfigure(ProxyConfig next) {
        Objects.requireNonNull(next, "next");
        RouterState current = state;
        Reconfiguration.Builder changes = new Reconfiguration.Builder();
        Map<String, LiveBackend> live = new LinkedHashMap<>();
        List<Runnable> backendChanges = new ArrayList<>();
        for (BackendConfig backend : next.backends().values()) {
            LiveBackend existing = current.backends().get(backend.name());
            if (existing == null) {
                live.put(backend.name(), newBackend(backend));
                changes.backendAdded(backend.name());
            } else {
                live.put(backend.name(), existing);
                if (!existing.config().equals(backend)) {
                    backendChanges.add(() -> existing.reconfigure(backend, changes));
                    changes.backendChanged(backend.name());
                }
            }
        }
        for (LiveBackend old : current.backends().values()) {
            if (!live.containsKey(old.name())) {
                backendChanges.add(old::retire); // its servers leave: in MAINT, no new request
                changes.backendRemoved(old.name());
            }
        }
        for (FrontendConfig frontend : next.frontends().values()) {
            FrontendConfig before = current.config().frontends().get(frontend.name());
            if (before == null) {
                changes.frontendAdded(frontend.name());
            } else if (!before.equals(frontend)) {
                changes.frontendChanged(frontend.name());
            }
        }
        current.config().frontends().keySet().stream()
                .filter(name -> !next.frontends().containsKey(name))
                .forEach(changes::frontendRemoved);
        // servers join and leave a backend before the swap, so that the new frontends never route to a backend
        // whose servers are those of the old configuration; events follow
        stickTables.apply(next);
        backendChanges.forEach(Runnable::run);
        state = RouterState.of(next, live, current.frontendCounters());
        Reconfiguration applied = changes.build();
        reconfigurationListeners.forEach(listener -> listener.accept(applied));
        return applied;
    }

    /**
     * Makes {@code listener} hear of every reconfiguration, after it is applied, on the thread that applied it (the
     * Micrometer binding adds and removes frontend and backend meters this way). Thread-safe.
     */
    public void onReconfigured(java.util.function.Consumer<Reconfiguration> listener) {
        reconfigurationListeners.add(Objects.requireNonNull(listener, "listener"));
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
        return state.config();
    }

    /**
     * Routes {@code request} through the frontend bound to its {@linkplain RequestHead#localPort() local port}, or
     * through the only frontend when there is one.
     *
     * @throws IllegalArgumentException when no frontend, or more than one, binds that port
     */
    public RouteDecision route(RequestHead request) {
        return decisions.routeAlone(state.frontendFor(request.localPort()), request, stickTables);
    }

    /**
     * The frontend called {@code name}, to route requests through it whatever port they name.
     *
     * @throws IllegalArgumentException when there is no such frontend
     */
    public FrontendRouter frontend(String name) {
        compiled(name);
        return new FrontendRouter(this, name);
    }

    /**
     * Routes {@code request} through the frontend called {@code frontend}.
     *
     * @throws IllegalArgumentException when there is no such frontend
     */
    public RouteDecision route(String frontend, RequestHead request) {
        return decisions.routeAlone(compiled(frontend), request, stickTables);
    }

    /**
     * The level {@code decision}'s access-log line is sent at, as its frontend's {@code http-request
     * set-log-level} rules set it: a level name, {@code silent} for none, or null when no rule applied (HAProxy's
     * {@code info}, or {@code err} for an error with {@code option log-separate-errors}).
     */
    public @org.jspecify.annotations.Nullable String logLevel(RouteDecision decision) {
        CompiledFrontend compiled = state.frontends().get(decision.frontend().name());
        return compiled == null ? null : RouteDecisions.logLevel(compiled, decision.request());
    }

    /**
     * What the {@code tcp-request content} rules of frontend {@code frontend} say of the bytes {@code connection}
     * holds ({@link RequestHead#content()}): {@link ContentVerdict#WAIT} while a rule lacks data that may still come
     * (never once the content is {@linkplain RequestContent#complete() complete}). After {@link ContentVerdict#ACCEPT},
     * {@link #route(String, RequestHead)} the same head: {@code use_backend} sees the bytes held.
     * {@link ContentInspector} runs this for one connection, with the delay. Nothing is tracked: see
     * {@link #inspect(String, RequestHead, StickCounters)}.
     *
     * @throws IllegalArgumentException when there is no such frontend
     */
    public ContentVerdict inspect(String frontend, RequestHead connection) {
        return compiled(frontend).contentRules.inspect(connection, null);
    }

    /**
     * {@link #inspect(String, RequestHead)} for a connection whose sticky counters are {@code counters} (from
     * {@link #accept}): the {@code tcp-request content track-sc} rules track in them, until it closes.
     *
     * @throws IllegalArgumentException when there is no such frontend
     */
    public ContentVerdict inspect(String frontend, RequestHead connection, StickCounters counters) {
        return compiled(frontend).contentRules.inspect(connection, stickTables.isEmpty() ? null : counters);
    }

    /**
     * A new decision for a request whose server failed ({@code option redispatch}): another server of the same
     * backend, never the failed one, with the cookie re-pinned; a 503 when no other server is usable.
     *
     * @throws IllegalArgumentException when {@code decision} was not made by this router
     */
    public RouteDecision redispatch(RouteDecision.Forward decision) {
        if (!(decision.backend() instanceof LiveBackend backend) || !made.contains(backend)) {
            throw new IllegalArgumentException(
                    "backend '" + decision.backend().name() + "' is not this router's: " + decision);
        }
        return decisions.redispatch(decision, backend);
    }

    /** The {@code http-response} and {@code http-after-response} rules, to apply to responses. */
    public Responses responses() {
        return responses;
    }

    /**
     * The running backend called {@code name}, to read or change its servers' state.
     *
     * @throws IllegalArgumentException when there is no such backend
     */
    public Backend backend(String name) {
        return RouterState.require("backend", state.backends(), name);
    }

    /**
     * The traffic counters of frontend {@code name}.
     *
     * @throws IllegalArgumentException when there is no such frontend
     */
    public Counters frontendCounters(String name) {
        return RouterState.require("frontend", state.frontendCounters(), name);
    }

    /** Every running backend, in declaration order. */
    public List<Backend> backends() {
        return List.copyOf(state.backends().values());
    }

    /** Every running backend, as the run-time model has them. */
    Collection<LiveBackend> liveBackends() {
        return state.backends().values();
    }

    /**
     * Makes {@code listener} hear the events of the servers' lifecycle, which the run-time model makes: servers
     * added and removed, and operators' admin state changes.
     */
    void listen(ServerEventListener listener) {
        listeners.add(listener);
    }

    /** Makes {@code membership} hear servers join and leave every backend, now and after a reconfiguration. */
    void observe(LiveBackend.Membership membership) {
        memberships.add(membership);
        state.backends().values().forEach(backend -> backend.observe(membership));
    }

    /**
     * Routes {@code request} through frontend {@code frontend} with its connection's sticky counters (from
     * {@link #accept}), where its {@code track-sc} rules track it until {@link StickCounters#requestEnded()}.
     *
     * @throws IllegalArgumentException when there is no such frontend
     */
    public RouteDecision route(String frontend, RequestHead request, StickCounters counters) {
        return decisions.route(compiled(frontend), request, stickTables.isEmpty() ? null : counters);
    }

    /**
     * Whether connections to {@code frontend} need {@link #accept}: there are stick tables, or {@code tcp-request
     * connection|session} rules. If not, a transport may route them with shared {@link StickCounters#untracked()}.
     */
    public boolean tracksConnections(String frontend) {
        CompiledFrontend compiled = state.frontends().get(frontend);
        return !stickTables.isEmpty() || compiled == null || compiled.tracksConnections();
    }

    /**
     * A connection to frontend {@code frontend} was accepted from {@code client}: its {@code tcp-request connection}
     * rules run, before anything is read, tracking it as they say. The sticky counters returned are the
     * connection's, to route its requests with and to {@link StickCounters#close() close} with it; when
     * {@link StickCounters#rejected()}, the connection must be closed at once (the counters are closed already).
     *
     * @throws IllegalArgumentException when there is no such frontend
     */
    public StickCounters accept(String frontend, InetAddress client, int clientPort, int localPort) {
        StickCounters counters = acceptConnection(frontend, client, clientPort, localPort);
        startSession(frontend, counters, client, clientPort, localPort);
        return counters;
    }

    /**
     * The first half of {@link #accept}, for a transport that reads a PROXY header (or makes a TLS handshake) before
     * the session starts: the {@code tcp-request connection} rules only. Then {@link #startSession}, unless
     * {@link StickCounters#rejected()}.
     *
     * @throws IllegalArgumentException when there is no such frontend
     */
    public StickCounters acceptConnection(String frontend, InetAddress client, int clientPort, int localPort) {
        StickCounters counters = new StickCounters(stickTables);
        ConnectionRules.connection(compiled(frontend), counters, client, clientPort, localPort);
        return counters;
    }

    /**
     * The session of a connection accepted with {@link #acceptConnection} starts, {@code client} its source (the
     * PROXY header's): the {@code tcp-request session} rules run, then the session counts in the entries tracked;
     * when {@link StickCounters#rejected()} after, the connection must be closed at once.
     *
     * @throws IllegalArgumentException when there is no such frontend
     */
    public void startSession(
            String frontend, StickCounters counters, InetAddress client, int clientPort, int localPort) {
        ConnectionRules.session(compiled(frontend), counters, client, clientPort, localPort);
    }

    private CompiledFrontend compiled(String frontend) {
        return RouterState.require("frontend", state.frontends(), frontend);
    }

    @Override
    public String toString() {
        RouterState now = state;
        return "Router" + now.frontends().keySet() + " -> " + now.backends().values();
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

        /** The monotonic time source of stick tables (expiry, rates); default {@link Ticker#system()}. */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** The wall clock of cookie dates ({@code maxidle}, {@code maxlife}); default the system clock. */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The source of {@code balance random}; default each thread's: a seeded one only for one thread (tests). */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        public Router build() {
            return new Router(this);
        }
    }
}
