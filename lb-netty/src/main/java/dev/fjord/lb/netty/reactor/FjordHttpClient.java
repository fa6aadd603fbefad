package dev.fjord.lb.netty.reactor;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.Backend;
import dev.fjord.lb.core.BackendConfig;
import dev.fjord.lb.core.HealthChecks;
import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.Scheduler;
import dev.fjord.lb.core.Server;
import dev.fjord.lb.core.ServerEventListener;
import dev.fjord.lb.core.StatsCsv;
import dev.fjord.lb.core.Ticker;
import dev.fjord.lb.core.Timeouts;
import dev.fjord.lb.netty.EventLog;
import dev.fjord.lb.netty.FjordMetrics;
import dev.fjord.lb.netty.NettyCheckProbe;

import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.ScheduledFuture;

import reactor.netty.http.HttpProtocol;
import reactor.netty.http.HttpResources;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;
import reactor.util.context.Context;

/**
 * A load-balanced Reactor Netty {@link HttpClient} over one Fjord backend: every call goes to a server of the
 * backend chosen by its {@code balance} ({@code leastconn} counting the calls outstanding, {@code random(2)}, hashes
 * with {@code hash-type consistent}, ...), through the servers' {@code maxconn} slots and queues, with active health
 * checks ({@code check}, {@code rise}, {@code fall}), passive ones ({@code observe}, {@code error-limit},
 * {@code on-error}), {@code retries} on the events of {@code retry-on} to another server with {@code option
 * redispatch}, and Fjord's counters and meters. Configured with Fjord's fluent API, or from a {@link ProxyConfig}
 * (a {@code haproxy.cfg} import).
 *
 * <pre>{@code
 * FjordHttpClient users = FjordHttpClient.builder("users", b -> b.balance(Balance.leastConn())
 *         .retries(2).redispatch(true).retryOn(RetryOn.CONN_FAILURE, RetryOn.EMPTY_RESPONSE, RetryOn.STATUS_503)
 *         .timeoutQueue(Duration.ofSeconds(1))
 *         .server("u1", "10.0.0.11:8080", s -> s.check().maxConn(50).observe(PassiveCheck.layer7().errorLimit(5)))
 *         .server("u2", "10.0.0.12:8080", s -> s.check().maxConn(50).observe(PassiveCheck.layer7().errorLimit(5))))
 *     .build();
 * HttpClient http = users.httpClient();                        // a genuine Reactor Netty HttpClient
 * Mono<String> body = http.get().uri("/users/42").responseSingle((res, bytes) -> bytes.asString());
 * WebClient web = WebClient.builder().clientConnector(new ReactorClientHttpConnector(http)).build(); // Spring
 * }</pre>
 *
 * <p><b>How it fits Reactor Netty.</b> {@link #httpClient()} is {@code HttpClient.create(provider)} with a
 * {@link ConnectionProvider} that picks the server of each attempt (Reactor Netty asks it for a connection inside
 * the call's subscription, so the call's Reactor {@code Context} reaches it) and a {@code mapConnect} step that
 * retries: Reactor Netty's connect {@code Mono} covers connecting, sending and receiving the response head, and
 * subscribing to it again starts the exchange over, on a newly chosen server. Everything an {@code HttpClient} offers
 * keeps working on it ({@code headers}, {@code baseUrl}, {@code doOn*}, {@code wiretap}, {@code metrics}, further
 * {@code mapConnect} steps). What the URI names is not where the call goes: its host only fills the {@code Host}
 * header (set {@code baseUrl("http://users.internal")} for a meaningful one). Limits, all from that design:
 * <ul>
 *   <li>HTTP/1.1 only (the provider is an HTTP/1.1 pool: a slot is a connection carrying one exchange); TLS works
 *       as configured on the {@code HttpClient}.</li>
 *   <li>The server is chosen before the request exists, so hash-based balancing cannot read the request's own path
 *       or headers: a call gives its key with {@code contextWrite(FjordHttpClient.stickTo(key))}, which stands for
 *       what the backend's {@code balance} hashes (a header, a query parameter, the path or the client address).</li>
 *   <li>A retry sends the request again: bodies must be re-subscribable (as Reactor Netty's own retry and
 *       redirects already require). Only idempotent methods are retried after the request may have been sent,
 *       unless {@link Builder#retryNonIdempotent}.</li>
 *   <li>The {@code fjord.request.time} timers are not recorded ({@link #metrics()} has every other meter).</li>
 * </ul>
 *
 * <p>Defaults: HAProxy's ({@code retries 3} on connection failures, to the same server unless {@code option
 * redispatch}; no {@code maxconn}; {@code timeout queue} falls back to {@code timeout connect}, else a queued call
 * waits as long as it takes); Reactor Netty's shared event loops ({@link HttpResources}), native transport preferred.
 * Thread-safe: one client serves any number of concurrent calls, from any thread; its
 * {@link #backend()} may be changed at run time (drain, weights, servers added or removed). {@link #close()} stops
 * the checks and closes the pooled connections, never the event loops.
 */
