package dev.fjord.lb.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.haproxy.HaproxyImport;
import dev.fjord.lb.netty.FjordProxy;

/** The reference haproxy.cfg, unchanged, imports into the configuration ReferenceCluster builds in code. */
class ReferenceImportTest {

    private static HaproxyImport reference() throws IOException {
        try (InputStream in = ReferenceImportTest.class.getResourceAsStream("/reference/haproxy.cfg")) {
            return HaproxyImport.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "haproxy.cfg", Map.of());
        }
    }

    @Test
    void importedReferenceEqualsTheOneBuiltInCode() throws IOException {
        HaproxyImport imported = reference();

        assertThat(imported.builder().build())
                .isEqualTo(ReferenceCluster.builder().build());
        assertThat(imported.report().ignored())
                .containsExactly(
                        "haproxy.cfg:7: chroot /var/lib/haproxy",
                        "haproxy.cfg:8: pidfile /var/run/haproxy.pid",
                        "haproxy.cfg:10: user haproxy",
                        "haproxy.cfg:11: group haproxy",
                        "haproxy.cfg:12: daemon");
        assertThat(imported.report().warnings()).isEmpty();
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void importedReferenceServesRoundRobinTheCookieAndTheStatsPage() throws Exception {
        try (DemoWebNode web1 = DemoWebNode.start("web1", "127.0.0.1", 0);
                DemoWebNode web2 = DemoWebNode.start("web2", "127.0.0.1", 0)) {
            ProxyConfig config = reference()
                    .builder()
                    .global(g -> g.statsSocket(ReferenceCluster.localStatsSocket()))
                    .editFrontend("main", f -> f.clearBinds().bind("127.0.0.1:0"))
                    .editListen("stats", l -> l.clearBinds().bind("127.0.0.1:0"))
                    .editBackend(
                            "app",
                            b -> b.editServer(
                                            "web1",
                                            s -> s.address("127.0.0.1:"
                                                    + web1.address().getPort()))
                                    .editServer(
                                            "web2",
                                            s -> s.address("127.0.0.1:"
                                                    + web2.address().getPort())))
                    .build();
            try (FjordProxy proxy =
                    FjordProxy.builder(Router.of(config)).ioThreads(1).start()) {
                HttpClient http = HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(2))
                        .build();
                URI main =
                        URI.create("http://127.0.0.1:" + proxy.address("main").getPort() + "/");

                HttpResponse<String> first =
                        http.send(HttpRequest.newBuilder(main).build(), HttpResponse.BodyHandlers.ofString());
                HttpResponse<String> second =
                        http.send(HttpRequest.newBuilder(main).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(first.body()).startsWith("Hello from web1");
                assertThat(second.body()).startsWith("Hello from web2");
                assertThat(first.headers().allValues("set-cookie")).containsExactly("SERVERID=s1; path=/");
                assertThat(first.headers().firstValue("cache-control")).hasValue("private");
                HttpResponse<String> sticky = http.send(
                        HttpRequest.newBuilder(main)
                                .header("Cookie", "SERVERID=s2")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(sticky.body()).startsWith("Hello from web2").contains("Cookie: null");

                URI stats =
                        URI.create("http://127.0.0.1:" + proxy.address("stats").getPort() + "/;csv");
                assertThat(http.send(HttpRequest.newBuilder(stats).build(), HttpResponse.BodyHandlers.ofString())
                                .statusCode())
                        .isEqualTo(401);
                String credentials = Base64.getEncoder()
                        .encodeToString(("admin:" + ReferenceCluster.STATS_PASSWORD).getBytes(StandardCharsets.UTF_8));
                HttpResponse<String> page = http.send(
                        HttpRequest.newBuilder(stats)
                                .header("Authorization", "Basic " + credentials)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(page.statusCode()).isEqualTo(200);
                assertThat(page.body()
                                .lines()
                                .filter(row -> row.startsWith("app,web"))
                                .map(row -> row.split(",", -1)[17]))
                        .containsExactly("UP", "UP"); // the status column
            }
        }
    }
}
