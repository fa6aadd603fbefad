package dev.fjord.lb.core.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.ConfigException;
import dev.fjord.lb.core.RequestHead;
import dev.fjord.lb.core.Router;

/** {@code http-request replace-header}, {@code replace-value} and log-format header values, imported and routed. */
class RequestHeaderRewriteTest {
    private static Router router(String rules) {
        String cfg = """
                defaults
                    mode http
                frontend www
                    bind :80
                %s
                    default_backend app
                backend app
                    server web1 127.0.0.1:8001
                """.formatted(rules);
        return Router.of(
                HaproxyImport.parse(cfg, "haproxy.cfg", Map.of()).builder().build());
    }

    private static RequestHead forwarded(Router router, RequestHead request) {
        return router.route("www", request).asForward().forwardedRequest();
    }

    @Test
    void replaceHeaderRewritesWholeLinesAndReplaceValueEachValue() {
        Router router = router("""
                    http-request replace-header User-Agent ^curl/(.*)$ cli-client/\\1
                    http-request replace-value X-Tags ^secret-.*$ redacted
                    http-request set-header X-Seen %[req.hdr(user-agent)]
                """);
        RequestHead request = RequestHead.builder()
                .header("User-Agent", "curl/8.5")
                .header("X-Tags", "a, secret-1,b")
                .header("X-Tags", "secret-2")
                .build();

        RequestHead out = forwarded(router, request);

        assertThat(out.headers("User-Agent")).containsExactly("cli-client/8.5");
        assertThat(out.headers("X-Tags")).containsExactly("a,redacted,b", "redacted");
        assertThat(out.header("X-Seen")).as("later rules see the rewrite").isEqualTo("cli-client/8.5");
    }

    @Test
    void aLineThatDoesNotMatchStaysAsItIs() {
        Router router = router("    http-request replace-header User-Agent ^curl/(.*)$ cli-client/\\1");
        RequestHead request =
                RequestHead.builder().header("User-Agent", "Mozilla/5.0").build();

        assertThat(forwarded(router, request).headers("User-Agent")).containsExactly("Mozilla/5.0");
    }

    @Test
    void errorsNameTheLineTheRegexAndTheExpression() {
        assertThatThrownBy(() -> router("    http-request replace-header User-Agent ^(curl x"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("haproxy.cfg:5: 'http-request replace-header' in frontend 'www': "
                        + "http-request replace-header: regex '^(curl' (expected: a regular expression;");
        assertThatThrownBy(() -> router("    http-request set-header X-Id %[rand]"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("haproxy.cfg:5: 'http-request set-header' in frontend 'www': http-request "
                        + "set-header X-Id: sample 'rand': fetch 'rand' is not supported yet (expected: src,");
    }
}
