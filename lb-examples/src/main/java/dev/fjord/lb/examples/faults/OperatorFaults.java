package dev.fjord.lb.examples.faults;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.fjord.lb.examples.faults.LoadReport.Kind;
import dev.fjord.lb.examples.faults.LoadReport.Sample;

/**
 * The scenarios of clients that give up ({@link #abortOnClose}) and of an operator taking a server out and back
 * through the runtime socket ({@link #drain}). Each runs the proxy of the given kind in {@code dir} and returns its
 * row; stateless.
 */
public final class OperatorFaults {
    /** The queued clients that give up in {@link #abortOnClose}. */
    private static final int QUITTERS = 18;

    private OperatorFaults() {}

    /**
     * {@code option abortonclose}, one server answering after 2 s and taking 2 connections at a time. After a warm-up
     * on paths the server answers at once, 2 patient clients send a request each, which the server has once it
     * reports 2 connections; then 18 more clients send theirs, which queue, and 200 ms after the last was sent all 18
     * give up: they half-close (shutdownOutput), and every other one closes fully 100 ms later. The patient ones are
     * answered 2 s after they sent; a request of the 18 must never reach the server. 3 s after they gave up the
     * server is asked how many connections it still has open; once all are done, how many requests reached it (2
     * when none of the 18 was dispatched), and a fresh client sends a request (the server's 2 s included). Figures:
     * {@code serverConnectionsLeft}, {@code requestsReached}, {@code answered} (half-closed clients that got an
     * answer), {@code freshStatus} and {@code freshMillis}.
     */
    public static ScenarioResult abortOnClose(ProxyProcess.Kind kind, Path dir) {
        return Stage.run("abortonclose", kind, dir, stage -> {
            ServerProcess web1 = stage.server("web1", "--delay-ms", "2000");
            ProxyProcess proxy = stage.proxy(Configs.ABORT_ON_CLOSE);
            stage.warmUp(FaultServer.NO_DELAY);
            long receivedBefore = web1.requestsReceived();
            List<Sample> samples = new ArrayList<>();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                String path = "/patient/" + i;
                clients.add(daemon("patient-" + i, samples, () -> {
                    return ClientConnection.once(proxy.frontend(), path, Duration.ofSeconds(10));
                }));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            int dispatched = web1.openConnections();
            while (dispatched < 2 && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(20);
                dispatched = web1.openConnections();
            }
            AtomicInteger answered = new AtomicInteger();
            CountDownLatch sent = new CountDownLatch(QUITTERS);
            CountDownLatch giveUp = new CountDownLatch(1);
            for (int i = 0; i < QUITTERS; i++) {
                Quitter quitter = new Quitter(proxy, "/a/" + i, i % 2 == 1, sent, giveUp, answered);
                clients.add(daemon("quitter-" + i, samples, quitter::run));
            }
            sent.await(5, TimeUnit.SECONDS);
            TimeUnit.MILLISECONDS.sleep(200); // in the proxy's queue by now
            giveUp.countDown();
            long gaveUpAt = System.nanoTime();
            Stage.sleepUntil(gaveUpAt, Duration.ofSeconds(3));
            int left = web1.openConnections();
            for (Thread client : clients) {
                client.join(TimeUnit.SECONDS.toMillis(10));
            }
            long reached = web1.requestsReceived() - receivedBefore;
            // a fresh client after them: the slots and the queue must be free again
            Sample fresh = ClientConnection.once(proxy.frontend(), "/fresh", Duration.ofSeconds(10));
            LoadReport report;
            synchronized (samples) {
                samples.add(fresh);
                report = new LoadReport(samples);
            }
            Map<String, Long> figures = new LinkedHashMap<>();
            figures.put("serverConnectionsLeft", (long) left);
            figures.put("answered", (long) answered.get());
            figures.put("requestsReached", reached);
            figures.put("freshStatus", (long) fresh.status());
            figures.put("freshMillis", fresh.latencyMillis());
            return stage.result(
                    report,
                    figures,
                    ("%d queued clients gave up while the server had %d; requests that reached it: %d (2 patient);"
                                    + " its connections 3 s later: %d; answers to half-closed clients %d; a fresh"
                                    + " request after them: %s in %d ms")
                            .formatted(
                                    QUITTERS,
                                    dispatched,
                                    reached,
                                    left,
                                    answered.get(),
                                    fresh.kind() == Kind.OK ? "200" : fresh.kind() + " " + fresh.status(),
                                    fresh.latencyMillis()));
        });
    }

