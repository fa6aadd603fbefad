package dev.fjord.lb.core.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.ConfigException;
import dev.fjord.lb.core.LocalResponse;
import dev.fjord.lb.core.RequestHead;
import dev.fjord.lb.core.RouteDecision;
import dev.fjord.lb.core.Router;

/**
 * {@code monitor-uri URI}: the URI an external monitor polls is answered 200 by the proxy itself, before any rule
 * wherever the line stands, and not logged; other requests are routed as usual.
 */
class MonitorUriTest {

    private static Router router(String frontendLines) {
        return Router.of(HaproxyImport.parse(
                        "defaults\n    mode http\nfrontend www\n    bind :80\n" + frontendLines
                                + "    default_backend app\nbackend app\n    server web1 127.0.0.1:8001\n",
                        "haproxy.cfg",
                        Map.of())
                .builder()
                .build());
    }

    @Test
    void theMonitorUriIsAnsweredFirstAndNotLogged() {
        Router router = router("    http-request deny if { src 127.0.0.0/8 }\n    monitor-uri /haproxy_health\n");

        RouteDecision monitor = router.route(RequestHead.get("/haproxy_health"));
        LocalResponse page = monitor.asRespond().response();
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("Service ready.");
        assertThat(router.logLevel(monitor)).isEqualTo("silent");

        RouteDecision other = router.route(RequestHead.get("/haproxy_health?x=1"));
        assertThat(other.asRespond().response().status())
                .as("the deny rule, for any other URI")
                .isEqualTo(403);
        assertThat(router.logLevel(other)).isNull();
    }

    @Test
    void aMonitorUriNeedsAPath() {
        assertThatThrownBy(() -> router("    monitor-uri health\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("haproxy.cfg:5")
                .hasMessageContaining("monitor-uri URI");
    }
}
