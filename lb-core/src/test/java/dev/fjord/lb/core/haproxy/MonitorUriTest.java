package dev.fjord.lb.core.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.AdminState;
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

    @Test
    void monitorFailAnswers503WhileItsConditionHoldsAsNbsrvCountsUsableServers() {
        Router router = Router.of(
                HaproxyImport.parse("""
                        defaults
                            mode http
                        frontend www
                            bind :80
                            acl app_dead nbsrv(app) lt 2
                            monitor fail if app_dead
                            monitor fail if { nbsrv(static) eq 0 }
                            monitor-uri /health
                            default_backend app
                        backend app
                            server web1 127.0.0.1:8001
                            server web2 127.0.0.1:8002
                            server spare 127.0.0.1:8003 backup
                        backend static
                            server cdn 127.0.0.1:8004
                        """, "haproxy.cfg", Map.of()).builder().build());

        assertThat(router.route(RequestHead.get("/health"))
                        .asRespond()
                        .response()
                        .status())
                .isEqualTo(200);

        router.backend("app").requireServer("web2").adminState(AdminState.MAINT);
        RouteDecision failing = router.route(RequestHead.get("/health"));
        assertThat(failing.asRespond().response().status()).isEqualTo(503);
        assertThat(failing.asRespond().response().body()).contains("No server is available");
        assertThat(router.logLevel(failing)).isEqualTo("silent");
        assertThat(router.route(RequestHead.get("/other")).asForward().server().name())
                .as("other requests are routed as before")
                .isEqualTo("web1");

        router.backend("app").requireServer("web2").adminState(AdminState.READY);
        router.backend("static").requireServer("cdn").adminState(AdminState.MAINT);
        assertThat(router.route(RequestHead.get("/health"))
                        .asRespond()
                        .response()
                        .status())
                .isEqualTo(503);
    }

    @Test
    void nbsrvCountsOneBackupWithoutAllbackupsAndEveryOneWith() {
        for (String allBackups : new String[] {"", "    option allbackups\n"}) {
            Router router = Router.of(HaproxyImport.parse(
                            "defaults\n    mode http\nfrontend www\n    bind :80\n"
                                    + "    http-request deny if { nbsrv(app) eq 1 }\n    default_backend app\n"
                                    + "backend app\n" + allBackups + "    server web1 127.0.0.1:8001\n"
                                    + "    server b1 127.0.0.1:8002 backup\n    server b2 127.0.0.1:8003 backup\n",
                            "haproxy.cfg",
                            Map.of())
                    .builder()
                    .build());
            router.backend("app").requireServer("web1").adminState(AdminState.MAINT);

            int status = router.route(RequestHead.get("/")) instanceof RouteDecision.Respond respond
                    ? respond.response().status()
                    : 200;
            assertThat(status)
                    .as("nbsrv is 1 without allbackups, 2 with: '%s'", allBackups)
                    .isEqualTo(allBackups.isEmpty() ? 403 : 200);
        }
    }

    @Test
    void anUnknownBackendOrAMissingConditionIsRefused() {
        assertThatThrownBy(() -> router("    monitor fail if { nbsrv(nope) lt 1 }\n    monitor-uri /health\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("nbsrv(nope): backend 'nope' is not defined (defined: [app])");
        assertThatThrownBy(() -> router("    monitor fail\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("haproxy.cfg:5")
                .hasMessageContaining("expected: monitor fail if|unless CONDITION");
    }
}
