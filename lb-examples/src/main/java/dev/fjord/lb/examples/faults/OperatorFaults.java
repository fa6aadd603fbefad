package dev.fjord.lb.examples.faults;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.fjord.lb.examples.faults.LoadReport.Kind;
import dev.fjord.lb.examples.faults.LoadReport.Sample;

/**
 * The scenarios of clients that give up ({@link #abortOnClose}) and of an operator taking a server out and back
 * through the runtime socket ({@link #drain}). Each runs the proxy of the given kind in {@code dir} and returns its
 * row; stateless.
 */
public final class OperatorFaults {
    private OperatorFaults() {}

    /**
     * {@code option abortonclose}, one server answering after 2 s and taking 2 connections at a time; 20 clients
     * each send a request and half-close (shutdownOutput) 100 ms later, every other one then closes fully 100 ms
     * after that. 3 s after the start the server is asked how many connections it still has open. Figures:
     * {@code serverConnectionsLeft}, {@code answered} (clients that got an answer before closing).
     */
    public static ScenarioResult abortOnClose(ProxyProcess.Kind kind, Path dir) {
        return Stage.run("abortonclose", kind, dir, stage -> {
            ServerProcess web1 = stage.server("web1", "--delay-ms", "2000");
            ProxyProcess proxy = stage.proxy(Configs.ABORT_ON_CLOSE);
            long start = System.nanoTime();
            AtomicInteger answered = new AtomicInteger();
            List<Sample> samples = new ArrayList<>();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                boolean closeFully = i % 2 == 1;
                String path = "/a/" + i;
                Thread client = new Thread(
                        null,
                        () -> {
                            Sample sample = giveUp(proxy, path, closeFully, answered);
                            synchronized (samples) {
                                samples.add(sample);
                            }
                        },
                        "abort-" + i,
                        256 * 1024);
                client.setDaemon(true);
                clients.add(client);
                client.start();
            }
            Stage.sleepUntil(start, Duration.ofSeconds(3));
            int left = web1.openConnections();
            for (Thread client : clients) {
                client.join(TimeUnit.SECONDS.toMillis(10));
            }
            LoadReport report;
            synchronized (samples) {
                report = new LoadReport(samples);
            }
            Map<String, Long> figures = new LinkedHashMap<>();
            figures.put("serverConnectionsLeft", (long) left);
            figures.put("answered", (long) answered.get());
            return stage.result(
                    report,
                    figures,
                    "server connections still open 3 s after the clients gave up: %d; answers to half-closed clients %d"
                            .formatted(left, answered.get()));
        });
    }

    /**
     * A client that sends {@code GET path}, half-closes 100 ms later and, when {@code closeFully}, closes 100 ms after
     * that; otherwise it waits up to 5 s for an answer. A sample of kind OK means it got an answer.
     */
    private static Sample giveUp(ProxyProcess proxy, String path, boolean closeFully, AtomicInteger answered) {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(5000);
            socket.connect(proxy.frontend(), 5000);
            socket.getOutputStream().write(Http1.ascii("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
            TimeUnit.MILLISECONDS.sleep(100);
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
        }
    }

    /**
     * 50 keep-alive clients for {@code length} (8 s in the suite); web1 set to {@code drain} at a quarter of it,
     * {@code maint} at half, {@code ready} at three quarters, through the runtime socket. Figures:
     * {@code web1DuringMaint} (answers from web1 to requests that began while it was in maintenance).
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
            long[] at = new long[3];
            String[] states = {"drain", "maint", "ready"};
            for (int i = 0; i < states.length; i++) {
                Stage.sleepUntil(start, length.multipliedBy(i + 1).dividedBy(4));
                answers.add(states[i] + ": '" + proxy.command("set server app/web1 state " + states[i]) + "'");
                at[i] = System.nanoTime();
            }
            LoadReport report = load.await();
            long web1InMaint = report.between(at[1], at[2]).byServer().getOrDefault("web1", 0L);
            Map<String, Long> figures = new LinkedHashMap<>();
            figures.put("web1DuringMaint", web1InMaint);
            return stage.result(
                    report,
                    figures,
                    "socket answers %s; answers by server %s; web1 answers while in maint %d"
                            .formatted(answers, report.byServer(), web1InMaint));
        });
    }
}
