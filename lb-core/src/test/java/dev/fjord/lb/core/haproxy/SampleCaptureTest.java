package dev.fjord.lb.core.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.RequestHead;
import dev.fjord.lb.core.RouteDecision;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.SampleCaptures;

/**
 * {@code http-request capture SAMPLE len N}: each rule that applies keeps its sample's value, cut at N, in its slot
 * for the access log; a rule that does not apply, or a sample that is absent, leaves its slot empty.
 */
class SampleCaptureTest {
    private static final String CONFIG = """
            defaults
                mode http
            frontend www
                bind :80
                http-request set-var(txn.user) req.hdr(X-User)
                http-request capture req.hdr(User-Agent) len 10
                http-request capture var(txn.user) len 32 if { path_beg /account }
                http-request capture src len 15
                default_backend app
            backend app
                server web1 127.0.0.1:8001
            """;

    @Test
    void eachRuleThatAppliesFillsItsSlotInRuleOrder() {
        ProxyConfig config =
                HaproxyImport.parse(CONFIG, "haproxy.cfg", Map.of()).builder().build();
        Router router = Router.of(config);

        RouteDecision account = router.route(
                "www",
                RequestHead.builder()
                        .uri("/account/7")
                        .client("198.51.100.4", 40000)
                        .header("User-Agent", "Mozilla/5.0 (X11; Linux)")
                        .header("X-User", "alice")
                        .build());
        assertThat(SampleCaptures.values(config.frontend("www"), account.routedRequest()))
                .containsExactly("Mozilla/5.", "alice", "198.51.100.4");

        RouteDecision home = router.route(
                "www",
                RequestHead.builder().uri("/").client("198.51.100.4", 40000).build());
        assertThat(SampleCaptures.values(config.frontend("www"), home.routedRequest()))
                .containsExactly("", "", "198.51.100.4");
        assertThat(SampleCaptures.values(config.frontend("www"), null)).containsExactly("", "", "");
    }

    @Test
    void backendsAndOtherFormsAreRefusedAtTheirLine() {
        assertThatThrownBy(() -> HaproxyImport.parse(
                                CONFIG.replace(
                                        "    server web1", "    http-request capture src len 15\n    server web1"),
                                "haproxy.cfg",
                                Map.of())
                        .builder()
                        .build())
                .hasMessage("haproxy.cfg:11: 'http-request capture' in backend 'app': http-request capture is not "
                        + "supported in a backend yet (expected in a frontend or listen section)");
        assertThatThrownBy(() -> HaproxyImport.parse(
                        CONFIG.replace("capture src len 15", "capture src id 0"), "haproxy.cfg", Map.of()))
                .hasMessageContaining("haproxy.cfg:8")
                .hasMessageContaining("expected: capture SAMPLE len LENGTH");
        assertThatThrownBy(() -> HaproxyImport.parse(
                        CONFIG.replace("capture src len 15", "capture src len 0"), "haproxy.cfg", Map.of()))
                .hasMessageContaining("haproxy.cfg:8")
                .hasMessageContaining("len 0");
    }
}
