package dev.fjord.lb.netty;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.AccessLogEntry;
import dev.fjord.lb.core.Backend;
import dev.fjord.lb.core.CheckResult;
import dev.fjord.lb.core.Counters;
import dev.fjord.lb.core.FrontendConfig;
import dev.fjord.lb.core.HealthChecks;
import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.OperationalState;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.Server;
import dev.fjord.lb.core.ServerEvent;
import dev.fjord.lb.core.ServerEventListener;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Binds a running proxy's statistics to a Micrometer registry of the application's. Meters are named
 * {@code fjord.*} and tagged with {@code frontend}, {@code backend} and {@code server} names only (bounded by the
 * configuration): requests, responses by status class, bytes, current and most sessions, queue, retries,
 * redispatches, connection and response errors, server state and last check duration, and timers of the queue,
 * connect, response and total times of each request.
 *
 * <pre>{@code
 * new FjordMetrics(proxy).bindTo(registry);
 * client.metrics().bindTo(registry);   // a FjordHttpClient of dev.fjord.lb.netty.reactor: the same meters
 * }</pre>
 *
 * <p>Servers added at run time are bound as they come, and their meters removed with them. Thread-safe.
 */
public final class FjordMetrics implements MeterBinder {
    private static final String[] CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx", "other"};

    private final Router router;
    private final HealthChecks healthChecks;
    private final ToIntFunction<Server> queueLength;
    private final Consumer<ServerEventListener> serverEvents;
    /** Hands the observer of finished exchanges (for the timers) to the proxy; null for other transports. */
    private final @Nullable Consumer<Consumer<AccessLogEntry>> exchanges;

    public FjordMetrics(FjordProxy proxy) {
        this(
                proxy.router(),
                proxy.healthChecks(),
                s -> proxy.runtime().slots(s).queued(),
                proxy.runtime().serverListeners::add,
                observer -> proxy.runtime().entryObserver = observer);
    }

    private FjordMetrics(
            Router router,
            HealthChecks healthChecks,
            ToIntFunction<Server> queueLength,
            Consumer<ServerEventListener> serverEvents,
            @Nullable Consumer<Consumer<AccessLogEntry>> exchanges) {
        this.router = Objects.requireNonNull(router, "router");
        this.healthChecks = Objects.requireNonNull(healthChecks, "healthChecks");
        this.queueLength = Objects.requireNonNull(queueLength, "queueLength");
        this.serverEvents = Objects.requireNonNull(serverEvents, "serverEvents");
        this.exchanges = exchanges;
    }

    /**
     * The same meters for a transport other than {@link FjordProxy} that serves {@code router}'s backends (the Reactor
     * Netty client binding's {@code FjordHttpClient.metrics()} makes one): every meter but the
     * {@code fjord.request.time} timers, which need the proxy's access-log records.
     *
     * @param queueLength requests waiting for each server now ({@code fjord.queue.current})
     * @param serverEvents called once by {@link #bindTo} with a listener that must then be told of every server event,
     *     so that servers added or removed at run time get or lose their meters
     */
    public static FjordMetrics of(
            Router router,
            HealthChecks healthChecks,
            ToIntFunction<Server> queueLength,
            Consumer<ServerEventListener> serverEvents) {
        return new FjordMetrics(router, healthChecks, queueLength, serverEvents, null);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Map<String, List<Meter>> byFrontend = new ConcurrentHashMap<>();
        Map<String, List<Meter>> byBackend = new ConcurrentHashMap<>();
        Map<Server, List<Meter>> byServer = new ConcurrentHashMap<>();
        for (FrontendConfig frontend : router.config().frontends().values()) {
            byFrontend.put(frontend.name(), frontend(registry, frontend));
        }
        for (Backend backend : router.backends()) {
            byBackend.put(backend.name(), counters(registry, backend.counters(), Tags.of("backend", backend.name())));
            for (Server server : backend.servers()) {
                byServer.put(server, server(registry, server));
            }
        }
        serverEvents.accept(event -> {
            if (event instanceof ServerEvent.Added added) {
                byServer.put(added.server(), server(registry, added.server()));
            } else if (event instanceof ServerEvent.Removed removed) {
                remove(registry, byServer.remove(removed.server()));
            }
        });
        router.onReconfigured(changes -> {
            changes.frontendsRemoved().forEach(name -> remove(registry, byFrontend.remove(name)));
            changes.backendsRemoved().forEach(name -> remove(registry, byBackend.remove(name)));
            for (FrontendConfig frontend : router.config().frontends().values()) {
                if (changes.frontendsAdded().contains(frontend.name())) {
                    byFrontend.put(frontend.name(), frontend(registry, frontend));
                }
            }
            for (String name : changes.backendsAdded()) {
                Backend backend = router.backend(name);
                byBackend.put(name, counters(registry, backend.counters(), Tags.of("backend", name)));
            }
        });
        if (exchanges != null) {
            exchanges.accept(entry -> record(registry, entry));
        }
    }

