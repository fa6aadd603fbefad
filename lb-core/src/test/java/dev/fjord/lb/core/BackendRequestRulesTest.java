package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.haproxy.HaproxyImport;

/**
 * {@code http-request} rules in a backend, as HAProxy runs them: once the request is routed there, after the
 * frontend's rules (and seeing their edits), with the backend's ACLs; a backend's {@code deny} answers with the
 * backend's errorfile; {@code allow} ends the backend's rules only.
 */
class BackendRequestRulesTest {

    private static Router router() {
        return Router.of(ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP))
                .frontend(
                        "main",
                        f -> f.bind(":80")
                                .httpRequest(HttpRequestRule.setHeader("X-Tier", "front"))
                                .useBackend("api", "{ path_beg /api }")
                                .defaultBackend("app"))
                .backend(
                        "api",
                        b -> b.acl("v1", "path_beg /api/v1")
                                .acl("front", "hdr(x-tier) front")
                                .errorFile(403, new LocalResponse(403, List.of(), "api says no\n"))
                                .httpRequest(HttpRequestRule.allow().when("{ path /api/open }"))
                                .httpRequest(HttpRequestRule.deny().when("v1"))
                                .httpRequest(HttpRequestRule.setHeader("X-Backend", "api")
                                        .when("front"))
                                .httpRequest(HttpRequestRule.delHeader("X-Debug"))
                                .server("api1", "127.0.0.1:9001"))
                .backend("app", b -> b.server("web1", "127.0.0.1:8001"))
                .build());
    }

    @Test
    void aBackendsRulesRunAfterTheFrontendsOnRequestsRoutedThere() {
        Router router = router();

        RouteDecision.Forward api = router.route(RequestHead.builder()
                        .uri("/api/v2/items")
                        .header("X-Debug", "1")
                        .build())
                .asForward();
        RequestHead forwarded = api.forwardedRequest();
        assertThat(forwarded.headers("X-Tier")).containsExactly("front");
        assertThat(forwarded.headers("X-Backend"))
                .as("the backend's condition sees the frontend's edit")
                .containsExactly("api");
        assertThat(forwarded.headers("X-Debug")).isEmpty();

        RouteDecision.Forward app = router.route(RequestHead.builder()
                        .uri("/page")
                        .header("X-Debug", "1")
                        .build())
                .asForward();
        assertThat(app.forwardedRequest().headers("X-Backend")).isEmpty();
        assertThat(app.forwardedRequest().headers("X-Debug"))
                .as("another backend's rules")
                .containsExactly("1");
    }

    @Test
    void aBackendsDenyAnswersWithItsErrorfileAndAllowEndsOnlyItsRules() {
        Router router = router();

        RouteDecision denied = router.route(RequestHead.get("/api/v1/items"));
        assertThat(denied.asRespond().response().status()).isEqualTo(403);
        assertThat(denied.asRespond().response().body()).isEqualTo("api says no\n");
        assertThat(denied.backend()).isNotNull();
        assertThat(denied.backend().name()).isEqualTo("api");

        RouteDecision.Forward open = router.route(RequestHead.builder()
                        .uri("/api/open")
                        .header("X-Debug", "1")
                        .build())
                .asForward();
        assertThat(open.forwardedRequest().headers("X-Debug"))
                .as("allow skipped the rest")
                .containsExactly("1");
        assertThat(open.forwardedRequest().headers("X-Tier"))
                .as("the frontend's rules ran")
                .containsExactly("front");
    }

    @Test
    void actionsOnlyAFrontendHasAndTcpBackendsAreRefusedAtBuild() {
        assertThatThrownBy(() ->
                        ProxyConfig.builder().backend("api", b -> b.httpRequest(HttpRequestRule.trackSc(0, "src"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("backend 'api': http-request track-sc0 is not supported in a backend yet");
        assertThatThrownBy(() -> ProxyConfig.builder()
                        .defaults(d -> d.mode(Mode.TCP))
                        .backend(
                                "db", b -> b.httpRequest(HttpRequestRule.deny()).server("db1", "127.0.0.1:5432"))
                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("backend 'db': http-request rules need mode http");
        assertThatThrownBy(() -> ProxyConfig.builder()
                        .defaults(d -> d.mode(Mode.HTTP))
                        .backend(
                                "api",
                                b -> b.httpRequest(HttpRequestRule.deny().when("nope"))
                                        .server("api1", "127.0.0.1:9001"))
                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("backend 'api'")
                .hasMessageContaining("nope");
    }

    @Test
    void importedFromABackendSection() {
        ProxyConfig config =
                HaproxyImport.parse("""
                        defaults
                            mode http
                        frontend f
                            bind 127.0.0.1:8080
                            default_backend api
                        backend api
                            acl is_v1 path_beg /v1
                            http-request set-header X-Backend api
                            http-request deny if is_v1
                            server a1 127.0.0.1:9001
                        """, "haproxy.cfg", Map.of()).builder().build();
        Router router = Router.of(config);

        assertThat(router.route(RequestHead.get("/v1/x")).asRespond().response().status())
                .isEqualTo(403);
        assertThat(router.route(RequestHead.get("/v2/x"))
                        .asForward()
                        .forwardedRequest()
                        .headers("X-Backend"))
                .containsExactly("api");
        assertThat(config.routingHeaders("f")).contains("x-backend");
    }
}
