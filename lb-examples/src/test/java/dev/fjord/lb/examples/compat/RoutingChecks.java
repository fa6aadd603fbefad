package dev.fjord.lb.examples.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The checks of the compatibility files about where requests go: routing, balancing, persistence, redirects and
 * header rewriting.
 */
final class RoutingChecks {
    private RoutingChecks() {}

    static Map<String, CompatCheck> all() {
        Map<String, CompatCheck> checks = new LinkedHashMap<>();
        checks.put(
                "02-blue-green-weights.cfg",
                CompatCheck.of(
                        "the live color (weight 100 against 0) takes every request, a tester's header the other",
                        run -> {
                            for (int i = 0; i < 3; i++) {
                                assertThat(run.get("www", "/").server()).isEqualTo("blue1");
                            }
                            assertThat(run.get("www", "/", "X-Canary: 1").server())
                                    .isEqualTo("green1");
                        }));
        checks.put(
                "08-all-backups.cfg",
                CompatCheck.of(
                        "with the only active server disabled, option allbackups shares the load over both "
                                + "backups",
                        run -> {
                            Set<String> served = new HashSet<>();
                            for (int i = 0; i < 4; i++) {
                                served.add(run.get("www", "/").server());
                            }
                            assertThat(served).containsExactlyInAnyOrder("spare1", "spare2");
                        }));
        checks.put(
                "10-path-host-routing.cfg",
                CompatCheck.of(
                        "the API host, static paths and extensions, and the rest each reach their backend", run -> {
                            assertThat(run.get("www", "/v1/users", "Host: API.example.com")
                                            .server())
                                    .isEqualTo("api1");
                            assertThat(run.get("www", "/images/logo.png").server())
                                    .isEqualTo("static1");
                            assertThat(run.get("www", "/app.css").server()).isEqualTo("static1");
                            assertThat(run.get("www", "/cart").server()).isEqualTo("web1");
                        }));
        checks.put(
                "11-cookie-insert.cfg",
                CompatCheck.of(
                        "a new client gets SERVERID, a client with SERVERID=s2 stays on web2, which never "
                                + "sees the cookie",
                        run -> {
                            assertThat(run.get("www", "/").header("Set-Cookie")).isEqualTo("SERVERID=s1; path=/");
                            for (int i = 0; i < 3; i++) {
                                HttpReply reply = run.get("www", "/", "Cookie: SERVERID=s2");
                                assertThat(reply.server()).isEqualTo("web2");
                                assertThat(reply.seen("cookie")).isNull();
                            }
                        }));
        checks.put(
                "12-cookie-prefix.cfg",
                CompatCheck.of(
                        "the application's JSESSIONID is prefixed with the server's value going out and "
                                + "unprefixed coming in",
                        run -> {
                            assertThat(run.get("www", "/login").header("Set-Cookie"))
                                    .isEqualTo("JSESSIONID=s1~web1-session; path=/");
                            HttpReply back = run.get("www", "/cart", "Cookie: JSESSIONID=s2~web2-session");
                            assertThat(back.server()).isEqualTo("web2");
                            assertThat(back.seen("cookie")).isEqualTo("JSESSIONID=web2-session");
                        }));
        checks.put(
                "13-stick-on-src.cfg",
                CompatCheck.of("each client address keeps the server it was first balanced to", run -> {
                    for (String client : List.of("127.0.0.1", "127.0.0.2")) {
                        String first = run.from(client, "www", "/").server();
                        for (int i = 0; i < 4; i++) {
                            assertThat(run.from(client, "www", "/").server()).isEqualTo(first);
                        }
                    }
                }));
        checks.put(
                "14-leastconn.cfg",
                CompatCheck.of("while a slow request holds one server, new requests go to the other", run -> {
                    CompletableFuture<HttpReply> slow = CompletableFuture.supplyAsync(() -> {
                        try {
                            return run.get("www", "/slow");
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                    assertThat(CompatRun.await(
                                    () -> run.web("api1").requests()
                                                    + run.web("api2").requests()
                                            == 1,
                                    5))
                            .isTrue();
                    String idle = run.web("api1").requests() == 1 ? "api2" : "api1";
                    for (int i = 0; i < 3; i++) {
                        assertThat(run.get("www", "/quick").server()).isEqualTo(idle);
                    }
                    assertThat(slow.get().status()).isEqualTo(200);
                }));
        checks.put("15-source-hash.cfg", CompatCheck.of("each client address always reaches the same server", run -> {
            for (int client = 1; client <= 4; client++) {
                String source = "127.0.0." + client;
                String first = run.from(source, "www", "/").server();
                for (int i = 0; i < 2; i++) {
                    assertThat(run.from(source, "www", "/").server()).isEqualTo(first);
                }
            }
        }));
        checks.put(
                "16-uri-hash.cfg",
                CompatCheck.of("each URI always reaches the same cache, and the URIs spread over the caches", run -> {
                    Set<String> used = new HashSet<>();
                    for (int object = 1; object <= 12; object++) {
                        String first = run.get("www", "/objects/" + object).server();
                        assertThat(run.get("www", "/objects/" + object).server())
                                .isEqualTo(first);
                        used.add(first);
                    }
                    assertThat(used).hasSizeGreaterThan(1);
                }));
        checks.put(
                "17-redirects.cfg",
                CompatCheck.of("the bare domain is redirected (301) to www with the path and query kept", run -> {
                    HttpReply reply = run.get("www", "/x?y=1", "Host: example.com");
                    assertThat(reply.status()).isEqualTo(301);
                    assertThat(reply.header("Location")).isEqualTo("http://www.example.com/x?y=1");
                }));
        checks.put(
                "18-request-header-rewriting.cfg",
                CompatCheck.of(
                        "the server sees Proxy and X-Debug removed, X-Forwarded-Proto set, X-Via added, the "
                                + "user agent and a tag value replaced",
                        run -> {
                            HttpReply reply = run.get(
                                    "www",
                                    "/",
                                    "Proxy: http://203.0.113.1:8080",
                                    "X-Debug: 1",
                                    "User-Agent: curl/8.5",
                                    "X-Tags: a, secret-1");
                            List<String> seen = new ArrayList<>();
                            for (String field :
                                    List.of("proxy", "x-debug", "x-forwarded-proto", "x-via", "user-agent")) {
                                seen.add(field + "=" + reply.seen(field));
                            }
                            seen.add("x-tags=" + reply.seen("x-tags"));
                            assertThat(seen)
                                    .containsExactly(
                                            "proxy=null",
                                            "x-debug=null",
                                            "x-forwarded-proto=http",
                                            "x-via=edge-1",
                                            "user-agent=cli-client/8.5",
                                            "x-tags=a,redacted");
                        }));
        checks.put(
                "32-backend-rules-and-defaults-servers.cfg",
                CompatCheck.of(
                        "the API backend's own rules deny its internal path and set its header; the web backend's "
                                + "requests pass untouched",
                        run -> {
                            assertThat(run.get("www", "/api/internal/keys").status())
                                    .isEqualTo(403);
                            HttpReply api = run.get("www", "/api/orders", "X-Debug: 1");
                            assertThat(api.status()).isEqualTo(200);
                            assertThat(api.seen("x-backend")).isEqualTo("api");
                            assertThat(api.seen("x-debug")).isNull();
                            HttpReply web = run.get("www", "/internal", "X-Debug: 1");
                            assertThat(web.seen("x-backend")).isNull();
                            assertThat(web.seen("x-debug")).isEqualTo("1");
                        }));
        checks.put(
                "33-api-path-rewriting.cfg",
                CompatCheck.of(
                        "the API service gets its path without /api (query kept); old static paths reach the assets "
                                + "backend under /assets",
                        run -> {
                            HttpReply api = run.get("www", "/api/orders?id=7");
                            assertThat(api.server()).isEqualTo("api1");
                            assertThat(api.target()).isEqualTo("/orders?id=7");
                            HttpReply asset = run.get("www", "/static/app.css");
                            assertThat(asset.server()).isEqualTo("cdn1");
                            assertThat(asset.target()).isEqualTo("/assets/app.css");
                        }));
        checks.put(
                "19-security-headers.cfg",
                CompatCheck.of("responses get HSTS and the other security headers, cookies get Secure", run -> {
                    HttpReply reply = run.get("www", "/login");
                    assertThat(reply.header("Strict-Transport-Security"))
                            .isEqualTo("max-age=63072000; includeSubDomains; preload");
                    assertThat(reply.header("X-Frame-Options")).isEqualTo("SAMEORIGIN");
                    assertThat(reply.header("X-Content-Type-Options")).isEqualTo("nosniff");
                    assertThat(reply.header("Set-Cookie")).isEqualTo("JSESSIONID=web1-session; path=/; Secure");
                }));
        checks.put(
                "22-retries-redispatch.cfg",
                CompatCheck.of("with web2 refusing connections, every request is redispatched to web1", run -> {
                            for (int i = 0; i < 6; i++) {
                                HttpReply reply = run.get("www", "/");
                                assertThat(reply.status()).isEqualTo(200);
                                assertThat(reply.server()).isEqualTo("web1");
                            }
                        })
                        .dead("web2"));
        checks.put(
                "23-x-forwarded-for.cfg",
                CompatCheck.of(
                        "the server sees the client in X-Forwarded-For and X-Real-IP, and X-Forwarded-Host", run -> {
                            HttpReply reply = run.get("www", "/", "Host: WWW.Example.com");
                            assertThat(reply.seen("x-forwarded-for")).isEqualTo("127.0.0.1");
                            assertThat(reply.seen("x-real-ip")).isEqualTo("127.0.0.1");
                            assertThat(reply.seen("x-forwarded-host")).isEqualTo("www.example.com");
                        }));
        checks.put(
                "34-modern-http.cfg",
                CompatCheck.of(
                        "text is gzipped for a client that accepts it, the server gets a unique ID, a variable "
                                + "routes admin hosts, X-Served-By names the server, /healthz fails without app "
                                + "servers",
                        run -> {
                            HttpReply page = run.get("www", "/page", "Accept-Encoding: gzip", "Host: WWW.Example");
                            assertThat(page.header("Content-Encoding")).isEqualTo("gzip");
                            assertThat(page.header("Vary")).isEqualTo("Accept-Encoding");
                            assertThat(page.header("X-Served-By")).isEqualTo("web1");
                            assertThat(page.header("X-Host")).isEqualTo("www.example");
                            HttpReply admin = run.get("www", "/", "Host: Admin.Example");
                            assertThat(admin.server()).isEqualTo("admin1");
                            assertThat(admin.header("Content-Encoding")).isNull();
                            assertThat(admin.seen("x-unique-id"))
                                    .matches("7F000001:[0-9A-F]{4}_7F000001:[0-9A-F]{4}_"
                                            + "[0-9A-F]{8}_[0-9A-F]{4,}:[0-9A-F]{4,}");
                            assertThat(run.get("www", "/healthz").status()).isEqualTo(200);
                            run.proxy()
                                    .router()
                                    .backend("app")
                                    .requireServer("web1")
                                    .adminState(dev.fjord.lb.core.AdminState.MAINT);
                            assertThat(run.get("www", "/healthz").status()).isEqualTo(503);
                        }));
        checks.put(
                "35-protected-admin.cfg",
                CompatCheck.of(
                        "the admin application asks for Basic credentials of the userlist and its group, WordPress "
                                + "login probes wait for the tarpit, fullconn changes nothing",
                        run -> {
                            HttpReply challenge = run.get("www", "/admin/");
                            assertThat(challenge.status()).isEqualTo(401);
                            assertThat(challenge.header("WWW-Authenticate")).isEqualTo("Basic realm=\"Operators\"");
                            String ops = java.util.Base64.getEncoder()
                                    .encodeToString("ops:secret".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                            HttpReply admin = run.get("www", "/admin/", "Authorization: Basic " + ops);
                            assertThat(admin.server()).isEqualTo("admin1");
                            String intern = java.util.Base64.getEncoder()
                                    .encodeToString("intern:trainee".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                            assertThat(run.get("www", "/admin/", "Authorization: Basic " + intern)
                                            .status())
                                    .isEqualTo(403);
                            long start = System.nanoTime();
                            assertThat(run.get("www", "/wp-login.php").status()).isEqualTo(500);
                            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(180_000_000L);
                            assertThat(run.get("www", "/").server()).isEqualTo("web1");
                        }));
        return checks;
    }
}
