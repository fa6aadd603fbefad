package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;

/** haproxy.cfg files with response rules and errorfiles, imported and run on loopback. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ImportedResponseRulesTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @TempDir
    Path dir;

    private final MockWebServer web = fjord.mockServer();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private HttpResponse<String> get(FjordProxy proxy, String frontend, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + proxy.address(frontend).getPort() + path);
        return http.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theMaintenancePageIsTheBackendsErrorfileWithTheAfterResponseHeaders() throws Exception {
        Path page = Files.writeString(dir.resolve("maintenance.http"), """
                HTTP/1.1 503 Service Unavailable
                Content-Type: text/html
                Cache-Control: no-store
                Retry-After: 600

                <html><body><h1>Down for maintenance</h1></body></html>
                """);
        FjordProxy proxy = fjord.start("""
                defaults
                    mode http
                    retries 0
                    timeout connect 500ms
                    timeout client 5s
                    timeout server 5s
                frontend www
                    bind 127.0.0.1:0
                    http-after-response set-header X-Frame-Options SAMEORIGIN
                    default_backend app
                backend app
                    errorfile 503 %s
                    server web1 127.0.0.1:1
                """.formatted(page));

        HttpResponse<String> response = get(proxy, "www", "/");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).isEqualTo("<html><body><h1>Down for maintenance</h1></body></html>\n");
        assertThat(response.headers().firstValue("retry-after")).hasValue("600");
        assertThat(response.headers().firstValue("content-type")).hasValue("text/html");
        assertThat(response.headers().firstValue("x-frame-options")).hasValue("SAMEORIGIN");
    }

    @Test
    void securityHeadersAndServerHidingFromAnImportedConfig() throws Exception {
        web.enqueue(new MockResponse.Builder()
                .addHeader("Server", "Apache/2.4.57 (Debian)")
                .addHeader("X-Powered-By", "PHP/8.2")
                .addHeader("Set-Cookie", "PHPSESSID=abc; path=/")
                .body("hello")
                .build());
        FjordProxy proxy = fjord.start("""
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 5s
                    timeout server 5s
                frontend www
                    bind 127.0.0.1:0
                    http-response set-header Strict-Transport-Security "max-age=63072000; includeSubDomains"
                    http-response set-header X-Content-Type-Options nosniff
                    default_backend app
                backend app
                    http-response del-header Server
                    http-response del-header X-Powered-By
                    http-response replace-header Set-Cookie ^(.*)$ \\1;\\ HttpOnly;\\ Secure
                    server web1 %s
                """.formatted(ProxyExtension.address(web)));

        HttpResponse<String> response = get(proxy, "www", "/");

        assertThat(response.body()).isEqualTo("hello");
        assertThat(response.headers().firstValue("server")).isEmpty();
        assertThat(response.headers().firstValue("x-powered-by")).isEmpty();
        assertThat(response.headers().firstValue("set-cookie")).hasValue("PHPSESSID=abc; path=/; HttpOnly; Secure");
        assertThat(response.headers().firstValue("strict-transport-security"))
                .hasValue("max-age=63072000; includeSubDomains");
        assertThat(response.headers().firstValue("x-content-type-options")).hasValue("nosniff");
    }

    @Test
    void redirectStatementsAndHttpRequestRedirectOptionsAnswerBeforeAnyServer() throws Exception {
        FjordProxy proxy = fjord.start("""
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 5s
                    timeout server 5s
                frontend www
                    bind 127.0.0.1:0
                    acl missing_slash path_reg ^/article/[^/]*$
                    redirect code 301 prefix / drop-query append-slash if missing_slash
                    http-request redirect location /logged-out clear-cookie USERID= if { path /logout }
                    default_backend app
                backend app
                    server web1 %s
                """.formatted(ProxyExtension.address(web)));

        HttpResponse<String> article = get(proxy, "www", "/article/fjord?utm=x");
        HttpResponse<String> logout = get(proxy, "www", "/logout");

        assertThat(article.statusCode()).isEqualTo(301);
        assertThat(article.headers().firstValue("location")).hasValue("/article/fjord/");
        assertThat(logout.statusCode()).isEqualTo(302);
        assertThat(logout.headers().firstValue("set-cookie")).hasValue("USERID=; path=/; Max-Age=0;");
        assertThat(web.getRequestCount()).isZero();
    }
}
