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
     * from web2 listening again until it answered a client again (-1: not within the run).
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
            LoadReport afterKill = report.between(killedAt, restartedAt);
            return stage.result(
                    report,
                    figures,
                    "web2 SIGKILLed at %d s, restarted at %d s; answered again %s after restart; slowest while it was down %d ms"
                            .formatted(
                                    TimeUnit.NANOSECONDS.toSeconds(killedAt - start),
                                    TimeUnit.NANOSECONDS.toSeconds(restartedAt - start),
                                    recovery < 0 ? "never" : recovery + " ms",
                                    afterKill.slowestMillis()));
        });
    }

    /**
     * web2 resets 10 % of its answers (64 KiB bodies) after the head and half the body; 50 keep-alive clients for
     * {@code length} (8 s in the suite); Fjord with paranoid leak detection, and a full GC after the load so that a
     * leaked buffer is reported. Figures: {@code truncated}, {@code mixedUp}, {@code leaks}, {@code fdsBefore},
     * {@code fdsAfter} (the proxy's open descriptors before and after the load, after at most 5 s to settle).
     */
    public static ScenarioResult resets(ProxyProcess.Kind kind, Path dir, Duration length) {
        return Stage.run("resets", kind, dir, stage -> {
            stage.server("web1", "--body-bytes", "65536");
            stage.server("web2", "--body-bytes", "65536", "--reset-percent", "10");
            ProxyProcess proxy = stage.proxy(Configs.RETRIES, PARANOID);
            stage.warmUp();
            TimeUnit.MILLISECONDS.sleep(300);
            int fdsBefore = proxy.openFds();
            LoadReport report = LoadClient.start(proxy.frontend(), LoadClient.Options.keepAlive(50, length))
                    .await();
            int fdsAfter = settledFds(proxy, fdsBefore);
            long leaks = leaksAfterGc(proxy);
            Map<String, Long> figures = new LinkedHashMap<>();
            figures.put("truncated", report.count(Kind.TRUNCATED));
            figures.put("mixedUp", report.count(Kind.MIXED_UP));
            figures.put("leaks", leaks);
            figures.put("fdsBefore", (long) fdsBefore);
            figures.put("fdsAfter", (long) fdsAfter);
            return stage.result(
                    report,
                    figures,
                    "truncated %d, mixed-up %d, LEAK lines %d, fds %d before, %d after"
                            .formatted(
                                    report.count(Kind.TRUNCATED),
                                    report.count(Kind.MIXED_UP),
                                    leaks,
                                    fdsBefore,
                                    fdsAfter));
        });
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
            LoadReport timeouts = new LoadReport(report.samples().stream()
                    .filter(s -> s.status() == 504)
                    .toList());
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
