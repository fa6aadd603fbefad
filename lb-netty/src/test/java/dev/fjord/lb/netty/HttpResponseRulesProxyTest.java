package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.BackendConfig;
import dev.fjord.lb.core.ErrorFile;
import dev.fjord.lb.core.FrontendConfig;
import dev.fjord.lb.core.HttpRequestRule;
import dev.fjord.lb.core.HttpResponseRule;
import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.ProxyConfig;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpResponseRulesProxyTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final MockWebServer web = fjord.mockServer();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private FjordProxy proxy(Consumer<FrontendConfig.Builder> frontend, Consumer<BackendConfig.Builder> backend) {
        return fjord.start(ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP)
                        .retries(0)
                        .timeoutConnect(Duration.ofMillis(500))
                        .timeoutServer(Duration.ofSeconds(5))
                        .timeoutClient(Duration.ofSeconds(5)))
                .frontend("main", f -> {
                    f.bind("127.0.0.1:0").defaultBackend("app").useBackend("down", "{ path_beg /down }");
                    frontend.accept(f);
                })
                .backend("app", b -> {
                    b.server("web1", ProxyExtension.address(web));
                    backend.accept(b);
                })
                .backend("down", b -> b.server("gone", "127.0.0.1:1"))
                .build());
    }

    private HttpResponse<String> get(FjordProxy proxy, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + proxy.address("main").getPort() + path);
        return http.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theClientSeesTheServersResponseEditedByTheRules() throws Exception {
        web.enqueue(new MockResponse.Builder()
                .code(500)
                .addHeader("Server", "nginx/1.25.3")
                .addHeader("Cache-Control", "max-age=60, public")
                .addHeader("X-Powered-By", "PHP/8.1")
                .body("oops")
                .build());
        FjordProxy proxy = proxy(
                f -> f.httpResponse(HttpResponseRule.setHeader("X-Frame-Options", "DENY")),
                b -> b.httpResponse(HttpResponseRule.delHeader("Server"))
                        .httpResponse(HttpResponseRule.delHeader("X-Powered-By"))
                        .httpResponse(HttpResponseRule.replaceValue("Cache-Control", "^public$", "private"))
                        .httpResponse(
                                HttpResponseRule.setStatus(503, "Slow Down").when("{ status 500 }")));

        HttpResponse<String> response = get(proxy, "/");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).isEqualTo("oops");
        assertThat(response.headers().firstValue("server")).isEmpty();
        assertThat(response.headers().firstValue("x-powered-by")).isEmpty();
        assertThat(response.headers().firstValue("cache-control")).hasValue("max-age=60,private");
        assertThat(response.headers().firstValue("x-frame-options")).hasValue("DENY");
    }

    @Test
    void aDenyOnTheResponseAnswersTheErrorfileAndTheNextRequestIsServed() throws Exception {
        web.enqueue(new MockResponse.Builder()
                .addHeader("X-Debug-Token", "secret")
                .body("leak")
                .build());
        web.enqueue(new MockResponse.Builder().body("fine").build());
        FjordProxy proxy = proxy(
                f -> f.errorFile(
                        502,
                        ErrorFile.parse(
                                "502.http",
                                "HTTP/1.1 502 Bad Gateway\n\nfiltered\n"
                                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))),
                b -> b.httpResponse(HttpResponseRule.deny().when("{ res.hdr(x-debug-token) -m found }")));

        HttpResponse<String> denied = get(proxy, "/one");
        HttpResponse<String> next = get(proxy, "/two");

        assertThat(denied.statusCode()).isEqualTo(502);
        assertThat(denied.body()).isEqualTo("filtered\n");
        assertThat(denied.headers().firstValue("x-debug-token")).isEmpty();
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(next.body()).isEqualTo("fine");
        assertThat(proxy.router().frontendCounters("main").deniedResponses()).isEqualTo(1);
        assertThat(proxy.router().backend("app").counters().deniedResponses()).isEqualTo(1);
    }

    @Test
    void afterResponseRulesReachTheProxysOwn503AndRedirects() throws Exception {
        FjordProxy proxy = proxy(
                f -> f.httpRequest(HttpRequestRule.redirectLocation("/new", 301).when("{ path /old }"))
                        .httpAfterResponse(HttpResponseRule.setHeader("Strict-Transport-Security", "max-age=600"))
                        .httpAfterResponse(
                                HttpResponseRule.setStatus(503, "Back Soon").when("{ status 503 }")),
                b -> {});

        HttpResponse<String> unavailable = get(proxy, "/down/x");
        HttpResponse<String> moved = get(proxy, "/old");

        assertThat(unavailable.statusCode()).isEqualTo(503);
        assertThat(unavailable.headers().firstValue("strict-transport-security"))
                .hasValue("max-age=600");
        assertThat(unavailable.body()).contains("503 Service Unavailable");
        assertThat(moved.statusCode()).isEqualTo(301);
        assertThat(moved.headers().firstValue("location")).hasValue("/new");
        assertThat(moved.headers().firstValue("strict-transport-security")).hasValue("max-age=600");
        assertThat(List.of(web.getRequestCount())).containsExactly(0);
    }

    @Test
    void theStatsPageGetsTheAfterResponseHeadersButNotTheResponseRules() throws Exception {
        FjordProxy proxy = proxy(
                f -> f.stats(s -> s.uri("/stats"))
                        .httpResponse(HttpResponseRule.setHeader("X-Response", "1"))
                        .httpAfterResponse(HttpResponseRule.setHeader("X-After", "1")),
                b -> {});

        HttpResponse<String> stats = get(proxy, "/stats;csv");

        assertThat(stats.statusCode()).isEqualTo(200);
        assertThat(stats.body()).startsWith("# pxname,svname");
        assertThat(stats.headers().firstValue("x-after")).hasValue("1");
        assertThat(stats.headers().firstValue("x-response")).isEmpty();
    }

    @Test
    void responseRedirectReplacesTheServersAnswer() throws Exception {
        web.enqueue(new MockResponse.Builder().code(401).body("login first").build());
        FjordProxy proxy = proxy(
                f -> f.httpResponse(HttpResponseRule.redirect("/login", 302).when("{ status 401 } METH_GET")), b -> {});

        HttpResponse<String> response = get(proxy, "/account");

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("location")).hasValue("/login");
        assertThat(response.body()).isEmpty();
    }
}
