package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redirects whose target is a log-format, as HTTPS redirects are written, and a {@code return} whose body is one
 * ({@code lf-string}): the same {@code Location} and body as HAProxy 2.6.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RedirectFormatProxyTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @TempDir
    Path dir;

    private String config(String bind) {
        return HaproxyProcess.HTTP_DEFAULTS + """
                frontend main
                    bind %s
                    acl a path_beg /a
                    http-request redirect location https://%%[hdr(host),field(1,:)]%%[capture.req.uri] code 301 if a
                    http-request redirect prefix https://%%[req.hdr(host),lower] code 302 if { path_beg /b }
                    http-request redirect location /c?from=%%[path,url_dec]&%%%% code 303 if { path_beg /c }
                    acl j path_beg /j
                    http-request return status 200 content-type text/json lf-string '{"p":"%%[path]","c":"%%%%"}' if j
                    http-request return status 200 content-type text/plain string none
                """.formatted(bind);
    }

    private List<String> run(InetSocketAddress proxy) throws IOException {
        List<String> seen = new ArrayList<>();
        try (RawClient client = new RawClient(proxy).timeout(5000)) {
            client.send("GET /j/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            String response = client.readUntilClose();
            seen.add("/j/1 " + response.substring(response.indexOf("\r\n\r\n") + 4));
        }
        for (String target : List.of("/a/x?y=1", "/b/z", "/c%20d")) {
            try (RawClient client = new RawClient(proxy).timeout(5000)) {
                client.send("GET " + target + " HTTP/1.1\r\nHost: WWW.Example.com:80\r\nConnection: close\r\n\r\n");
                String response = client.readUntilClose();
                String status = response.substring(9, 12);
                int location = response.toLowerCase(java.util.Locale.ROOT).indexOf("\r\nlocation: ");
                seen.add(target + " " + status + " "
                        + response.substring(location + 12, response.indexOf("\r\n", location + 2)));
            }
        }
        return seen;
    }

    @Test
    void theTargetIsEvaluatedForEachRequestAsInHaproxy() throws Exception {
        FjordProxy proxy = fjord.start(config("127.0.0.1:0"));
        List<String> byFjord = run(proxy.address("main"));

        assertThat(byFjord)
                .containsExactly(
                        "/j/1 {\"p\":\"/j/1\",\"c\":\"%\"}",
                        "/a/x?y=1 301 https://WWW.Example.com/a/x?y=1",
                        "/b/z 302 https://www.example.com:80/b/z",
                        "/c%20d 303 /c?from=/c d&%");
        HaproxyProcess.seesTheSame(byFjord, dir, this::config, this::run);
    }
}
