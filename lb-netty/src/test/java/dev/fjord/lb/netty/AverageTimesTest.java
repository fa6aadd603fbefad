package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.Server;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;

/**
 * The stats' average times ({@code rtime}, {@code ttime}) are kept for frontends that log nothing too, where no
 * access-log entry is made for them.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AverageTimesTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final MockWebServer web = fjord.mockServer();

    @Test
    void aFrontendWithoutLogStillFeedsTheServersAverageTimes() throws Exception {
        web.enqueue(new MockResponse.Builder()
                .headersDelay(120, TimeUnit.MILLISECONDS)
                .body("slow")
                .build());
        ProxyConfig config = ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP).timeoutServer(Duration.ofSeconds(5)))
                .frontend("main", f -> f.bind("127.0.0.1:0").defaultBackend("app"))
                .backend("app", b -> b.server("web", ProxyExtension.address(web)))
                .build();
        FjordProxy proxy = fjord.start(config, b -> b.ioThreads(1));
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create("http://127.0.0.1:" + proxy.address("main").getPort() + "/");

        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.body()).isEqualTo("slow");
        Server server = proxy.router().backend("app").requireServer("web");
        long[] averages = awaitTimed(server);
        assertThat(averages[2]).as("rtime").isGreaterThanOrEqualTo(100);
        assertThat(averages[3]).as("ttime").isGreaterThanOrEqualTo(averages[2]);
        assertThat(proxy.router().backend("app").counters().averageTimes()[2]).isGreaterThanOrEqualTo(100);
    }

    /** The server's averages once its exchange has ended (just after the client read the response); within 5 s. */
    private static long[] awaitTimed(Server server) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        long[] averages = server.counters().averageTimes();
        while (averages[3] == 0 && System.nanoTime() < end) {
            Thread.onSpinWait();
            Thread.yield();
            averages = server.counters().averageTimes();
        }
        return averages;
    }
}