    private static void remove(MeterRegistry registry, @Nullable List<Meter> meters) {
        if (meters != null) {
            meters.forEach(registry::remove);
        }
    }

    /**
     * A frontend's meters: {@code fjord.requests} counts HTTP requests (TCP sessions in mode tcp), and
     * {@code fjord.connections} the client connections accepted.
     */
    private List<Meter> frontend(MeterRegistry registry, FrontendConfig frontend) {
        Tags tags = Tags.of("frontend", frontend.name());
        Counters c = router.frontendCounters(frontend.name());
        ToDoubleFunction<Counters> requests =
                frontend.settings().mode() == Mode.HTTP ? Counters::requests : Counters::sessions;
        List<Meter> meters = new ArrayList<>(counters(registry, c, tags, requests));
        meters.add(FunctionCounter.builder("fjord.connections", c, Counters::sessions)
                .tags(tags)
                .description("client connections accepted")
                .register(registry));
        return meters;
    }

    /** Binds one server's meters and returns them, to remove when the server is. */
    private List<Meter> server(MeterRegistry registry, Server server) {
        Tags tags = Tags.of("backend", server.backend().name(), "server", server.name());
        List<Meter> meters = new ArrayList<>(counters(registry, server.counters(), tags));
        meters.add(gauge(registry, "fjord.queue.current", tags, server, queueLength::applyAsInt));
        meters.add(gauge(
                registry, "fjord.server.up", tags, server, s -> s.operationalState() == OperationalState.DOWN ? 0 : 1));
        meters.add(gauge(registry, "fjord.server.weight", tags, server, Server::weight));
        meters.add(gauge(registry, "fjord.check.duration", tags, server, s -> {
            CheckResult last = healthChecks.lastCheck(s);
            return last == null ? Double.NaN : last.duration().toMillis();
        }));
        return meters;
    }

    private static List<Meter> counters(MeterRegistry registry, Counters c, Tags tags) {
        return counters(registry, c, tags, Counters::sessions);
    }

    private static List<Meter> counters(
            MeterRegistry registry, Counters c, Tags tags, ToDoubleFunction<Counters> requests) {
        List<Meter> meters = new ArrayList<>();
        meters.add(FunctionCounter.builder("fjord.requests", c, requests)
                .tags(tags)
                .description("requests (or TCP sessions) handled")
                .register(registry));
        for (int i = 0; i < CLASSES.length; i++) {
            int hundreds = i + 1;
            meters.add(FunctionCounter.builder("fjord.responses", c, counters -> counters.responses(hundreds))
                    .tags(tags.and("class", CLASSES[i]))
                    .register(registry));
        }
        meters.add(FunctionCounter.builder("fjord.bytes.out", c, Counters::bytesOut)
                .tags(tags)
                .baseUnit("bytes")
                .register(registry));
        meters.add(FunctionCounter.builder("fjord.bytes.in", c, Counters::bytesIn)
                .tags(tags)
                .baseUnit("bytes")
                .register(registry));
        meters.add(Gauge.builder("fjord.sessions.current", c, Counters::current)
                .tags(tags)
                .register(registry));
        meters.add(
                Gauge.builder("fjord.sessions.max", c, Counters::max).tags(tags).register(registry));
        meters.add(FunctionCounter.builder("fjord.retries", c, Counters::retries)
                .tags(tags)
                .register(registry));
        meters.add(FunctionCounter.builder("fjord.redispatches", c, Counters::redispatches)
                .tags(tags)
                .register(registry));
        meters.add(FunctionCounter.builder("fjord.connection.errors", c, Counters::connectionErrors)
                .tags(tags)
                .register(registry));
        meters.add(FunctionCounter.builder("fjord.response.errors", c, Counters::responseErrors)
                .tags(tags)
                .register(registry));
        return meters;
    }

    private static Meter gauge(
            MeterRegistry registry, String name, Tags tags, Server server, ToDoubleFunction<Server> value) {
        return Gauge.builder(name, server, value).tags(tags).register(registry);
    }

    private static void record(MeterRegistry registry, AccessLogEntry entry) {
        Tags tags =
                Tags.of("frontend", entry.frontend(), "backend", entry.backend() == null ? "none" : entry.backend());
        for (var stage : List.of(
                new long[] {0, entry.queueTime()},
                new long[] {1, entry.connectTime()},
                new long[] {2, entry.responseTime()},
                new long[] {3, entry.activeTime()})) {
            if (stage[1] >= 0) {
                Timer.builder("fjord.request.time")
                        .tags(tags.and(
                                "stage",
                                switch ((int) stage[0]) {
                                    case 0 -> "queue";
                                    case 1 -> "connect";
                                    case 2 -> "response";
                                    default -> "total";
                                }))
                        .register(registry)
                        .record(stage[1], TimeUnit.MILLISECONDS);
            }
        }
    }
}
