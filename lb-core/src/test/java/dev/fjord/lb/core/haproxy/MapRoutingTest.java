package dev.fjord.lb.core.haproxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.fjord.lb.core.RequestHead;
import dev.fjord.lb.core.RouteDecision;
import dev.fjord.lb.core.Router;

/**
 * Map files and dynamic {@code use_backend}, the host-routing pattern of many haproxy.cfg files:
 * {@code use_backend %[req.hdr(host),lower,map_dom(FILE,DEFAULT)]}.
 */
class MapRoutingTest {
    @TempDir
    Path dir;

    private Router router(String maps, String rules) throws IOException {
        Path hosts = Files.writeString(dir.resolve("hosts.map"), maps);
        String cfg = """
                defaults
                    mode http
                frontend main
                    bind :80
                %s
                    default_backend fallback
                backend app
                    server s1 127.0.0.1:8001
                backend api
                    server s2 127.0.0.1:8002
                backend fallback
                    server s3 127.0.0.1:8003
                backend raw
                    mode tcp
                    server s4 127.0.0.1:8004
                """.formatted(rules.replace("FILE", hosts.toString()));
        HaproxyImport.Checked checked = HaproxyImport.check(cfg, "haproxy.cfg", Map.of());
        assertThat(checked.errors()).isEmpty();
        return Router.of(checked.imported().builder().build());
    }

    private static String backendFor(Router router, String host, String path) {
        RouteDecision decision = router.route(RequestHead.builder()
                .method("GET")
                .uri(path)
                .header("Host", host)
                .build());
        return decision.backend() == null ? "none" : decision.backend().name();
    }

    @Test
    void aDynamicUseBackendRoutesByTheMapAndFallsBackToTheDefault() throws IOException {
        Router router = router("""
                # host         backend
                example.com    app
                api.example.com api
                Example.ORG    app
                raw.example.com raw
                """, "    use_backend %[req.hdr(host),lower,map(FILE)]");

        assertThat(backendFor(router, "Example.COM", "/")).isEqualTo("app");
        assertThat(backendFor(router, "api.example.com", "/")).isEqualTo("api");
        // no key: the converter gives no sample, the name is empty: the default backend, no later rule
        assertThat(backendFor(router, "other.example.com", "/")).isEqualTo("fallback");
        // keys are compared as written: the lowered host does not find the mixed-case key
        assertThat(backendFor(router, "example.org", "/")).isEqualTo("fallback");
        // a backend of another mode is never chosen from the request
        assertThat(backendFor(router, "raw.example.com", "/")).isEqualTo("fallback");
    }

    @Test
    void eachMatchMethodFindsItsKeyAndTheDefaultValueAnswersTheRest() throws IOException {
        Router dom = router("example.com app\nexample.net api\n", "    use_backend %[req.hdr(host),map_dom(FILE,api)]");
        assertThat(backendFor(dom, "www.example.com", "/")).isEqualTo("app");
        assertThat(backendFor(dom, "example.com", "/")).isEqualTo("app");
        assertThat(backendFor(dom, "badexample.com", "/")).isEqualTo("api"); // the default value

        Router beg = router("/api/v1 api\n/api app\n/ fallback\n", "    use_backend %[path,map_beg(FILE)]");
        assertThat(backendFor(beg, "x", "/api/v1/users")).isEqualTo("api"); // the first key that matches
        assertThat(backendFor(beg, "x", "/api/v2")).isEqualTo("app");

        Router reg = router("^/static/.*\\.css$ app\n", "    use_backend %[path,map_reg(FILE,api)]");
        assertThat(backendFor(reg, "x", "/static/site.css")).isEqualTo("app");
        assertThat(backendFor(reg, "x", "/static/site.js")).isEqualTo("api");

        Router end = router(".json api\n", "    use_backend %[path,map_end(FILE,app)]");
        assertThat(backendFor(end, "x", "/users.json")).isEqualTo("api");

        Router sub = router("admin api\n", "    use_backend %[path,map_sub(FILE,app)]");
        assertThat(backendFor(sub, "x", "/x/admin/y")).isEqualTo("api");

        Router dirs = router("admin api\n", "    use_backend %[path,map_dir(FILE,app)]");
        assertThat(backendFor(dirs, "x", "/x/admin/y")).isEqualTo("api");
        assertThat(backendFor(dirs, "x", "/x/administrator")).isEqualTo("app");
    }

