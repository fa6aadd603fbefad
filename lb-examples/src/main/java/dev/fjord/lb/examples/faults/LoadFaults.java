package dev.fjord.lb.examples.faults;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.fjord.lb.examples.faults.LoadReport.Kind;

/**
 * The scenarios where the clients are the fault: a storm of connections ({@link #overload}), many idle connections
 * ({@link #idle}), and a long mixed load ({@link #soak}). Each runs the proxy of the given kind in {@code dir} and
 * returns its row; stateless.
 */
public final class LoadFaults {
    /** How long the probe goes on after the storm: 3 s. */
    static final Duration AFTER_STORM = Duration.ofSeconds(3);

    private LoadFaults() {}

    /**
     * Two servers answering after 200 ms, 50 connections each at most, {@code timeout queue 2s}; 2,000 clients with
     * a new connection per request (5 s socket timeout) for {@code storm} (10 s in the suite), and the probe during
     * the storm and {@link #AFTER_STORM} after it. Figures: {@code ok}, {@code unavailable} (503s),
     * {@code probeSlowestDuringMillis}, {@code probeSlowestAfterMillis}, {@code probeErrors},
     * {@code probeLastStatus} (the status of the probe's last request, 0 without one).
     */
    public static ScenarioResult overload(ProxyProcess.Kind kind, Path dir, Duration storm) {
        return Stage.run("overload", kind, dir, stage -> {
            stage.server("web1", "--delay-ms", "200");
            stage.server("web2", "--delay-ms", "200");
            ProxyProcess proxy = stage.proxy(Configs.OVERLOAD);
            stage.warmUp();
            long start = System.nanoTime();
            Probe probe = Probe.start(proxy.frontend(), Duration.ofSeconds(10), storm.plus(AFTER_STORM));
            LoadClient load = LoadClient.start(
                    proxy.frontend(),
                    LoadClient.Options.keepAlive(2000, storm)
                            .closeEach()
                            .readTimeout(Duration.ofSeconds(5)));
            Stage.sleepUntil(start, storm.plus(AFTER_STORM));
            LoadReport probes = probe.stop();
            LoadReport report = load.await();
            long stormEnd = start + storm.toNanos();
            LoadReport during = probes.between(start, stormEnd);
            LoadReport after = probes.between(stormEnd, Long.MAX_VALUE);
            List<LoadReport.Sample> all = probes.samples();
            Map<String, Long> figures = new LinkedHashMap<>();
            figures.put("ok", report.count(Kind.OK));
            figures.put("unavailable", report.status(503));
            figures.put("probeSlowestDuringMillis", during.slowestMillis());
            figures.put("probeSlowestAfterMillis", after.slowestMillis());
            figures.put("probeErrors", probes.errors());
            figures.put("probeLastStatus", all.isEmpty() ? 0L : all.get(all.size() - 1).status());
            figures.put("mixedUp", report.count(Kind.MIXED_UP) + probes.count(Kind.MIXED_UP));
            long other = report.errors() - report.status(503);
            return stage.result(
                    report,
                    figures,
                    ("200: %d, 503: %d, other errors %d; probe (%d requests, %d errors) slowest %d ms during the"
                                    + " storm, %d ms after")
                            .formatted(
                                    report.count(Kind.OK),
                                    report.status(503),
                                    other,
                                    probes.total(),
                                    probes.errors(),
                                    during.slowestMillis(),
                                    after.slowestMillis()));
        });
    }

