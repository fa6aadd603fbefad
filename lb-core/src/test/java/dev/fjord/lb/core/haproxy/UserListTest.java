package dev.fjord.lb.core.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.ConfigException;
import dev.fjord.lb.core.LocalResponse;
import dev.fjord.lb.core.RequestHead;
import dev.fjord.lb.core.RouteDecision;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.UserList;

/**
 * {@code userlist} sections, {@code http_auth(LIST)}, {@code http_auth_group(LIST) GROUP} and {@code http-request
 * auth}: Basic credentials checked against crypt(3) hashes (made by OpenSSL) and clear passwords, routed in-process.
 */
class UserListTest {
    /** alice's password, secret: {@code openssl passwd -6 -salt saltsalt secret}. */
    private static final String ALICE_HASH =
            "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8w" + "iOQSpT0Y77vwPZN.Pq.H91p5hVO1";

    private static final String CONFIG = """
            userlist admins
                group ops
                group dev users carol
                user alice password ALICE_HASH groups ops
                user bob insecure-password hunter2
                user carol insecure-password c4rol
            defaults
                mode http
            frontend www
                bind :80
                acl authorized http_auth(admins)
                acl is_ops http_auth_group(admins) ops
                http-request auth realm Admins if { path_beg /admin } !authorized
                http-request deny if { path_beg /ops } !is_ops
                http-request auth if { path_beg /private } !{ http_auth(admins) }
                default_backend app
            backend app
                server web1 127.0.0.1:8001
            """.replace("ALICE_HASH", ALICE_HASH);

    private static Router router(String config) {
        return Router.of(
                HaproxyImport.parse(config, "haproxy.cfg", Map.of()).builder().build());
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    private static RouteDecision route(Router router, String path, String authorization) {
        RequestHead.Builder request = RequestHead.builder().uri(path);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return router.route("www", request.build());
    }

    private static String outcome(RouteDecision decision) {
        if (decision instanceof RouteDecision.Respond respond) {
            LocalResponse response = respond.response();
            String challenge = response.headers().stream()
                    .filter(h -> h.getKey().equals("WWW-Authenticate"))
                    .map(Map.Entry::getValue)
                    .findFirst()
                    .orElse("");
            return (response.status() + " " + challenge).strip();
        }
        return "forwarded";
    }

    @Test
    void basicCredentialsAreCheckedAgainstHashesAndClearPasswords() {
        Router router = router(CONFIG);

        assertThat(outcome(route(router, "/admin", null))).isEqualTo("401 Basic realm=\"Admins\"");
        assertThat(outcome(route(router, "/admin", basic("alice:secret")))).isEqualTo("forwarded");
        assertThat(outcome(route(router, "/admin", basic("alice:Secret")))).startsWith("401");
        assertThat(outcome(route(router, "/admin", basic("bob:hunter2")))).isEqualTo("forwarded");
        assertThat(outcome(route(router, "/admin", basic("bob:hunter")))).startsWith("401");
        assertThat(outcome(route(router, "/admin", basic("mallory:hunter2")))).startsWith("401");
        assertThat(outcome(
                        route(router, "/admin", "basic " + basic("bob:hunter2").substring(6))))
                .as("the scheme is case-insensitive")
                .isEqualTo("forwarded");
        assertThat(outcome(route(router, "/admin", "Bearer abc"))).startsWith("401");
        assertThat(outcome(route(router, "/admin", "Basic !!!not-base64"))).startsWith("401");
        assertThat(outcome(route(router, "/admin", basic("no-colon")))).startsWith("401");
        assertThat(outcome(route(router, "/", null))).isEqualTo("forwarded");
    }

    @Test
    void groupsComeFromUserAndGroupLines() {
        Router router = router(CONFIG);

        assertThat(outcome(route(router, "/ops", basic("alice:secret")))).isEqualTo("forwarded");
        assertThat(outcome(route(router, "/ops", basic("carol:c4rol")))).isEqualTo("403");
        assertThat(outcome(route(router, "/ops", null))).isEqualTo("403");
    }

    @Test
    void aBackendsRuleAloneChecksCredentialsToo() {
        Router router = router("""
                userlist admins
                    user bob insecure-password hunter2
                defaults
                    mode http
                frontend www
                    bind :80
                    default_backend app
                backend app
                    http-request deny unless { http_auth(admins) }
                    server web1 127.0.0.1:8001
                """);

        assertThat(outcome(route(router, "/", basic("bob:hunter2")))).isEqualTo("forwarded");
        assertThat(outcome(route(router, "/", basic("bob:wrong")))).isEqualTo("403");
    }

    @Test
    void theAuthorizationHeaderIsARoutingHeader() {
        assertThat(HaproxyImport.parse(CONFIG, "haproxy.cfg", Map.of())
                        .builder()
                        .build()
                        .routingHeaders("www"))
                .contains("authorization");
    }

    @Test
    void withoutARealmTheProxysNameIsIt() {
        assertThat(outcome(route(router(CONFIG), "/private", null))).isEqualTo("401 Basic realm=\"www\"");
    }

    @Test
    void mistakesAreRefusedNamingListUserAndLine() {
        assertThatThrownBy(() -> router(CONFIG.replace("http_auth(admins)", "http_auth(admin)")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "frontend 'www': http_auth(admin): userlist 'admin' is not defined " + "(defined: [admins])");
        assertThatThrownBy(() -> router(
                        CONFIG.replace("user bob insecure-password hunter2", "user bob password $y$j9T$salt$hash")))
                .hasMessageContaining("haproxy.cfg:5:")
                .hasMessageContaining("user 'bob': password '$y$j9T$salt$hash' (expected: a whole crypt(3) hash $1$, "
                        + "$5$ or $6$, or insecure-password)");
        String cut = ALICE_HASH.substring(0, ALICE_HASH.length() - 1); // a copy one character short
        assertThatThrownBy(() -> router(CONFIG.replace(ALICE_HASH, cut)))
                .hasMessageContaining("haproxy.cfg:4:")
                .hasMessageContaining("user 'alice': password '" + cut + "' (expected: a whole crypt(3) hash");
        assertThatThrownBy(() -> router(CONFIG.replace("insecure-password c4rol", "insecure-password c4rol groups qa")))
                .hasMessageContaining("user 'carol': group 'qa' is not declared (declared: [ops, dev])");
        assertThatThrownBy(() -> router(CONFIG.replace("user bob insecure-password hunter2", "user bob")))
                .hasMessageContaining("haproxy.cfg:5:")
                .hasMessageContaining("expected: user NAME password HASH|insecure-password PASSWORD");
    }

    @Test
    void theFluentApiBuildsTheSameList() {
        UserList list = UserList.builder("admins")
                .group("ops")
                .user("bob", "hunter2", true, "ops")
                .build();

        assertThat(list.authenticate(basic("bob:hunter2"))).isNotNull();
        assertThat(list.authenticate(basic("bob:hunter2")).groups()).containsExactly("ops");
        assertThat(list.authenticate(basic("bob:x"))).isNull();
        assertThat(list.authenticate(null)).isNull();
    }
}