public final class FjordHttpClient implements AutoCloseable {
    /** Context key of a call's sticky key. */
    static final Object STICKY_KEY = new Object();
    /** Context key of a call's persistence cookie value. */
    static final Object STICKY_COOKIE = new Object();

    private final ClientRuntime runtime;
    private final Router router;
    private final HealthChecks healthChecks;
    private final HttpClient httpClient;
    private final ConnectionProvider provider;
    private final ScheduledFuture<?> rateSampler;
    private final List<ServerEventListener> metricsListeners;

    private FjordHttpClient(
            ClientRuntime runtime,
            Router router,
            HealthChecks healthChecks,
            HttpClient httpClient,
            ConnectionProvider provider,
            ScheduledFuture<?> rateSampler,
            List<ServerEventListener> metricsListeners) {
        this.runtime = runtime;
        this.router = router;
        this.healthChecks = healthChecks;
        this.httpClient = httpClient;
        this.provider = provider;
        this.rateSampler = rateSampler;
        this.metricsListeners = metricsListeners;
    }

    /**
     * A client of a backend called {@code backend}, configured by {@code spec} with Fjord's fluent API, in
     * {@code mode http} and otherwise HAProxy's defaults.
     */
    public static Builder builder(String backend, Consumer<BackendConfig.Builder> spec) {
        return new Builder(
                ProxyConfig.builder()
                        .defaults(d -> d.mode(Mode.HTTP))
                        .backend(backend, spec)
                        .build(),
                backend);
    }

    /**
     * A client of the backend called {@code backend} of {@code config} (made in code or imported from a
     * {@code haproxy.cfg}); frontends and other backends are ignored.
     *
     * @throws IllegalArgumentException naming the backends there are, when there is no such backend
     */
    public static Builder builder(ProxyConfig config, String backend) {
        config.backend(backend);
        return new Builder(config, backend);
    }

    /**
     * A Reactor {@code Context} giving a call its sticky key: calls with the same key go to the same server while the
     * servers stay the same (and with {@code hash-type consistent}, most keep it when they change). The key stands
     * for what the backend's hash-based {@code balance} hashes; a call whose backend has none fails with
     * {@link FjordClientException.Reason#KEY_NOT_HASHABLE}.
     *
     * <pre>{@code
     * http.get().uri("/cart").responseSingle(...).contextWrite(FjordHttpClient.stickTo(userId));
     * }</pre>
     */
    public static Context stickTo(String key) {
        return Context.of(STICKY_KEY, Objects.requireNonNull(key, "key"));
    }

    /**
     * A Reactor {@code Context} sending a call to the server whose persistence cookie value ({@code server ...
     * cookie VALUE}) is {@code value}, while that server accepts persistent traffic (not DOWN, not in MAINT); the
     * balancer chooses otherwise. {@link #servedBy} tells which server answered, and so the value to keep.
     */
    public static Context stickToCookie(String value) {
        return Context.of(STICKY_COOKIE, Objects.requireNonNull(value, "value"));
    }

    /** The load-balanced client; derive from it freely (each derived client shares this backend and its pools). */
    public HttpClient httpClient() {
        return httpClient;
    }

    /** The backend's run-time state: servers, their states, weights and counters. */
    public Backend backend() {
        return runtime.backend;
    }

    /** The router holding {@link #backend()} alone, for {@link StatsCsv} and the runtime commands. */
    public Router router() {
        return router;
    }

    /** The health checks of the servers marked {@code check} or {@code observe}. */
    public HealthChecks healthChecks() {
        return healthChecks;
    }

    /** Calls waiting for a slot of {@code server} now. */
    public int queued(Server server) {
        return runtime.queued(server);
    }

    /** The backend's statistics as HAProxy's CSV ({@code show stat}). */
    public String statsCsv() {
        return StatsCsv.write(router, healthChecks, runtime::queued, runtime::maxQueued, runtime.ticker.read());
    }

    /** Fjord's Micrometer meters for this backend ({@code metrics().bindTo(registry)}); see {@link FjordMetrics}. */
    public FjordMetrics metrics() {
        return FjordMetrics.of(router, healthChecks, runtime::queued, metricsListeners::add);
    }

    /**
     * The server that answered {@code response} (a response of this client, while it is being read), or null for
     * another client's.
     */
    public @Nullable Server servedBy(HttpClientResponse response) {
        Call call = Call.in(runtime, response.currentContextView());
        Attempt attempt = call == null ? null : call.current();
        return attempt == null ? null : attempt.server();
    }

    /**
     * Stops the health checks and closes the pooled connections, waiting up to 10 s for them (so not from an event
     * loop); the event loops stay as they are. Idempotent.
     */
    @Override
    public void close() {
        rateSampler.cancel(false);
        healthChecks.close();
        provider.disposeLater().block(Duration.ofSeconds(10));
    }

