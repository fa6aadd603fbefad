package dev.fjord.lb.core.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.ConfigException;
import dev.fjord.lb.core.HttpRequestRule;
import dev.fjord.lb.core.RequestHead;
import dev.fjord.lb.core.RouteDecision;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.TarpitRule;

/**
 * {@code http-request tarpit}: refused as a deny, answered after {@code timeout tarpit} (else {@code timeout
 * connect}, else at once) of the proxy whose rule it is, with the errorfile of its {@code deny_status} (500).
 */
class TarpitTest {
    private static Router router(String config) {
        return Router.of(
                HaproxyImport.parse(config, "haproxy.cfg", Map.of()).builder().build());
    }

    private static RouteDecision.Respond route(Router router, String path) {
        return router.route("www", RequestHead.builder().uri(path).build()).asRespond();
    }

    private static final String CONFIG = """
            defaults
                mode http
                timeout connect 3s
                timeout tarpit 7s
            frontend www
                bind :80
                http-request tarpit if { path_beg /wp-login }
                http-request tarpit deny_status 429 if { path_beg /api }
                default_backend app
            backend app
                timeout tarpit 2s
                http-request tarpit if { path_beg /backend-only }
                server web1 127.0.0.1:8001
            """;

    @Test
    void theAnswerWaitsForTheTarpitTimeoutOfTheProxyWhoseRuleItIs() {
        Router router = router(CONFIG);

        RouteDecision.Respond frontendRule = route(router, "/wp-login.php");
        assertThat(frontendRule.response().status()).isEqualTo(500);
        assertThat(frontendRule.tarpit()).isEqualTo(Duration.ofSeconds(7));
        assertThat(frontendRule).hasToString("RESPOND 500 after a tarpit of 7000 ms");

        assertThat(route(router, "/api/v1").response().status()).isEqualTo(429);

        RouteDecision.Respond backendRule = route(router, "/backend-only");
        assertThat(backendRule.tarpit()).isEqualTo(Duration.ofSeconds(2));

        assertThat(router.route("www", RequestHead.builder().uri("/").build()))
                .isInstanceOf(RouteDecision.Forward.class);
    }

    @Test
    void withoutTimeoutTarpitTheConnectTimeoutElseNoWait() {
        String connectOnly = CONFIG.replace("    timeout tarpit 7s\n", "").replace("    timeout tarpit 2s\n", "");
        assertThat(route(router(connectOnly), "/wp-login").tarpit()).isEqualTo(Duration.ofSeconds(3));

        String neither = connectOnly.replace("    timeout connect 3s\n", "");
        assertThat(route(router(neither), "/wp-login").tarpit()).isEqualTo(Duration.ZERO);
    }

    @Test
    void aDenyIsAnsweredAtOnce() {
        Router router = router(CONFIG.replace("http-request tarpit if { path_beg /wp-login }", "http-request deny"));

        assertThat(route(router, "/").tarpit()).isNull();
    }

    @Test
    void theFluentApiAndItsChecks() {
        assertThat(TarpitRule.tarpit().status()).isEqualTo(500);
        HttpRequestRule rule = TarpitRule.tarpit().when("{ path_beg /x }");
        assertThat(rule).isInstanceOf(TarpitRule.class);
        assertThat(rule.condition()).isNotNull();
        assertThatThrownBy(() -> new TarpitRule(99, null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("deny_status 99");
    }

    @Test
    void anAnswerOfItsOwnIsRefusedAtItsLine() {
        assertThatThrownBy(() -> router("frontend www\n    bind :80\n    http-request tarpit string go-away\n"))
                .hasMessageContaining("haproxy.cfg:3")
                .hasMessageContaining("expected: tarpit [deny_status STATUS]");
        assertThatThrownBy(() -> router("frontend www\n    bind :80\n    http-request tarpit deny_status 1000\n"))
                .hasMessageContaining("haproxy.cfg:3")
                .hasMessageContaining("deny_status 1000");
    }
}
