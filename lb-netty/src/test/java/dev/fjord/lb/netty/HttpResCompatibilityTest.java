package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.haproxy.HaproxyImport;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * haproxy.cfg files of the compatibility set with response rules, errorfiles and redirects (lb-examples'
 * {@code compat/} folder, each accepted by HAProxy 2.6's {@code haproxy -c} with {@code COMPAT_DIR} set to that
 * folder), imported as they are, moved onto loopback, started, and checked in more detail than the set's own test;
 * HAProxy 2.6.12 answered the same on loopback.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpResCompatibilityTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final MockWebServer web1 = fjord.mockServer();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    HttpResCompatibilityTest() {
        web1.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String target = Objects.requireNonNull(request.getTarget());
                MockResponse.Builder response = new MockResponse.Builder()
                        .code(target.startsWith("/err") ? 500 : target.startsWith("/private") ? 403 : 200)
                        .addHeader("Server", "Apache/2.4.57")
                        .addHeader("X-Powered-By", "PHP/8.2")
                        .addHeader("X-AspNet-Version", "4.0")
                        .addHeader("Set-Cookie", "a=1; path=/")
                        .addHeader("Set-Cookie", "b=2; path=/; Secure")
                        .body("web1");
                if (target.startsWith("/leak")) {
                    response.addHeader("X-Debug-Token", "5f2a");
                }
                return response.build();
            }
        });
    }

    private FjordProxy start(String file, Consumer<ProxyConfig.Builder> loopback) throws IOException {
        String text;
        try (InputStream in = getClass().getResourceAsStream("/compat/" + file)) {
            text = new String(Objects.requireNonNull(in, file).readAllBytes(), StandardCharsets.UTF_8);
        }
        HaproxyImport imported = HaproxyImport.parse(text, file, Map.of("COMPAT_DIR", folder()));
        assertThat(imported.report().warnings()).isEmpty();
        ProxyConfig.Builder builder =
                imported.builder().editFrontend("www", f -> f.clearBinds().bind("127.0.0.1:0"));
        loopback.accept(builder);
        return fjord.start(builder.build());
    }

    private static String folder() {
        try {
            return Path.of(Objects.requireNonNull(HttpResCompatibilityTest.class.getResource("/compat"))
                            .toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private Consumer<ProxyConfig.Builder> web1IsTheServer() {
        return b -> b.editBackend("app", a -> a.editServer("web1", s -> s.address(ProxyExtension.address(web1))));
    }

    private HttpResponse<String> get(FjordProxy proxy, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + proxy.address("www").getPort() + path);
        return http.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void maintenancePageWhileEveryServerIsDown() throws Exception {
        FjordProxy proxy = start(
                "03-maintenance-page.cfg",
                b -> b.editBackend(
                        "app",
                        a -> a.editServer("web1", s -> s.address("127.0.0.1:1"))
                                .editServer("web2", s -> s.address("127.0.0.1:1"))));

        HttpResponse<String> response = get(proxy, "/");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("<h1>We'll be back soon</h1>");
        assertThat(response.headers().firstValue("retry-after")).hasValue("600");
        assertThat(response.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(response.headers().allValues("cache-control")).containsExactly("no-store");
    }

    @Test
    void securityHeadersAddedAndServerBannersRemoved() throws Exception {
        FjordProxy proxy = start("19-security-headers.cfg", web1IsTheServer());

        HttpResponse<String> response = get(proxy, "/");

        assertThat(response.body()).isEqualTo("web1");
        assertThat(response.headers().map())
                .doesNotContainKeys("server", "x-powered-by", "x-aspnet-version")
                .containsEntry(
                        "strict-transport-security",
                        java.util.List.of("max-age=63072000; includeSubDomains; " + "preload"))
                .containsEntry("x-frame-options", java.util.List.of("SAMEORIGIN"))
                .containsEntry("x-content-type-options", java.util.List.of("nosniff"))
                .containsEntry("referrer-policy", java.util.List.of("strict-origin-when-cross-origin"));
        assertThat(response.headers().allValues("set-cookie"))
                .containsExactly("a=1; path=/; Secure", "b=2; path=/; Secure");
    }

    @Test
    void redirectsFromTheManualAnswerBeforeAnyServer() throws Exception {
        FjordProxy proxy = start("17-redirects.cfg", web1IsTheServer());
        String bare;
        try (RawClient client = new RawClient(proxy.address("www"))) {
            bare = client.send("GET /x?y=1 HTTP/1.1\r\nHost: example.com\r\n\r\n")
                    .readResponse();
        }

        HttpResponse<String> article = get(proxy, "/article/fjord?utm=1");
        HttpResponse<String> news = get(proxy, "/news");
        HttpResponse<String> logout = get(proxy, "/logout");

        assertThat(bare)
                .startsWith("HTTP/1.1 301 Moved Permanently\r\n")
                .contains("\r\nLocation: " + "http://www.example.com/x?y=1\r\n");
        assertThat(article.statusCode()).isEqualTo(301);
        assertThat(article.headers().firstValue("location")).hasValue("/article/fjord/");
        assertThat(article.headers().firstValue("cache-control")).isEmpty();
        assertThat(news.statusCode()).isEqualTo(308);
        assertThat(news.headers().firstValue("location")).hasValue("/blog/");
        assertThat(logout.statusCode()).isEqualTo(302);
        assertThat(logout.headers().firstValue("set-cookie")).hasValue("SESSION=; path=/; Max-Age=0;");
        assertThat(logout.headers().firstValue("cache-control")).hasValue("no-cache");
        assertThat(web1.getRequestCount()).isZero();
    }

    @Test
    void serverErrorsAreKeptFromClients() throws Exception {
        FjordProxy proxy = start("27-hide-server-errors.cfg", web1IsTheServer());

        HttpResponse<String> leak = get(proxy, "/leak");
        HttpResponse<String> hidden = get(proxy, "/private");
        HttpResponse<String> failing = get(proxy, "/err");
        HttpResponse<String> fine = get(proxy, "/ok");

        assertThat(leak.statusCode()).isEqualTo(502);
        assertThat(leak.body()).isEqualTo("Something went wrong on our side.\n");
        assertThat(leak.headers().firstValue("x-debug-token")).isEmpty();
        assertThat(hidden.statusCode()).isEqualTo(404);
        assertThat(hidden.body()).isEqualTo("web1");
        assertThat(failing.statusCode()).isEqualTo(503);
        assertThat(failing.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(failing.body()).isEqualTo("{\"error\":\"unavailable\"}");
        assertThat(fine.statusCode()).isEqualTo(200);
        assertThat(fine.body()).isEqualTo("web1");
    }
}