    /** Starts a daemon thread (small stack) that adds what {@code client} returns to {@code samples}. */
    private static Thread daemon(String name, List<Sample> samples, Supplier<Sample> client) {
        Thread thread = new Thread(
                null,
                () -> {
                    Sample sample = client.get();
                    synchronized (samples) {
                        samples.add(sample);
                    }
                },
                name,
                256 * 1024);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /**
     * A client that sends {@code GET path}, counts down {@code sent}, waits for {@code giveUp} (10 s at most), then
     * half-closes and, when {@code closeFully}, closes 100 ms later; otherwise it waits up to 5 s for an answer. It
     * gave up, so whatever it sees is no error: its sample is OK, with the status of an answer it got.
     */
    private record Quitter(
            ProxyProcess proxy,
            String path,
            boolean closeFully,
            CountDownLatch sent,
            CountDownLatch giveUp,
            AtomicInteger answered) {
        Sample run() {
            long start = System.nanoTime();
            boolean counted = false;
            try (Socket socket = new Socket()) {
                socket.setSoTimeout(5000);
                socket.connect(proxy.frontend(), 5000);
                socket.getOutputStream().write(Http1.ascii("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
                sent.countDown();
                counted = true;
                giveUp.await(10, TimeUnit.SECONDS);
                socket.shutdownOutput();
                if (closeFully) {
                    TimeUnit.MILLISECONDS.sleep(100);
                    return new Sample(start, System.nanoTime() - start, Kind.OK, 0, null);
                }
                Http1.Head head = Http1.readHead(socket.getInputStream());
                if (head != null) {
                    answered.incrementAndGet();
                }
                return new Sample(start, System.nanoTime() - start, Kind.OK, head == null ? 0 : head.status(), null);
            } catch (IOException e) {
                return new Sample(start, System.nanoTime() - start, Kind.OK, 0, null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Sample(start, System.nanoTime() - start, Kind.IO_ERROR, 0, null);
            } finally {
                if (!counted) {
                    sent.countDown(); // failed before sending: the scenario need not wait for it
                }
            }
        }
    }

    /**
     * 50 keep-alive clients for {@code length} (8 s in the suite); web1 set to {@code drain} at a quarter of it,
     * {@code maint} at half, {@code ready} at three quarters, through the runtime socket. Figures:
     * {@code web1DuringMaint} (answers from web1 to requests routed while it was in maintenance for certain: begun
     * after the answer to {@code maint}, answered before {@code ready} was sent), {@code web1AfterReady}.
     */
    public static ScenarioResult drain(ProxyProcess.Kind kind, Path dir, Duration length) {
        return Stage.run("drain", kind, dir, stage -> {
            stage.server("web1");
            stage.server("web2");
            ProxyProcess proxy = stage.proxy(Configs.RETRIES);
            stage.warmUp();
            long start = System.nanoTime();
            LoadClient load = LoadClient.start(proxy.frontend(), LoadClient.Options.keepAlive(50, length));
            List<String> answers = new ArrayList<>();
            long[] sent = new long[3];
            long[] answered = new long[3];
            String[] states = {"drain", "maint", "ready"};
            for (int i = 0; i < states.length; i++) {
                Stage.sleepUntil(start, length.multipliedBy(i + 1).dividedBy(4));
                sent[i] = System.nanoTime();
                answers.add(states[i] + ": '" + proxy.command("set server app/web1 state " + states[i]) + "'");
                answered[i] = System.nanoTime();
            }
            LoadReport report = load.await();
            // routed in maintenance for certain: begun after the answer to 'maint', answered before 'ready' was sent
            long web1InMaint = report.between(answered[1], sent[2]).samples().stream()
                    .filter(sample -> sample.endNanos() < sent[2] && "web1".equals(sample.server()))
                    .count();
            long web1AfterReady =
                    report.between(answered[2], Long.MAX_VALUE).byServer().getOrDefault("web1", 0L);
            Map<String, Long> figures = new LinkedHashMap<>();
            figures.put("web1DuringMaint", web1InMaint);
            figures.put("web1AfterReady", web1AfterReady);
            return stage.result(
                    report,
                    figures,
                    "socket answers %s; answers by server %s; web1 answers while in maint %d, after ready %d"
                            .formatted(answers, report.byServer(), web1InMaint, web1AfterReady));
        });
    }

    /**
     * 50 keep-alive clients for {@code length} (12 s in the suite) while the cfg is rewritten and reloaded as in
     * production (SIGHUP to Fjord, SIGUSR2 to HAProxy's master): at a quarter of it web2's weight goes from 1 to 3, at
     * half web3 is added, at three quarters web1 is removed. Figures: {@code web3AfterAdd} (answers from web3 to
     * requests begun a second after the add and before the removal), {@code web1AfterRemove} (answers from web1 to
     * requests begun a second after the removal), {@code web2ShareAfterWeights} (web2's per mille of the answers
     * between the weight change and the add: 750 wanted).
     */
    public static ScenarioResult reload(ProxyProcess.Kind kind, Path dir, Duration length) {
        return Stage.run("reload", kind, dir, stage -> {
            stage.server("web1");
            stage.server("web2");
            stage.server("web3");
            ProxyProcess proxy = stage.reloadableProxy(Configs.RELOAD_START);
            stage.warmUp();
            long start = System.nanoTime();
            LoadClient load = LoadClient.start(proxy.frontend(), LoadClient.Options.keepAlive(50, length));
            String[] cfgs = {Configs.RELOAD_WEIGHTS, Configs.RELOAD_ADDED, Configs.RELOAD_REMOVED};
            long[] reloaded = new long[cfgs.length];
            for (int i = 0; i < cfgs.length; i++) {
                Stage.sleepUntil(start, length.multipliedBy(i + 1).dividedBy(4));
                proxy.reload(cfgs[i]);
                reloaded[i] = System.nanoTime();
            }
            LoadReport report = load.await();
            long settle = TimeUnit.SECONDS.toNanos(1);
            Map<String, Long> weighted =
                    report.between(reloaded[0] + settle, reloaded[1]).byServer();
            long weightedTotal =
                    weighted.values().stream().mapToLong(Long::longValue).sum();
            long web2Share = weightedTotal == 0 ? 0 : weighted.getOrDefault("web2", 0L) * 1000 / weightedTotal;
            long web3AfterAdd =
                    report.between(reloaded[1] + settle, reloaded[2]).byServer().getOrDefault("web3", 0L);
            long web1AfterRemove = report.between(reloaded[2] + settle, Long.MAX_VALUE)
                    .byServer()
                    .getOrDefault("web1", 0L);
            Map<String, Long> figures = new LinkedHashMap<>();
            figures.put("web2ShareAfterWeights", web2Share);
            figures.put("web3AfterAdd", web3AfterAdd);
            figures.put("web1AfterRemove", web1AfterRemove);
            return stage.result(
                    report,
                    figures,
                    ("reloaded 3 times (weights, web3 added, web1 removed); web2's share after the weight change"
                                    + " %.1f %% (75 %% wanted); web3 answers after its add %d; web1 answers after its"
                                    + " removal %d; answers by server %s%s")
                            .formatted(
                                    web2Share / 10.0,
                                    web3AfterAdd,
                                    web1AfterRemove,
                                    report.byServer(),
                                    kind == ProxyProcess.Kind.HAPROXY ? "; RSS of HAProxy's master only" : ""));
        });
    }
}
