package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.BackendConfig;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.ServerConfig;
import dev.fjord.lb.core.haproxy.HaproxyImport;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * haproxy.cfg files of common deployments (of the compatibility set, lb-examples' {@code compat/} folder, each
 * accepted by {@code haproxy -c}),
 * imported as they are, moved onto loopback (every bind on 127.0.0.1, every server a local web server answering its
 * own name), started, and checked for one behaviour they configure.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LogStatsCompatibilityTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @Test
    void containerLoggingPrintsRawLinesOnStandardOutputWithoutHealthProbes() throws IOException {
        FjordProxy proxy = start("01-container-logging.cfg");
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            assertThat(get(proxy, "www", "/healthz", "")).endsWith("app1");
            assertThat(get(proxy, "www", "/orders", "")).endsWith("app2");
            // the line may be written just after the client saw the response: wait for it, at most 5 s
            for (int i = 0; i < 50 && !printed.toString(StandardCharsets.UTF_8).contains("/orders"); i++) {
                sleep(100);
            }
        } finally {
            System.setOut(original);
        }
        assertThat(printed.toString(StandardCharsets.UTF_8).lines())
                .anyMatch(line ->
                        line.matches("127\\.0\\.0\\.1:\\d+ \\[.+\\] www app/app2 .* 200 .* \"GET /orders HTTP/1\\.1\""))
                .noneMatch(line -> line.contains("/healthz"));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void thePrometheusFrontendServesHaproxysMetrics() throws IOException {
        FjordProxy proxy = start("09-prometheus-exporter.cfg");
        assertThat(get(proxy, "www", "/", "")).endsWith("web1");

        String metrics = get(proxy, "prometheus", "/metrics", "");
        assertThat(metrics)
                .contains("# TYPE haproxy_backend_status gauge\n")
                .contains("haproxy_backend_status{proxy=\"app\",state=\"UP\"} 1\n")
                .contains("haproxy_server_sessions_total{proxy=\"app\",server=\"web1\"} 1\n")
                .contains("haproxy_frontend_http_responses_total{proxy=\"www\",code=\"2xx\"} 1\n");
        assertThat(get(proxy, "prometheus", "/other", "")).startsWith("HTTP/1.1 503");
    }

    @Test
    void allBackupsFromTheDefaultsShareTheLoadWhenNoActiveServerIsLeft() throws IOException {
        FjordProxy proxy = start("08-all-backups.cfg");
        Set<String> served = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            String response = get(proxy, "www", "/", "");
            served.add(response.substring(response.lastIndexOf('\n') + 1));
        }
        assertThat(served).containsExactlyInAnyOrder("spare1", "spare2");
    }

    @Test
    void blueGreenSendsEverythingToTheLiveColorAndTestersToTheOther() throws IOException {
        FjordProxy proxy = start("02-blue-green-weights.cfg");
        for (int i = 0; i < 3; i++) {
            assertThat(get(proxy, "www", "/", "")).endsWith("blue1");
        }
        assertThat(get(proxy, "www", "/", "X-Canary: 1\r\n")).endsWith("green1");
    }

    @Test
    void theStatsPageAsksForItsUserAndShowsOnlyItsScope() throws IOException {
        FjordProxy proxy = start("25-stats-page.cfg");
        assertThat(get(proxy, "stats", "/", ""))
                .startsWith("HTTP/1.1 401")
                .contains("WWW-Authenticate: Basic realm=\"Haproxy Statistics\"");

        String credentials = Base64.getEncoder().encodeToString("admin:s3cret".getBytes(StandardCharsets.UTF_8));
        String page = get(proxy, "stats", "/", "Authorization: Basic " + credentials + "\r\n");
        assertThat(page)
                .startsWith("HTTP/1.1 200")
                .contains("Statistics Report for pid")
                .contains(" on edge-1: Edge balancer</h2>")
                .contains("id=\"app\"")
                .doesNotContain("id=\"internal\"")
                .doesNotContain("(version ");
    }

    /** Imports {@code name} as it is, then moves its binds and servers onto loopback and starts it. */
    private FjordProxy start(String name) throws IOException {
        String text;
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream("/compat/" + name))) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        ProxyConfig.Builder builder = HaproxyImport.parse(text, name, Map.of()).builder();
        ProxyConfig parsed = builder.build();
        for (String frontend : parsed.frontends().keySet()) {
            if (parsed.listens().contains(frontend)) {
                builder.editListen(frontend, l -> l.clearBinds().bind("127.0.0.1:0"));
            } else {
                builder.editFrontend(frontend, f -> f.clearBinds().bind("127.0.0.1:0"));
            }
        }
        for (BackendConfig backend : parsed.backends().values()) {
            for (ServerConfig server : backend.servers()) {
                String address = ProxyExtension.address(namedServer(server.name()));
                if (parsed.listens().contains(backend.name())) {
                    builder.editListen(backend.name(), l -> l.editServer(server.name(), s -> s.address(address)));
                } else {
                    builder.editBackend(backend.name(), b -> b.editServer(server.name(), s -> s.address(address)));
                }
            }
        }
        return fjord.start(builder.build());
    }

    /** A web server on loopback whose pages say {@code name}. */
    private MockWebServer namedServer(String name) {
        MockWebServer server = fjord.mockServer();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return new MockResponse.Builder().body(name).build();
            }
        });
        return server;
    }

    private static String get(FjordProxy proxy, String frontend, String path, String headers) throws IOException {
        try (RawClient client = new RawClient(proxy.address(frontend))) {
            client.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n" + headers + "Connection: close\r\n\r\n");
            return client.readUntilClose();
        }
    }
}