    /**
     * {@code count} idle client connections (10,000 in the suite, fewer when this process or the proxy has too few
     * file descriptors: the notes say so) held while the probe sends requests. Figures: {@code held},
     * {@code bytesPerConnection} (the proxy's RSS with them held, minus before, divided by the count),
     * {@code probeSlowestMillis}.
     */
    public static ScenarioResult idle(ProxyProcess.Kind kind, Path dir, int count) {
        return Stage.run("idle", kind, dir, stage -> {
            stage.server("web1");
            stage.server("web2");
            ProxyProcess proxy = stage.proxy(Configs.IDLE);
            stage.warmUp();
            long selfFds = Processes.openFds(ProcessHandle.current().pid());
            long room = Math.min(
                    IdleConnections.fileLimit(ProcessHandle.current().pid()) - selfFds,
                    IdleConnections.fileLimit(proxy.pid()) - proxy.openFds());
            int wanted = (int) Math.max(0, Math.min(count, room - 256));
            String limitNote = wanted < count ? "file descriptors allow " + wanted + " of " + count + "; " : "";
            TimeUnit.MILLISECONDS.sleep(500);
            long rssBefore = proxy.rssKb();
            int fdsBefore = proxy.openFds();
            Probe probe = Probe.start(proxy.frontend(), Duration.ofSeconds(10), Duration.ofMinutes(2));
            try (IdleConnections idle =
                    IdleConnections.open(proxy.frontend(), wanted, Duration.ofSeconds(60))) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (proxy.openFds() < fdsBefore + idle.held() - 10 && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(100); // until the proxy has accepted them
                }
                TimeUnit.SECONDS.sleep(2);
                long rssWith = proxy.rssKb();
                int held = idle.held();
                int fdsWith = proxy.openFds();
                LoadReport probes = probe.stop();
                long perConnection = held == 0 ? 0 : (rssWith - rssBefore) * 1024 / held;
                Map<String, Long> figures = new LinkedHashMap<>();
                figures.put("held", (long) held);
                figures.put("bytesPerConnection", perConnection);
                figures.put("probeSlowestMillis", probes.slowestMillis());
                return stage.result(
                        probes,
                        figures,
                        ("%s%d idle connections held (proxy fds %d -> %d)%s; RSS %.1f -> %.1f MB, %d bytes each;"
                                        + " probe slowest %d ms, p99 %d ms")
                                .formatted(
                                        limitNote,
                                        held,
                                        fdsBefore,
                                        fdsWith,
                                        idle.note().isEmpty() ? "" : " (" + idle.note() + ")",
                                        rssBefore / 1024.0,
                                        rssWith / 1024.0,
                                        perConnection,
                                        probes.slowestMillis(),
                                        probes.p99Millis()));
            } finally {
                probe.close();
            }
        });
    }

    /**
     * A mixed load for {@code length} (20 s in the tests, longer from the suite's main): 16 keep-alive clients and 8
     * with a new connection per request, 1 KiB answers from web1 and 32 KiB from web2; Fjord with paranoid leak
     * detection; the proxy's RSS sampled every second. Figures: {@code rssFirstKb}, {@code rssLastKb},
     * {@code rssPeakKb}, {@code leaks}, {@code mixedUp}.
     */
    public static ScenarioResult soak(ProxyProcess.Kind kind, Path dir, Duration length) {
        return Stage.run("soak", kind, dir, stage -> {
            stage.server("web1");
            stage.server("web2", "--body-bytes", "32768");
            ProxyProcess proxy = stage.proxy(Configs.RETRIES, ServerFaults.PARANOID);
            stage.warmUp();
            long start = System.nanoTime();
            LoadClient keepAlive = LoadClient.start(proxy.frontend(), LoadClient.Options.keepAlive(16, length));
            LoadClient closing =
                    LoadClient.start(proxy.frontend(), LoadClient.Options.keepAlive(8, length).closeEach());
            List<Long> rss = new ArrayList<>();
            for (int second = 0; second * 1000L < length.toMillis(); second++) {
                Stage.sleepUntil(start, Duration.ofSeconds(second));
                rss.add(proxy.rssKb());
            }
            LoadReport report = keepAlive.await().plus(closing.await());
            rss.add(proxy.rssKb());
            long leaks = ServerFaults.leaksAfterGc(proxy);
            long peak = rss.stream().mapToLong(Long::longValue).max().orElse(0);
            Map<String, Long> figures = new LinkedHashMap<>();
            figures.put("rssFirstKb", rss.get(0));
            figures.put("rssLastKb", rss.get(rss.size() - 1));
            figures.put("rssPeakKb", peak);
            figures.put("leaks", leaks);
            figures.put("mixedUp", report.count(Kind.MIXED_UP));
            return stage.result(
                    report,
                    figures,
                    "%d s; RSS first %.1f, last %.1f, peak %.1f MB (sampled each second); LEAK lines %d; p99 %d ms"
                            .formatted(
                                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start),
                                    rss.get(0) / 1024.0,
                                    rss.get(rss.size() - 1) / 1024.0,
                                    peak / 1024.0,
                                    leaks,
                                    report.p99Millis()));
        });
    }
}
