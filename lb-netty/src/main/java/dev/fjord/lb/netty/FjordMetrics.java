package dev.fjord.lb.netty;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import dev.fjord.lb.core.AccessLogEntry;
import dev.fjord.lb.core.Backend;
import dev.fjord.lb.core.CheckResult;
import dev.fjord.lb.core.Counters;
import dev.fjord.lb.core.FrontendConfig;
import dev.fjord.lb.core.OperationalState;
import dev.fjord.lb.core.Server;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
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
 * }</pre>
 *
 * <p>Servers added after binding are not bound. Thread-safe.
 */
public final class FjordMetrics implements MeterBinder {
    private static final String[] CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx", "other"};

    private final FjordProxy proxy;

    public FjordMetrics(FjordProxy proxy) {
        this.proxy = proxy;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        ProxyRuntime runtime = proxy.runtime();
        for (FrontendConfig frontend : runtime.router.config().frontends().values()) {
            counters(registry, runtime.router.frontendCounters(frontend.name()), Tags.of("frontend", frontend.name()));
        }
        for (Backend backend : runtime.router.backends()) {
            Tags backendTags = Tags.of("backend", backend.name());
            counters(registry, backend.counters(), backendTags);
            for (Server server : backend.servers()) {
                Tags tags = backendTags.and("server", server.name());
                counters(registry, server.counters(), tags);
                gauge(registry, "fjord.queue.current", tags, server, s -> runtime.slots(s).queued());
                gauge(registry, "fjord.server.up", tags, server,
                        s -> s.operationalState() == OperationalState.DOWN ? 0 : 1);
                gauge(registry, "fjord.server.weight", tags, server, Server::weight);
                gauge(registry, "fjord.check.duration", tags, server, s -> {
                    CheckResult last = proxy.healthChecks().lastCheck(s);
                    return last == null ? Double.NaN : last.duration().toMillis();
                });
            }
        }
        runtime.entryObserver = entry -> record(registry, entry);
    }

    private static void counters(MeterRegistry registry, Counters c, Tags tags) {
        FunctionCounter.builder("fjord.requests", c, Counters::sessions).tags(tags)
                .description("requests (or TCP sessions) handled").register(registry);
        for (int i = 0; i < CLASSES.length; i++) {
            int hundreds = i + 1;
            FunctionCounter.builder("fjord.responses", c, counters -> counters.responses(hundreds))
                    .tags(tags.and("class", CLASSES[i])).register(registry);
        }
        FunctionCounter.builder("fjord.bytes.out", c, Counters::bytesOut).tags(tags).baseUnit("bytes")
                .register(registry);
        FunctionCounter.builder("fjord.bytes.in", c, Counters::bytesIn).tags(tags).baseUnit("bytes")
                .register(registry);
        Gauge.builder("fjord.sessions.current", c, Counters::current).tags(tags).register(registry);
        Gauge.builder("fjord.sessions.max", c, Counters::max).tags(tags).register(registry);
        FunctionCounter.builder("fjord.retries", c, Counters::retries).tags(tags).register(registry);
        FunctionCounter.builder("fjord.redispatches", c, Counters::redispatches).tags(tags).register(registry);
        FunctionCounter.builder("fjord.connection.errors", c, Counters::connectionErrors).tags(tags)
                .register(registry);
        FunctionCounter.builder("fjord.response.errors", c, Counters::responseErrors).tags(tags)
                .register(registry);
    }

    private static void gauge(MeterRegistry registry, String name, Tags tags, Server server,
            ToDoubleFunction<Server> value) {
        Gauge.builder(name, server, value).tags(tags).register(registry);
    }

    private static void record(MeterRegistry registry, AccessLogEntry entry) {
        Tags tags = Tags.of("frontend", entry.frontend(), "backend", entry.backend() == null ? "none" : entry.backend());
        for (var stage : List.of(new long[] {0, entry.queueTime()}, new long[] {1, entry.connectTime()},
                new long[] {2, entry.responseTime()}, new long[] {3, entry.activeTime()})) {
            if (stage[1] >= 0) {
                Timer.builder("fjord.request.time").tags(tags.and("stage", switch ((int) stage[0]) {
                    case 0 -> "queue";
                    case 1 -> "connect";
                    case 2 -> "response";
                    default -> "total";
                })).register(registry).record(stage[1], TimeUnit.MILLISECONDS);
            }
        }
    }
}
