package dev.fjord.lb.examples.faults;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.fjord.lb.examples.faults.LoadReport.Kind;

/**
 * The scenarios where a server fails: it is killed and restarted ({@link #sigkill}), it resets answers mid-body
 * ({@link #resets}), or it is slow ({@link #slow}). Each runs the proxy of the given kind in {@code dir} and
 * returns its row; stateless, so thread-safe, though scenarios are meant to run one at a time.
 */
public final class ServerFaults {
    /** The paranoid leak detection given to Fjord's JVM where buffers are checked. */
    static final String PARANOID = "-Dio.netty.leakDetection.level=paranoid";

    private ServerFaults() {}

    /**
     * The scenario: 50 keep-alive clients for {@code length} (12 s in the suite), web2's process killed
     * with SIGKILL after a third of it and restarted on its port after two thirds. Figures: {@code recoveryMillis},
     * from web2 listening again until it answered a client again (-1: not within the run), and the slowest request
     * begun before the kill ({@code slowestBeforeKillMillis}), between the kill and web2 listening again
     * ({@code slowestWhileDownMillis}), and after ({@code slowestAfterRestartMillis}).
     */
    public static ScenarioResult sigkill(ProxyProcess.Kind kind, Path dir, Duration length) {
        return Stage.run("sigkill", kind, dir, stage -> {
            stage.server("web1");
            ServerProcess web2 = stage.server("web2");
            ProxyProcess proxy = stage.proxy(Configs.RETRIES);
            stage.warmUp();
            long start = System.nanoTime();
            LoadClient load = LoadClient.start(proxy.frontend(), LoadClient.Options.keepAlive(50, length));
            Stage.sleepUntil(start, length.dividedBy(3));
            web2.kill();
            long killedAt = System.nanoTime();
            Stage.sleepUntil(start, length.multipliedBy(2).dividedBy(3));
            stage.restart(web2);
            long restartedAt = System.nanoTime();
            LoadReport report = load.await();
            long recovery = report.firstAnswerAfter("web2", restartedAt).orElse(-1);
            Map<String, Long> figures = new LinkedHashMap<>();
            figures.put("recoveryMillis", recovery);
            long before = report.between(start, killedAt).slowestMillis();
            long down = report.between(killedAt, restartedAt).slowestMillis();
            long after = report.between(restartedAt, Long.MAX_VALUE).slowestMillis();
            figures.put("slowestBeforeKillMillis", before);
            figures.put("slowestWhileDownMillis", down);
            figures.put("slowestAfterRestartMillis", after);
            return stage.result(
                    report,
                    figures,
                    ("web2 SIGKILLed at %d s, restarted at %d s; answered again %s after restart; slowest %d ms before"
                                    + " the kill, %d ms while it was down, %d ms after the restart")
                            .formatted(
                                    TimeUnit.NANOSECONDS.toSeconds(killedAt - start),
                                    TimeUnit.NANOSECONDS.toSeconds(restartedAt - start),
                                    recovery < 0 ? "never" : recovery + " ms",
                                    before,
                                    down,
                                    after));
        });
    }

    /**
     * web2 resets 20 % of its connections once it has read the request, before any byte of an answer (which
     * {@code retry-on empty-response} with {@code option redispatch} retries on web1); 32 KiB answers; 50
     * keep-alive clients for {@code length} (8 s in the suite); Fjord with paranoid leak detection. Figures:
     * {@code resetsByServer} (how many requests web2 answered with a reset, from its own count), {@code mixedUp},
     * {@code leaks}, {@code fdsBefore}, {@code fdsAfter}.
     */
    public static ScenarioResult resets(ProxyProcess.Kind kind, Path dir, Duration length) {
        return Stage.run("resets", kind, dir, stage -> {
            stage.server("web1", "--body-bytes", "32768");
            ServerProcess web2 = stage.server("web2", "--body-bytes", "32768", "--reset-percent", "20");
            ProxyProcess proxy = stage.proxy(Configs.RETRIES, PARANOID);
            stage.warmUp();
            Broken broken = broken(proxy, length, web2);
            LoadReport report = broken.report();
            long reset = Math.max(
                    0,
                    broken.figures().getOrDefault("web2Received", 0L)
                            - report.byServer().getOrDefault("web2", 0L));
            Map<String, Long> figures = broken.figures();
            figures.put("resetsByServer", reset);
            return stage.result(
                    report, figures, "%d requests reset by web2 (20 %%); %s".formatted(reset, broken.note()));
        });
    }

