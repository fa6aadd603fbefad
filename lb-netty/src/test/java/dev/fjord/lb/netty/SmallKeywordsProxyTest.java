package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/** Stats page options and the small keywords of issue 17 on a running proxy. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SmallKeywordsProxyTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @Test
    void statsScopeNodeDescriptionAndLegendsShowOnThePage() throws IOException {
        FjordProxy proxy = fjord.start("""
                defaults
                    mode http
                listen stats
                    bind 127.0.0.1:0
                    stats enable
                    stats uri /stats
                    stats scope app
                    stats show-node lb1
                    stats show-desc Primary balancer
                    stats show-legends
                    stats refresh 5s
                    stats hide-version
                frontend main
                    bind 127.0.0.1:0
                    default_backend app
                backend app
                    server web1 127.0.0.1:9 cookie w1
                backend other
                    server web2 127.0.0.1:9
                """);

        String page = get(proxy, "stats", "/stats");
        assertThat(page)
                .contains("<title>Statistics Report on lb1</title>")
                .contains("<h2 id=\"node\">Statistics Report for pid "
                        + ProcessHandle.current().pid() + " on lb1: Primary balancer</h2>")
                .contains("<meta http-equiv=\"refresh\" content=\"5\">")
                .contains("<table class=\"tbl\" id=\"app\">")
                .contains("(mode http, id ")
                .contains("title=\"IP: 127.0.0.1:9, id: 1, cookie: w1\"")
                .doesNotContain("id=\"other\"")
                .doesNotContain("id=\"main\"")
                .doesNotContain("(version ");
        assertThat(get(proxy, "stats", "/stats;csv"))
                .contains("\napp,BACKEND,")
                .doesNotContain("\nother,")
                .doesNotContain("\nmain,FRONTEND,");
    }

    @Test
    void aServerWithoutAPortGetsThePortTheClientConnectedTo() throws IOException, InterruptedException {
        // the server listens on another loopback address at the frontend's own port
        FjordProxy proxy = fjord.start("""
                defaults
                    mode http
                frontend main
                    bind 127.0.0.1:0
                    use_backend app
                backend app
                    server web1 127.0.0.2
                """);
        int port = proxy.address("main").getPort();
        try (MockWebServer web = new MockWebServer()) {
            web.start(InetAddress.getByName("127.0.0.2"), port);
            web.enqueue(new MockResponse.Builder().body("same port").build());

            assertThat(get(proxy, "main", "/")).startsWith("HTTP/1.1 200").endsWith("same port");
            RecordedRequest request = web.takeRequest(5, TimeUnit.SECONDS);
            assertThat(request).isNotNull();
            assertThat(request.getTarget()).isEqualTo("/");
        }
    }

    private static String get(FjordProxy proxy, String frontend, String path) throws IOException {
        try (RawClient client = new RawClient(proxy.address(frontend))) {
            client.send("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            return client.readUntilClose();
        }
    }
}
