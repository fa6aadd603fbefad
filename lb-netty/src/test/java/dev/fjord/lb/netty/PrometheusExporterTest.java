package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;

/**
 * {@code http-request use-service prometheus-exporter}: a real proxy's counters in the Prometheus text format with
 * HAProxy's metric names, checked line by line against the exposition format.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PrometheusExporterTest {
    private static final Pattern HELP = Pattern.compile("# HELP (haproxy_[a-z_]+) \\S.*");
    private static final Pattern TYPE = Pattern.compile("# TYPE (haproxy_[a-z_]+) (gauge|counter)");
    private static final Pattern SAMPLE = Pattern.compile(
            "(haproxy_[a-z_]+)\\{(proxy=\"[^\"]+\"(?:,server=\"[^\"]+\")?(?:,(?:state|code)=\"[A-Za-z0-9]+\")?)\\}"
                    + " (NaN|-?\\d+(?:\\.\\d{6})?)");

    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @Test
    void countersAreServedWithHaproxysNamesInTheTextFormat() throws IOException {
        MockWebServer web = fjord.mockServer();
        for (int i = 0; i < 3; i++) {
            web.enqueue(new MockResponse.Builder().body("hello").build());
        }
        FjordProxy proxy = fjord.start("""
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 5s
                    timeout server 5s
                frontend prometheus
                    bind 127.0.0.1:0
                    http-request use-service prometheus-exporter if { path /metrics }
                    no log
                frontend main
                    bind 127.0.0.1:0
                    default_backend app
                backend app
                    server web1 %s maxconn 10
                    server web2 127.0.0.1:9 backup disabled
                """.formatted(ProxyExtension.address(web)));
        for (int i = 0; i < 3; i++) {
            try (RawClient client = new RawClient(proxy.address("main"))) {
                client.send("GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                assertThat(client.readUntilClose()).startsWith("HTTP/1.1 200").endsWith("hello");
            }
        }

        String response;
        try (RawClient client = new RawClient(proxy.address("prometheus"))) {
            client.send("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            response = client.readUntilClose();
        }
        assertThat(response).startsWith("HTTP/1.1 200").contains("text/plain; version=0.0.4");
        Map<String, String> samples = parseStrictly(response.substring(response.indexOf("\r\n\r\n") + 4));

        assertThat(samples)
                .containsEntry("haproxy_frontend_http_requests_total{proxy=\"main\"}", "3")
                .containsEntry("haproxy_frontend_http_responses_total{proxy=\"main\",code=\"2xx\"}", "3")
                .containsEntry("haproxy_frontend_status{proxy=\"main\",state=\"UP\"}", "1")
                .containsEntry("haproxy_backend_http_responses_total{proxy=\"app\",code=\"2xx\"}", "3")
                .containsEntry("haproxy_backend_status{proxy=\"app\",state=\"UP\"}", "1")
                .containsEntry("haproxy_backend_active_servers{proxy=\"app\"}", "1")
                .containsEntry("haproxy_server_sessions_total{proxy=\"app\",server=\"web1\"}", "3")
                .containsEntry("haproxy_server_current_sessions{proxy=\"app\",server=\"web1\"}", "0")
                .containsEntry("haproxy_server_limit_sessions{proxy=\"app\",server=\"web1\"}", "10")
                .containsEntry("haproxy_server_limit_sessions{proxy=\"app\",server=\"web2\"}", "NaN")
                .containsEntry("haproxy_server_status{proxy=\"app\",server=\"web1\",state=\"UP\"}", "1")
                .containsEntry("haproxy_server_status{proxy=\"app\",server=\"web2\",state=\"MAINT\"}", "1")
                .containsEntry("haproxy_server_status{proxy=\"app\",server=\"web2\",state=\"UP\"}", "0")
                .containsKey("haproxy_backend_response_time_average_seconds{proxy=\"app\"}")
                .containsKey("haproxy_server_total_time_average_seconds{proxy=\"app\",server=\"web1\"}");
        // the exporter's own request is counted on its frontend, as HAProxy counts it
        assertThat(samples).containsEntry("haproxy_frontend_http_requests_total{proxy=\"prometheus\"}", "1");
    }

    @Test
    void scopeAndNoMaintFilterAsHaproxysExporterDoes() throws IOException {
        FjordProxy proxy = fjord.start("""
                defaults
                    mode http
                frontend main
                    bind 127.0.0.1:0
                    http-request use-service prometheus-exporter
                    default_backend app
                backend app
                    server web1 127.0.0.1:9
                    server web2 127.0.0.1:9 disabled
                """);
        String servers;
        try (RawClient client = new RawClient(proxy.address("main"))) {
            client.send("GET /metrics?scope=server&no-maint HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            servers = client.readUntilClose();
        }
        Map<String, String> samples = parseStrictly(servers.substring(servers.indexOf("\r\n\r\n") + 4));
        assertThat(samples.keySet()).isNotEmpty().allMatch(name -> name.startsWith("haproxy_server_"));
        assertThat(samples.keySet()).noneMatch(name -> name.contains("server=\"web2\""));
    }

    /**
     * The samples of an exposition, each line checked: a HELP then a TYPE line open each metric once, its samples
     * follow and use its name, labels are {@code proxy}, {@code server} and {@code state} or {@code code}.
     */
    private static Map<String, String> parseStrictly(String body) {
        Map<String, String> samples = new LinkedHashMap<>();
        List<String> metrics = new ArrayList<>();
        String current = null;
        String[] lines = body.split("\n", -1);
        assertThat(lines[lines.length - 1]).as("the text ends with a line feed").isEmpty();
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            Matcher help = HELP.matcher(line);
            if (help.matches()) {
                assertThat(metrics).as("metric %s opened once", help.group(1)).doesNotContain(help.group(1));
                Matcher type = TYPE.matcher(lines[++i]);
                assertThat(type.matches()).as("TYPE after HELP: %s", lines[i]).isTrue();
                assertThat(type.group(1)).isEqualTo(help.group(1));
                assertThat(type.group(2))
                        .as("counters end in _total")
                        .isEqualTo(help.group(1).endsWith("_total") ? "counter" : "gauge");
                current = help.group(1);
                metrics.add(current);
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            assertThat(sample.matches()).as("line %d: %s", i + 1, line).isTrue();
            assertThat(sample.group(1))
                    .as("line %d belongs to %s", i + 1, current)
                    .isEqualTo(current);
            String key = sample.group(1) + "{" + sample.group(2) + "}";
            assertThat(samples.put(key, sample.group(3))).as("%s once", key).isNull();
        }
        return samples;
    }
}
