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
    /** How long the probe goes on after the storm: 4 s. */
    static final Duration AFTER_STORM = Duration.ofSeconds(4);

    /**
     * When the queue has settled after the storm: its {@code timeout queue} (2 s), the server's 200 ms and 300 ms
     * more. A probe begun later waits behind no request of the storm.
     */
    static final Duration SETTLED = Duration.ofMillis(2500);

    private LoadFaults() {}

    /**
     * Two servers answering after 200 ms, 50 connections each at most, {@code timeout queue 2s}; 2,000 clients with
     * a new connection per request (5 s socket timeout) for {@code storm} (10 s in the suite), and the probe during
     * the storm and {@link #AFTER_STORM} after it. Figures: {@code ok}, {@code unavailable} (503s), {@code mixedUp};
     * of the probe: {@code probeErrors}, {@code probeUnavailable}, {@code probeSlowestDuringMillis} (begun during
     * the storm), {@code probeSlowestAfterMillis} (after it), and of those begun {@link #SETTLED} after it
     * {@code probeSettled} (how many), {@code probeSettledErrors} and {@code probeSettledSlowestMillis}; and
     * {@code stormCpuMillis}, the proxy's CPU time during the storm, of which {@code stormJitCpuMillis} in the JIT
     * compiler (Fjord's first storm runs code the warm-up did not).
     */
    public static ScenarioResult overload(ProxyProcess.Kind kind, Path dir, Duration storm) {
        return Stage.run("overload", kind, dir, stage -> {
            stage.server("web1", "--delay-ms", "200");
            stage.server("web2", "--delay-ms", "200");
            ProxyProcess proxy = stage.proxy(Configs.OVERLOAD);
            // the paths of a storm (a new connection a request, the queue, its 503s), which a proxy that has run a
            // while has compiled: 1,000 clients for 3 s against the 100 slots' 500 answers a second
            stage.warmUp(LoadClient.Options.keepAlive(1000, Duration.ofSeconds(3))
                    .closeEach()
                    .readTimeout(Duration.ofSeconds(5)));
            long start = System.nanoTime();
            long cpuBefore = proxy.cpuMillis();
            long jitBefore = proxy.compilerCpuMillis();
            Probe probe = Probe.start(proxy.frontend(), Duration.ofSeconds(10), storm.plus(AFTER_STORM));
            LoadClient load = LoadClient.start(
                    proxy.frontend(),
                    LoadClient.Options.keepAlive(2000, storm).closeEach().readTimeout(Duration.ofSeconds(5)));
            Stage.sleepUntil(start, storm);
            long stormCpu = proxy.cpuMillis() - cpuBefore;
            long stormJit = proxy.compilerCpuMillis() - jitBefore;
            Stage.sleepUntil(start, storm.plus(AFTER_STORM));
            LoadReport probes = probe.stop();
            LoadReport report = load.await();
            long stormEnd = start + storm.toNanos();
            LoadReport during = probes.between(start, stormEnd);
            LoadReport after = probes.between(stormEnd, Long.MAX_VALUE);
            LoadReport settled = probes.between(stormEnd + SETTLED.toNanos(), Long.MAX_VALUE);
            Map<String, Long> figures = new LinkedHashMap<>();
            figures.put("ok", report.count(Kind.OK));
            figures.put("unavailable", report.status(503));
            figures.put("mixedUp", report.count(Kind.MIXED_UP) + probes.count(Kind.MIXED_UP));
            figures.put("probeErrors", probes.errors());
            figures.put("probeUnavailable", probes.status(503));
            figures.put("probeSlowestDuringMillis", during.slowestMillis());
            figures.put("probeSlowestAfterMillis", after.slowestMillis());
            figures.put("probeSettled", settled.total());
            figures.put("probeSettledErrors", settled.errors());
            figures.put("probeSettledSlowestMillis", settled.slowestMillis());
            figures.put("stormCpuMillis", stormCpu);
            figures.put("stormJitCpuMillis", stormJit);
            return stage.result(
                    report,
                    figures,
                    ("200: %d, 503: %d, other errors %d; probe: %d requests, %d errors (%d 503s), slowest %d ms"
                                    + " during the storm, %d ms after, %d ms once the queue settled; proxy CPU"
                                    + " %.0f %% of a core during the storm (%.0f %% in the JIT compiler)")
                            .formatted(
                                    report.count(Kind.OK),
                                    report.status(503),
                                    report.errors() - report.status(503),
                                    probes.total(),
                                    probes.errors(),
                                    probes.status(503),
                                    during.slowestMillis(),
                                    after.slowestMillis(),
                                    settled.slowestMillis(),
                                    stormCpu * 100.0 / storm.toMillis(),
                                    stormJit * 100.0 / storm.toMillis()));
        });
    }

    /**
     * {@code count} idle client connections (10,000 in the suite) held while the probe sends requests; fewer when
     * the descriptors of this process do not allow HAProxy that many (it reserves two a connection and refuses to
     * start beyond its limit, which it inherits from here): the notes say so, and both proxies get the same count.
     * Figures: {@code held}, {@code wanted}, {@code bytesPerConnection} (the proxy's RSS with them held, minus
     * before, divided by the count), {@code probeSlowestMillis}.
     */
    public static ScenarioResult idle(ProxyProcess.Kind kind, Path dir, int count) {
        return Stage.run("idle", kind, dir, stage -> {
            stage.server("web1");
            stage.server("web2");
            int wanted = idleConnectionsThatFit(count);
            String limitNote = wanted < count
                    ? "%d of %d (a limit of %d open files); ".formatted(wanted, count, openFileLimit())
                    : "";
            ProxyProcess proxy = stage.proxy(Configs.IDLE, Map.of("MAXCONN", String.valueOf(wanted + IDLE_HEADROOM)));
            stage.warmUp();
            TimeUnit.MILLISECONDS.sleep(500);
            long rssBefore = proxy.rssKb();
            int fdsBefore = proxy.openFds();
            Probe probe = Probe.start(proxy.frontend(), Duration.ofSeconds(10), Duration.ofMinutes(2));
            try (IdleConnections idle = IdleConnections.open(proxy.frontend(), wanted, Duration.ofSeconds(60))) {
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
                figures.put("wanted", (long) wanted);
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

    /** The connections the idle scenario's {@code maxconn} allows beyond the idle ones: the probe's and the rest. */
    static final int IDLE_HEADROOM = 64;

    /**
     * The most idle connections, up to {@code count}, that HAProxy could hold under this process's limit of open
     * files: it needs {@code 2 * maxconn} and some 20 more, and {@code maxconn} is the count plus
     * {@link #IDLE_HEADROOM}. This process holds one a connection, and fewer others than that headroom.
     */
    static int idleConnectionsThatFit(int count) {
        long fit = (openFileLimit() - 40) / 2 - IDLE_HEADROOM;
        return (int) Math.max(0, Math.min(count, fit));
    }

    private static long openFileLimit() {
        return IdleConnections.fileLimit(ProcessHandle.current().pid());
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
            LoadClient closing = LoadClient.start(
                    proxy.frontend(), LoadClient.Options.keepAlive(8, length).closeEach());
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
