package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.haproxy.HaproxyImport;

/**
 * {@code http-request set-path|set-query|set-uri|replace-path|replace-uri}, and the {@code regsub} converter API
 * gateways strip prefixes with: the server gets the rewritten target, later rules and {@code use_backend} see it, the
 * client's own request (and so the log line) keeps what was received.
 */
class TargetRewriteTest {

    private static Router router(String rules) {
        return Router.of(HaproxyImport.parse(
                        "defaults\n    mode http\nfrontend www\n    bind :80\n" + rules
                                + "    use_backend v2 if { path_beg /v2/ }\n    default_backend app\n"
                                + "backend app\n    server web1 127.0.0.1:8001\n"
                                + "backend v2\n    server v2a 127.0.0.1:8002\n",
                        "haproxy.cfg",
                        Map.of())
                .builder()
                .build());
    }

    private static RequestHead forwarded(Router router, String uri) {
        return router.route(RequestHead.get(uri)).asForward().forwardedRequest();
    }

    @Test
    void setPathKeepsTheQueryAndLaterRulesSeeTheNewPath() {
        Router router = router("    http-request set-path %[path,regsub(^/api/,/v2/)] if { path_beg /api/ }\n"
                + "    http-request set-header X-Path %[path]\n");

        RouteDecision.Forward decision =
                router.route(RequestHead.get("/api/orders?id=7")).asForward();

        assertThat(decision.backend().name())
                .as("use_backend sees the rewritten path")
                .isEqualTo("v2");
        assertThat(decision.forwardedRequest().uri()).isEqualTo("/v2/orders?id=7");
        assertThat(decision.forwardedRequest().header("X-Path")).isEqualTo("/v2/orders");
        assertThat(decision.request().uri()).as("what the client sent").isEqualTo("/api/orders?id=7");
        assertThat(forwarded(router, "/other").uri()).isEqualTo("/other");
    }

    @Test
    void replacePathAndReplaceUriReplaceWhatMatchesAsHaproxyDoes() {
        assertThat(forwarded(router("    http-request replace-path /static/(.*) /assets/\\1\n"), "/static/a.css?v=2")
                        .uri())
                .isEqualTo("/assets/a.css?v=2");
        assertThat(forwarded(router("    http-request replace-uri ^/old(.*) /new\\1\n"), "/old/x?y=1")
                        .uri())
                .isEqualTo("/new/x?y=1");
        assertThat(forwarded(router("    http-request replace-path ^/nomatch(.*) /x\\1\n"), "/a")
                        .uri())
                .isEqualTo("/a");
    }

    @Test
    void setQueryAndSetUri() {
        assertThat(forwarded(router("    http-request set-query lang=en\n"), "/a?x=1")
                        .uri())
                .isEqualTo("/a?lang=en");
        assertThat(forwarded(router("    http-request set-uri /maintenance\n"), "/a?x=1")
                        .uri())
                .isEqualTo("/maintenance");
    }

    @Test
    void aRegsubWithFlagsAndABadRegexIsRefusedAtImport() {
        assertThat(forwarded(router("    http-request set-path %[path,regsub(/+,/,g)]\n"), "//a///b")
                        .path())
                .isEqualTo("/a/b");
        assertThat(forwarded(router("    http-request set-path %[path,regsub(^/API,/api,i)]\n"), "/api/x")
                        .path())
                .isEqualTo("/api/x");
        assertThatThrownBy(() -> router("    http-request set-path %[path,regsub(*a,/)]\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("haproxy.cfg:5")
                .hasMessageContaining("regsub regex '*a'");
    }
}
