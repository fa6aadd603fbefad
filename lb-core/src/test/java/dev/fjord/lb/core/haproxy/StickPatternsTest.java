package dev.fjord.lb.core.haproxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.RequestHead;
import dev.fjord.lb.core.RouteDecision;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.StickCounters;
import dev.fjord.lb.core.VirtualTime;
import dev.fjord.lb.core.internal.InetAddresses;

/**
 * Abuse-blocking configurations as HAProxy users write them, imported unchanged and driven as the transport drives
 * a router (connections accepted, requests started, routed, answered, ended), in virtual time.
 */
class StickPatternsTest {
    private final VirtualTime time = new VirtualTime();

    private Router router(String cfg) {
        return Router.builder(HaproxyImport.parse(cfg, "haproxy.cfg", Map.of())
                        .builder()
                        .build())
                .ticker(time)
                .build();
    }

    private static InetAddress ip(String text) {
        return InetAddresses.parseLiteral(text);
    }

    /** One request on {@code connection}: its status (200 when forwarded), the server answering {@code served}. */
    private static int request(Router router, StickCounters connection, String client, int served) {
        connection.requestStarted();
        RouteDecision decision =
                router.route("fe", RequestHead.builder().client(client, 40000).build(), connection);
        int status = decision instanceof RouteDecision.Respond respond
                ? respond.response().status()
                : served;
        if (decision instanceof RouteDecision.Forward) {
            connection.response(served);
        }
        connection.requestEnded();
        return status;
    }

    /**
     * A shared "Abuse" table tracked per connection: a client that sends too many errors is marked (gpc0) and denied,
     * then its new connections are rejected until it has been quiet for the table's expiry.
     */
    @Test
    void aClientMarkedAsAnAbuserIsRejectedUntilItGoesQuiet() {
        Router router = router("""
                defaults
                    mode http
                backend Abuse
                    stick-table type ip size 100k expire 1m \\
                        store gpc0,conn_cur,conn_rate(3s),http_req_rate(10s),http_err_rate(20s)
                frontend fe
                    bind :80
                    tcp-request connection track-sc0 src table Abuse
                    tcp-request connection reject if { sc0_get_gpc0(Abuse) gt 0 }
                    acl abuse sc0_http_err_rate(Abuse) ge 5
                    acl abuse sc0_conn_rate(Abuse) ge 10
                    acl flag_abuser sc0_inc_gpc0(Abuse) ge 0
                    http-request deny if abuse flag_abuser
                    default_backend app
                backend app
                    server web1 10.0.0.1:80
                """);
        StickCounters scanner = router.accept("fe", ip("198.51.100.7"), 40000, 80);
        for (int i = 0; i < 5; i++) {
            assertThat(request(router, scanner, "198.51.100.7", 404)).isEqualTo(404); // a scan: 404s
        }
        assertThat(request(router, scanner, "198.51.100.7", 200)).isEqualTo(403); // marked and denied
        scanner.close();

        assertThat(router.accept("fe", ip("198.51.100.7"), 40001, 80).rejected())
                .isTrue();
        assertThat(router.accept("fe", ip("198.51.100.8"), 40000, 80).rejected())
                .isFalse();

        time.advance(Duration.ofSeconds(59)); // rejected connections refresh the entry: still marked
        assertThat(router.accept("fe", ip("198.51.100.7"), 40002, 80).rejected())
                .isTrue();
        time.advance(Duration.ofSeconds(61));
        assertThat(router.accept("fe", ip("198.51.100.7"), 40003, 80).rejected())
                .isFalse();
    }

    /** HAProxy's documentation: white-listed hosts accepted, others counted and rejected while too fast. */
    @Test
    void tooFastConnectionsAreRejectedAsLongAsTheyDoNotSlowDown() {
        Router router = router("""
                frontend fe
                    bind :80
                    stick-table type ip size 1k expire 30s store conn_rate(10s)
                    tcp-request connection accept if { src 10.0.0.0/8 }
                    tcp-request connection track-sc0 src
                    tcp-request connection reject if { sc0_conn_rate gt 10 }
                    default_backend app
                backend app
                    server web1 10.0.0.1:80
                """);
        int rejected = 0;
        for (int i = 0; i < 20; i++) {
            StickCounters connection = router.accept("fe", ip("192.0.2.1"), 40000 + i, 80);
            rejected += connection.rejected() ? 1 : 0;
            connection.close();
        }
        assertThat(rejected).isEqualTo(10);
        for (int i = 0; i < 50; i++) {
            assertThat(router.accept("fe", ip("10.1.2.3"), 40000 + i, 80).rejected())
                    .isFalse();
        }
        time.advance(Duration.ofSeconds(25)); // two periods later the rate is 0 again
        assertThat(router.accept("fe", ip("192.0.2.1"), 41000, 80).rejected()).isFalse();
    }
}
