package dev.fjord.lb.core.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.ConfigException;
import dev.fjord.lb.core.HeaderEdit;
import dev.fjord.lb.core.RequestHead;
import dev.fjord.lb.core.RouteDecision;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.StickCounters;

/**
 * {@code http-request set-src}: behind a CDN, the address a header names is the client's for the rules after it,
 * {@code X-Forwarded-For}, stick tables and the routed request the log reads.
 */
class SetSrcTest {
    private static final String CONFIG = """
            defaults
                mode http
                option forwardfor
            frontend www
                bind :80
                stick-table type ip size 1k expire 1m store http_req_cnt
                http-request set-src req.hdr(CF-Connecting-IP) if { req.hdr(CF-Connecting-IP) -m found }
                http-request deny if { src 203.0.113.0/24 }
                http-request track-sc0 src
                http-request deny deny_status 429 if { sc_http_req_cnt(0) gt 2 }
                default_backend app
            backend app
                server web1 127.0.0.1:8001
            """;

    private static Router router() {
        return Router.of(
                HaproxyImport.parse(CONFIG, "haproxy.cfg", Map.of()).builder().build());
    }

    private static RouteDecision route(Router router, String cdnHeader) {
        RequestHead.Builder request = RequestHead.builder().client("127.0.0.1", 40000);
        if (cdnHeader != null) {
            request.header("CF-Connecting-IP", cdnHeader);
        }
        StickCounters counters = router.accept("www", java.net.InetAddress.getLoopbackAddress(), 40000, 80);
        try {
            return router.route("www", request.build(), counters);
        } finally {
            counters.close();
        }
    }

    @Test
    void theHeadersAddressIsTheClientsForAclsForwardedForAndTracking() {
        Router router = router();

        RouteDecision.Forward forwarded = route(router, "198.51.100.7").asForward();
        assertThat(forwarded.routedRequest().clientAddress().getHostAddress()).isEqualTo("198.51.100.7");
        assertThat(forwarded.requestEdits()).containsExactly(new HeaderEdit.Add("X-Forwarded-For", "198.51.100.7"));

        assertThat(route(router, "203.0.113.5").asRespond().response().status())
                .as("its ACL")
                .isEqualTo(403);
        assertThat(route(router, "not an address")
                        .routedRequest()
                        .clientAddress()
                        .getHostAddress())
                .as("no address: unchanged")
                .isEqualTo("127.0.0.1");

        assertThat(route(router, "198.51.100.7")).isInstanceOf(RouteDecision.Forward.class);
        assertThat(route(router, "198.51.100.7").asRespond().response().status())
                .as("the third request of 198.51.100.7, counted under that address")
                .isEqualTo(429);
        assertThat(route(router, "198.51.100.8")).isInstanceOf(RouteDecision.Forward.class);
    }

    @Test
    void aSecondWordOrAnUnknownFetchIsRefusedWithItsLine() {
        assertThatThrownBy(() -> HaproxyImport.parse(
                        "frontend www\n    bind :80\n    http-request set-src hdr(x) now\n", "haproxy.cfg", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("haproxy.cfg:3")
                .hasMessageContaining("expected: set-src EXPRESSION");
        assertThatThrownBy(() -> HaproxyImport.parse(
                        "frontend www\n    bind :80\n    http-request set-src nope\n", "haproxy.cfg", Map.of()))
                .hasMessageContaining("http-request set-src: sample 'nope': fetch 'nope' is not supported yet");
    }
}
