package dev.fjord.lb.examples.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.fjord.lb.core.OperationalState;

/**
 * The checks of the compatibility files about running a proxy: logging, stats, metrics, health checks, limits,
 * error pages and abuse protection.
 */
final class OperationsChecks {
    private static final String AUTH = "Authorization: Basic "
            + Base64.getEncoder().encodeToString("admin:s3cret".getBytes(StandardCharsets.UTF_8));

    private OperationsChecks() {}

    static Map<String, CompatCheck> all() {
        Map<String, CompatCheck> checks = new LinkedHashMap<>();
        checks.put(
                "01-container-logging.cfg",
                CompatCheck.of(
                        "raw httplog lines on standard output, the silenced health probe not among them", run -> {
                            List<String> lines = CompatRun.printed(
                                    () -> List.of(run.get("www", "/healthz"), run.get("www", "/orders")), "/orders");
                            assertThat(lines)
                                    .anyMatch(line -> line.matches("127\\.0\\.0\\.1:\\d+ \\[.+\\] www app/app[12] "
                                            + ".* 200 .* \"GET /orders HTTP/1\\.1\""))
                                    .noneMatch(line -> line.contains("/healthz"));
                        }));
        checks.put(
                "03-maintenance-page.cfg",
                CompatCheck.of(
                                "with every server down, the backend's errorfile for 503 is the maintenance page",
                                run -> {
                                    HttpReply reply = run.get("www", "/");
                                    assertThat(reply.status()).isEqualTo(503);
                                    assertThat(reply.body()).contains("<h1>We'll be back soon</h1>");
                                    assertThat(reply.headers("Cache-Control")).containsExactly("no-store");
                                })
                        .dead("web1", "web2"));
        checks.put(
                "04-rate-limit-per-ip.cfg",
                CompatCheck.of("a client's 21st request in 10 s gets 429 while another client is served", run -> {
                    for (int i = 0; i < 20; i++) {
                        assertThat(run.get("www", "/").status()).isEqualTo(200);
                    }
                    assertThat(run.get("www", "/").status()).isEqualTo(429);
                    assertThat(run.from("127.0.0.2", "www", "/").status()).isEqualTo(200);
                }));
        checks.put(
                "05-abuse-blocking-gpc0.cfg",
                CompatCheck.of(
                        "after 11 errors a client is flagged and denied (403), then its connections are " + "refused",
                        run -> {
                            List<Integer> statuses = new ArrayList<>();
                            for (int i = 0; i < 11; i++) {
                                statuses.add(run.get("www", "/status/404").status());
                            }
                            statuses.add(run.get("www", "/").status());
                            statuses.add(run.get("www", "/").status());
                            assertThat(statuses.subList(0, 11)).containsOnly(404);
                            assertThat(statuses.subList(11, 13)).containsExactly(403, 0); // 0: closed unanswered
                            assertThat(run.from("127.0.0.2", "www", "/").status())
                                    .isEqualTo(200);
                        }));
        checks.put(
                "06-sni-routing-tcp.cfg",
                CompatCheck.of(
                        "TLS is routed by its SNI without being terminated: a.example.com to b1, others to b2", run -> {
                            assertThat(greeting(run, "tls-in", ClientHello.of("a.example.com")))
                                    .isEqualTo("s1");
                            assertThat(greeting(run, "tls-in", ClientHello.of("b.example.com")))
                                    .isEqualTo("s2");
                        }));
        checks.put(
                "07-tcp-content-inspection.cfg",
                CompatCheck.of(
                        "an SMTP client that speaks before the server's banner is rejected, a patient one " + "served",
                        run -> {
                            try (Socket patient = run.connect("127.0.0.1", "smtp")) {
                                assertThat(CompatRun.readLine(patient)).isEqualTo("m1"); // after inspect-delay, 3 s
                            }
                            byte[] eager = run.exchange(
                                    "127.0.0.1", "smtp", "EHLO me\r\n".getBytes(StandardCharsets.US_ASCII));
                            assertThat(eager).isEmpty();
                        }));
        checks.put(
                "09-prometheus-exporter.cfg",
                CompatCheck.of(
                        "the prometheus frontend serves HAProxy's metric names for the www frontend's traffic", run -> {
                            assertThat(run.get("www", "/").status()).isEqualTo(200);
                            String metrics = run.get("prometheus", "/metrics").body();
                            assertThat(metrics)
                                    .contains("haproxy_frontend_http_responses_total{proxy=\"www\",code=\"2xx\"} 1\n")
                                    .contains("haproxy_backend_status{proxy=\"app\",state=\"UP\"} 1\n");
                        }));
        checks.put(
                "20-health-checks.cfg",
                CompatCheck.of("a server whose /health answers 503 goes DOWN and gets no more requests", run -> {
                    run.web("web2").healthy(false);
                    assertThat(CompatRun.await(() -> state(run, "app", "web2") == OperationalState.DOWN, 10))
                            .isTrue();
                    for (int i = 0; i < 4; i++) {
                        assertThat(run.get("www", "/").server()).isEqualTo("web1");
                    }
                }));
        checks.put(
                "21-maxconn-queue.cfg",
                CompatCheck.of("with maxconn 1 busy, a queued request gets 503 after timeout queue (1 s)", run -> {
                    CompletableFuture<HttpReply> slow = CompletableFuture.supplyAsync(() -> {
                        try {
                            return run.get("www", "/slow");
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                    assertThat(CompatRun.await(() -> run.web("web1").requests() == 1, 5))
                            .isTrue();
                    long start = System.nanoTime();
                    assertThat(run.get("www", "/").status()).isEqualTo(503);
                    // it waited in the queue (not refused at once); a 503 proves it was not served after the slow one
                    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(800L);
                    assertThat(slow.get().status()).isEqualTo(200);
                }));
        checks.put(
                "24-tcp-mode-check.cfg",
                CompatCheck.of(
                                "a database server that refuses connections goes DOWN; connections go to the other",
                                run -> {
                                    assertThat(CompatRun.await(
                                                    () -> state(run, "mysql", "db2") == OperationalState.DOWN, 10))
                                            .isTrue();
                                    for (int i = 0; i < 4; i++) {
                                        assertThat(greeting(run, "mysql", new byte[0]))
                                                .isEqualTo("db1");
                                    }
                                })
                        .dead("db2"));
        checks.put(
                "25-stats-page.cfg",
                CompatCheck.of("the stats page asks for its user, then shows only the backend in its scope", run -> {
                    assertThat(run.get("stats", "/").status()).isEqualTo(401);
                    String page = run.get("stats", "/", AUTH).body();
                    assertThat(page).contains("id=\"app\"").doesNotContain("id=\"internal\"");
                }));
        checks.put(
                "26-stats-admin.cfg",
                CompatCheck.of("an authenticated user on the machine gets the admin form", run -> {
                    assertThat(run.get("stats", "/haproxy?stats").status()).isEqualTo(401);
                    assertThat(run.get("stats", "/haproxy?stats", AUTH).body()).contains("<form method=\"post\"");
                }));
        checks.put(
                "27-hide-server-errors.cfg",
                CompatCheck.of("a 403 shows as 404, a 5xx on GET as the JSON error of http-response return", run -> {
                    HttpReply hidden = run.get("www", "/status/403");
                    assertThat(hidden.status()).isEqualTo(404);
                    assertThat(hidden.server()).isEqualTo("web1");
                    HttpReply failing = run.get("www", "/status/500");
                    assertThat(failing.status()).isEqualTo(503);
                    assertThat(failing.body()).isEqualTo("{\"error\":\"unavailable\"}");
                }));
        checks.put(
                "28-log-format-samples.cfg",
                CompatCheck.of(
                        "the custom line holds the masked source, method, status and request rate samples", run -> {
                            List<String> lines = CompatRun.printed(
                                    () -> List.of(run.get("www", "/orders"), run.get("www", "/orders")), "rate=2");
                            assertThat(lines)
                                    .anyMatch(line -> line.matches("127\\.0\\.0\\.0 \\[.+\\] www app/web1 GET 200 \\d+ "
                                            + "rate=2 \"GET /orders HTTP/1\\.1\""));
                        }));
        checks.put(
                "29-tcp-connection-limit.cfg",
                CompatCheck.of("a client's third concurrent connection is closed; another client is served", run -> {
                    try (Socket first = run.connect("127.0.0.1", "redis");
                            Socket second = run.connect("127.0.0.1", "redis")) {
                        assertThat(CompatRun.readLine(first)).isEqualTo("redis1");
                        assertThat(CompatRun.readLine(second)).isEqualTo("redis1");
                        assertThat(run.exchange("127.0.0.1", "redis", "PING\r\n".getBytes(StandardCharsets.US_ASCII)))
                                .isEmpty();
                        assertThat(greeting(run, "redis", new byte[0], "127.0.0.2"))
                                .isEqualTo("redis1");
                    }
                }));
        checks.put(
                "30-proxy-protocol-session.cfg",
                CompatCheck.of(
                        "the session rules refuse the blocked network the PROXY header names, and serve others",
                        run -> {
                            String get = "GET / HTTP/1.1\r\nHost: www.example.com\r\nConnection: close\r\n\r\n";
                            byte[] blocked = run.exchange(
                                    "127.0.0.1",
                                    "www",
                                    ("PROXY TCP4 203.0.113.9 127.0.0.1 5000 80\r\n" + get)
                                            .getBytes(StandardCharsets.US_ASCII));
                            HttpReply served = HttpReply.parse(run.exchange(
                                    "127.0.0.1",
                                    "www",
                                    ("PROXY TCP4 198.51.100.7 127.0.0.1 5000 80\r\n" + get)
                                            .getBytes(StandardCharsets.US_ASCII)));
                            assertThat(blocked).isEmpty();
                            assertThat(served.status()).isEqualTo(200);
                        }));
        return checks;
    }

    private static OperationalState state(CompatRun run, String backend, String server) {
        return run.proxy().router().backend(backend).requireServer(server).operationalState();
    }

    /** The greeting of the TCP server a connection to {@code frontend} reaches after sending {@code first}. */
    private static String greeting(CompatRun run, String frontend, byte[] first) throws java.io.IOException {
        return greeting(run, frontend, first, "127.0.0.1");
    }

    private static String greeting(CompatRun run, String frontend, byte[] first, String source)
            throws java.io.IOException {
        try (Socket socket = run.connect(source, frontend)) {
            socket.getOutputStream().write(first);
            socket.getOutputStream().flush();
            return CompatRun.readLine(socket);
        }
    }
}