    @Override
    public String toString() {
        return "FjordHttpClient[" + runtime.backend + ']';
    }

    /** Options of a {@link FjordHttpClient}; not thread-safe. */
    public static final class Builder {
        private final ProxyConfig config;
        private final String backend;
        private @Nullable LoopResources loops;
        private boolean preferNative = true;
        private ServerEventListener listener = ServerEventListener.NONE;
        private boolean retryNonIdempotent;
        private int poolSize = 500;

        private Builder(ProxyConfig config, String backend) {
            this.config = config;
            this.backend = backend;
        }

        /**
         * The event loops of connections, health checks and timers; default Reactor Netty's shared ones
         * ({@link HttpResources#get()}, as Spring WebFlux uses). The client never disposes them.
         */
        public Builder loopResources(LoopResources loops) {
            this.loops = Objects.requireNonNull(loops, "loops");
            return this;
        }

        /** Whether to use the native transport (epoll) where available; default true, as Reactor Netty. */
        public Builder preferNative(boolean preferNative) {
            this.preferNative = preferNative;
            return this;
        }

        /** Also tells {@code listener} of every server event; they are always logged as the proxy logs them. */
        public Builder eventListener(ServerEventListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Whether non-idempotent calls ({@code POST}, {@code PATCH}) are retried on events after the request may have
         * reached the server ({@code empty-response}, statuses, timeouts); default false. Connection failures are
         * retried for every method.
         */
        public Builder retryNonIdempotent(boolean retry) {
            this.retryNonIdempotent = retry;
            return this;
        }

        /**
         * Pooled connections per server at most, for servers without {@code maxconn} (those with one get as many as
         * it says); default 500.
         *
         * @throws IllegalArgumentException when not positive
         */
        public Builder poolSize(int connections) {
            if (connections < 1) {
                throw new IllegalArgumentException("poolSize: " + connections + " (expected: >= 1)");
            }
            this.poolSize = connections;
            return this;
        }

        /** Starts the health checks and makes the client. */
        public FjordHttpClient build() {
            Router router = Router.of(new ProxyConfig(
                    config.global(), config.defaults(), Map.of(), Map.of(backend, config.backend(backend)), Set.of()));
            Backend live = router.backend(backend);
            LoopResources resources = loops != null ? loops : HttpResources.get();
            EventLoopGroup group = resources.onClient(preferNative);
            Scheduler scheduler = (delay, task) -> {
                var future = group.next().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
                return () -> future.cancel(false);
            };
            List<ServerEventListener> metricsListeners = new CopyOnWriteArrayList<>();
            EventLog log = new EventLog();
            ServerEventListener user = listener;
            HealthChecks checks = HealthChecks.start(
                    router,
                    scheduler,
                    new NettyCheckProbe(group, resources.onChannelClass(SocketChannel.class, group)),
                    Ticker.system(),
                    event -> {
                        log.onEvent(event);
                        user.onEvent(event);
                        metricsListeners.forEach(l -> l.onEvent(event));
                    },
                    () -> ThreadLocalRandom.current().nextLong());
            ClientRuntime runtime = new ClientRuntime(live, checks, Ticker.system(), retryNonIdempotent);
            int perServer = live.servers().stream()
                    .mapToInt(s -> s.config().maxConn())
                    .max()
                    .orElse(0);
            ConnectionProvider provider = new BalancedConnectionProvider(
                    runtime,
                    ConnectionProvider.builder("fjord-" + backend)
                            .maxConnections(Math.max(perServer, poolSize))
                            .pendingAcquireMaxCount(-1)
                            .build());
            HttpClient http = HttpClient.create(provider)
                    .runOn(resources, preferNative)
                    .protocol(HttpProtocol.HTTP11)
                    .doOnRequest((request, connection) -> {
                        Call call = Call.in(runtime, request.currentContextView());
                        if (call != null) {
                            call.requestPrepared(request.method().name());
                        }
                    })
                    .doOnResponse((response, connection) -> {
                        Call call = Call.in(runtime, response.currentContextView());
                        if (call != null) {
                            call.responded(response.status().code());
                        }
                    })
                    .mapConnect(new RetryingConnector(runtime));
            Timeouts timeouts = live.config().settings().timeouts();
            if (timeouts.connect() != null) {
                http = http.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        Math.min(Integer.MAX_VALUE, timeouts.connect().toMillis()));
            }
            if (timeouts.server() != null) {
                http = http.responseTimeout(timeouts.server());
            }
            ScheduledFuture<?> sampler = group.next()
                    .scheduleAtFixedRate(
                            () -> {
                                live.counters().sampleRate();
                                live.servers().forEach(s -> s.counters().sampleRate());
                            },
                            1,
                            1,
                            TimeUnit.SECONDS);
            return new FjordHttpClient(runtime, router, checks, http, provider, sampler, metricsListeners);
        }
    }
}