    /**
     * web2 cuts 10 % of its answers (64 KiB bodies) after the head and half the body, and resets: no proxy can
     * retry an answer it has begun to forward, so the client must see the truncation (the body shorter than its
     * length, or the connection closed), never a complete answer that is not the server's. 50 keep-alive clients
     * for {@code length} (8 s in the suite); Fjord with paranoid leak detection. Figures: {@code truncated},
     * {@code mixedUp}, {@code leaks}, {@code fdsBefore}, {@code fdsAfter}.
     */
    public static ScenarioResult midBody(ProxyProcess.Kind kind, Path dir, Duration length) {
        return Stage.run("midbody", kind, dir, stage -> {
            stage.server("web1", "--body-bytes", "65536");
            ServerProcess web2 = stage.server("web2", "--body-bytes", "65536", "--cut-percent", "10");
            ProxyProcess proxy = stage.proxy(Configs.RETRIES, PARANOID);
            stage.warmUp();
            Broken broken = broken(proxy, length, web2);
            Map<String, Long> figures = broken.figures();
            figures.put("truncated", broken.report().count(Kind.TRUNCATED));
            return stage.result(
                    broken.report(),
                    figures,
                    "truncated %d; %s".formatted(broken.report().count(Kind.TRUNCATED), broken.note()));
        });
    }

    /** What the load on a broken server saw, and the proxy's descriptors and leaks after it. */
    private record Broken(LoadReport report, Map<String, Long> figures, String note) {}

    /**
     * 50 keep-alive clients for {@code length}, then the proxy's descriptors settled and its leaks. Figures:
     * {@code web2Received} (requests web2 received during the load, from its own count), {@code mixedUp},
     * {@code leaks}, {@code fdsBefore}, {@code fdsAfter}.
     */
    private static Broken broken(ProxyProcess proxy, Duration length, ServerProcess web2) throws Exception {
        TimeUnit.MILLISECONDS.sleep(300);
        int fdsBefore = proxy.openFds();
        long receivedBefore = web2.requestsReceived();
        LoadReport report = LoadClient.start(proxy.frontend(), LoadClient.Options.keepAlive(50, length))
                .await();
        long received = web2.requestsReceived() - receivedBefore;
        int fdsAfter = settledFds(proxy, fdsBefore);
        long leaks = leaksAfterGc(proxy);
        Map<String, Long> figures = new LinkedHashMap<>();
        figures.put("web2Received", received);
        figures.put("mixedUp", report.count(Kind.MIXED_UP));
        figures.put("leaks", leaks);
        figures.put("fdsBefore", (long) fdsBefore);
        figures.put("fdsAfter", (long) fdsAfter);
        String note = "mixed-up %d, LEAK lines %d, fds %d before, %d after; p99 %d ms"
                .formatted(report.count(Kind.MIXED_UP), leaks, fdsBefore, fdsAfter, report.p99Millis());
        return new Broken(report, figures, note);
    }

    /**
     * web2 answers after 3 s, {@code timeout server 1s}, web1 at once; 20 keep-alive clients for {@code length} (6 s
     * in the suite). Figures: {@code gatewayTimeouts} (504s), {@code slowestWeb1Millis},
     * {@code fastest504Millis} and {@code slowest504Millis}.
     */
    public static ScenarioResult slow(ProxyProcess.Kind kind, Path dir, Duration length) {
        return Stage.run("slow", kind, dir, stage -> {
            stage.server("web1");
            stage.server("web2", "--delay-ms", "3000");
            ProxyProcess proxy = stage.proxy(Configs.SLOW);
            stage.warmUp();
            LoadReport report = LoadClient.start(proxy.frontend(), LoadClient.Options.keepAlive(20, length))
                    .await();
            LoadReport timeouts = new LoadReport(
                    report.samples().stream().filter(s -> s.status() == 504).toList());
            long fastest504 = timeouts.samples().stream()
                    .mapToLong(LoadReport.Sample::latencyMillis)
                    .min()
                    .orElse(0);
            Map<String, Long> figures = new LinkedHashMap<>();
            figures.put("gatewayTimeouts", timeouts.total());
            figures.put("slowestWeb1Millis", report.slowestMillis("web1"));
            figures.put("fastest504Millis", fastest504);
            figures.put("slowest504Millis", timeouts.slowestMillis());
            return stage.result(
                    report,
                    figures,
                    "504s %d (%d-%d ms), web1 answers %d, slowest %d ms"
                            .formatted(
                                    timeouts.total(),
                                    fastest504,
                                    timeouts.slowestMillis(),
                                    report.byServer().getOrDefault("web1", 0L),
                                    report.slowestMillis("web1")));
        });
    }

    /** The proxy's open descriptors once back within 2 of {@code before}, or after 5 s. */
    static int settledFds(ProxyProcess proxy, int before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int now = proxy.openFds();
        while (Math.abs(now - before) > 2 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
            now = proxy.openFds();
        }
        return now;
    }

    /**
     * Netty's {@code LEAK:} lines after a full GC in Fjord's JVM and a few requests (the detector reports at
     * allocations), 0.5 s later.
     */
    static long leaksAfterGc(ProxyProcess proxy) throws Exception {
        proxy.collectGarbage();
        LoadClient.start(proxy.frontend(), LoadClient.Options.keepAlive(2, Duration.ofMillis(300)))
                .await();
        TimeUnit.MILLISECONDS.sleep(500);
        return proxy.leakLines();
    }
}
