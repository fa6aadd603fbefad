package dev.fjord.lb.examples.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.examples.faults.ProxyProcess.Kind;

/**
 * The processes of one scenario run, in one work folder: the fault servers ({@code ${SERVER1}}, {@code ${SERVER2}}
 * in the cfg, in the order they were started) and the proxy. {@link #close()} stops them all; {@link #run} turns a
 * scenario's exception (a proxy that refuses the cfg, say) into a failed {@link ScenarioResult}. Not thread-safe: the
 * scenario's thread drives it.
 */
final class Stage implements AutoCloseable {
    /**
     * Load before a scenario's clock starts, so that the JIT has compiled the hot paths of a JVM proxy: 2 s (after
     * 1 s, the first 50 clients of sigkill still met 600 ms requests).
     */
    static final Duration WARM_UP = Duration.ofSeconds(2);

    private final String scenario;
    private final Kind kind;
    private final Path dir;
    private final List<ServerProcess> servers = new ArrayList<>();
    private @Nullable ProxyProcess proxy;

    private Stage(String scenario, Kind kind, Path dir) {
        this.scenario = scenario;
        this.kind = kind;
        this.dir = dir;
    }

    /** A scenario: what it does on a stage. */
    @FunctionalInterface
    interface Script {
        ScenarioResult run(Stage stage) throws Exception;
    }

    /** Runs {@code script} on a new stage in {@code dir}; any exception is a failed result naming it. */
    static ScenarioResult run(String scenario, Kind kind, Path dir, Script script) {
        try (Stage stage = new Stage(scenario, kind, dir)) {
            Files.createDirectories(dir);
            return script.run(stage);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ScenarioResult.failed(scenario, kind.label(), "interrupted");
        } catch (Exception e) {
            return ScenarioResult.failed(scenario, kind.label(), String.valueOf(e.getMessage()));
        }
    }

    Kind kind() {
        return kind;
    }

    /** Starts a fault server with {@code options}; the first is {@code ${SERVER1}} in the cfg. */
    ServerProcess server(String name, String... options) throws IOException, InterruptedException {
        ServerProcess server = ServerProcess.start(name, List.of(options), dir);
        servers.add(server);
        return server;
    }

    /** Restarts {@code killed} on its port, in its place. */
    ServerProcess restart(ServerProcess killed) throws IOException, InterruptedException {
        ServerProcess restarted = killed.restart();
        servers.set(servers.indexOf(killed), restarted);
        return restarted;
    }

    /** Starts the proxy on {@code template}, with Fjord's JVM given {@code jvmFlags} too. */
    ProxyProcess proxy(String template, String... jvmFlags) throws IOException, InterruptedException {
        return proxy(template, Map.of(), jvmFlags);
    }

    /** Starts the proxy on {@code template} with more placeholders' {@code values}, e.g. {@code MAXCONN}. */
    ProxyProcess proxy(String template, Map<String, String> extra, String... jvmFlags)
            throws IOException, InterruptedException {
        Map<String, String> values = new LinkedHashMap<>(extra);
        for (int i = 0; i < servers.size(); i++) {
            values.put("SERVER" + (i + 1), servers.get(i).address());
        }
        proxy = ProxyProcess.start(kind, template, values, dir, List.of(jvmFlags));
        return proxy;
    }

    /** Starts the proxy on {@code template} so that it can be reloaded ({@link ProxyProcess#startReloadable}). */
    ProxyProcess reloadableProxy(String template) throws IOException, InterruptedException {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < servers.size(); i++) {
            values.put("SERVER" + (i + 1), servers.get(i).address());
        }
        proxy = ProxyProcess.startReloadable(kind, template, values, dir);
        return proxy;
    }

    ProxyProcess proxy() {
        if (proxy == null) {
            throw new IllegalStateException("no proxy started");
        }
        return proxy;
    }

    /** {@link #WARM_UP} of load from 32 keep-alive connections, not reported. */
    void warmUp() throws InterruptedException {
        warmUp("");
    }

    /** {@link #WARM_UP} of load from 32 keep-alive connections on paths that start with {@code prefix}. */
    void warmUp(String prefix) throws InterruptedException {
        LoadClient.start(
                        proxy().frontend(),
                        LoadClient.Options.keepAlive(32, WARM_UP).pathPrefix(prefix))
                .await();
    }

    /** A warm-up with {@code options}, not reported; returns once its clients have their last answers. */
    void warmUp(LoadClient.Options options) throws InterruptedException {
        LoadClient.start(proxy().frontend(), options).await();
    }

    /** Sleeps until {@code offset} after {@code originNanos}; at once when that is past. */
    static void sleepUntil(long originNanos, Duration offset) throws InterruptedException {
        long left = originNanos + offset.toNanos() - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    /**
     * The result of the scenario: errors, total and slowest from {@code load}, the proxy's peak RSS, and
     * {@code figures} with {@code notes}. Netty's {@code LEAK:} reports become the figure {@code leaks}, and are
     * named in the notes when there are some.
     */
    ScenarioResult result(LoadReport load, Map<String, Long> figures, String notes) {
        ProxyProcess running = proxy();
        Map<String, Long> all = new LinkedHashMap<>(figures);
        long leaks = running.leakLines();
        all.putIfAbsent("leaks", leaks);
        all.put("errors", load.errors());
        all.put("total", load.total());
        String errors = load.errorsByKind().isEmpty() ? "" : "errors " + load.errorsByKind() + "; ";
        String leakNote = leaks > 0 && !notes.contains("LEAK") ? "; " + leaks + " LEAK lines" : "";
        return new ScenarioResult(
                scenario,
                kind.label(),
                load.errors(),
                load.total(),
                load.slowestMillis(),
                running.peakRssKb() / 1024.0,
                all,
                errors + notes + leakNote,
                "");
    }

    @Override
    public void close() {
        if (proxy != null) {
            proxy.close();
        }
        servers.forEach(ServerProcess::close);
    }
}