    @Test
    void fieldCutsTheSampleAsHaproxyDoes() throws IOException {
        Router router = router("example.com app\n", """
                    http-request set-header X-Host %[req.hdr(host),field(1,:)]
                    http-request set-header X-Last %[path,field(-1,/)]
                    http-request set-header X-Two %[path,field(2,/.,2)]
                    http-request set-header X-Rest %[path,field(3,/,0)]
                    http-request set-header X-Past %[path,field(9,/)]
                    use_backend %[req.hdr(host),field(1,:),map(FILE)]""");

        RouteDecision.Forward forward = router.route(RequestHead.builder()
                        .uri("/a.b/c/d")
                        .header("Host", "example.com:8080")
                        .build())
                .asForward();
        assertThat(forward.backend().name()).isEqualTo("app");
        RequestHead sent = forward.forwardedRequest();
        assertThat(sent.header("X-Host")).isEqualTo("example.com");
        assertThat(sent.header("X-Last")).isEqualTo("d");
        assertThat(sent.header("X-Two")).isEqualTo("a.b");
        assertThat(sent.header("X-Rest")).isEqualTo("c/d");
        assertThat(sent.header("X-Past")).isEmpty();
    }

    @Test
    void anAddressFindsItsFinestNetwork() throws IOException {
        Router ip = router("10.0.0.0/8 api\n10.1.0.0/16 app\n", "    use_backend %[src,map_ip(FILE,fallback)]");
        assertThat(ip.route(RequestHead.builder()
                                .uri("/")
                                .client("10.1.2.3", 1000)
                                .build())
                        .backend()
                        .name())
                .isEqualTo("app");
        assertThat(ip.route(RequestHead.builder()
                                .uri("/")
                                .client("10.9.2.3", 1000)
                                .build())
                        .backend()
                        .name())
                .isEqualTo("api");
        assertThat(ip.route(RequestHead.builder()
                                .uri("/")
                                .client("192.0.2.1", 1000)
                                .build())
                        .backend()
                        .name())
                .isEqualTo("fallback");
    }

    @Test
    void mapValuesFeedHeaderRulesToo() throws IOException {
        Router router = router("example.com gold\n", """
                    http-request set-header X-Tier %[req.hdr(host),map(FILE,bronze)]
                    use_backend app""");

        RouteDecision.Forward gold = router.route(RequestHead.builder()
                        .uri("/")
                        .header("Host", "example.com")
                        .build())
                .asForward();
        assertThat(gold.forwardedRequest().header("X-Tier")).isEqualTo("gold");
        RouteDecision.Forward bronze = router.route(RequestHead.builder()
                        .uri("/")
                        .header("Host", "example.org")
                        .build())
                .asForward();
        assertThat(bronze.forwardedRequest().header("X-Tier")).isEqualTo("bronze");
    }

    @Test
    void aMissingMapOrABadKeyIsAnErrorWithItsLine() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.map"), "10.0.0.0/8 a\nnot-an-ip b\n");
        HaproxyImport.Checked checked = HaproxyImport.check("""
                frontend main
                    mode http
                    bind :80
                    use_backend %%[req.hdr(host),map(%s/none.map)]
                    http-request set-header X-A %%[src,map_ip(%s)]
                    http-request set-header X-B %%[src,map_bogus(%s)]
                    default_backend app
                backend app
                    mode http
                """.formatted(dir, bad, bad), "haproxy.cfg", Map.of());

        assertThat(checked.errors()).hasSize(3);
        assertThat(checked.errors().get(0))
                .startsWith("haproxy.cfg:4: 'use_backend' in frontend 'main': ")
                .contains("none.map': cannot read it (NoSuchFileException; expected: a readable file of 'KEY VALUE' "
                        + "lines)");
        assertThat(checked.errors().get(1)).startsWith("haproxy.cfg:5: ").contains("bad.map' line 2: key 'not-an-ip'");
        assertThat(checked.errors().get(2))
                .startsWith("haproxy.cfg:6: ")
                .contains("converter 'map_bogus' (expected: map or map_METHOD[_OUTPUT]");
    }
}
