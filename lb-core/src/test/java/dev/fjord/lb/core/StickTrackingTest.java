package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.internal.InetAddresses;

/**
 * Tracking with {@code track-sc} rules and reading with the {@code sc_*}, {@code src_*} and {@code table_*} fetches,
 * in virtual time, through the router as the transport drives it: a connection accepted, requests started, routed,
 * answered and ended.
 */
class StickTrackingTest {
    private final VirtualTime time = new VirtualTime();

    private Router router(java.util.function.Consumer<FrontendConfig.Builder> frontend) {
        return Router.builder(ProxyConfig.builder()
                        .defaults(d -> d.mode(Mode.HTTP))
                        .frontend("main", f -> {
                            f.bind(":80").defaultBackend("app");
                            frontend.accept(f);
                        })
                        .backend("app", b -> b.server("web1", "127.0.0.1:8001"))
                        .build())
                .ticker(time)
                .build();
    }

    private static RequestHead from(String client) {
        return RequestHead.builder().client(client, 40000).build();
    }

    private static InetAddress address(String text) {
        return InetAddresses.parseLiteral(text);
    }

    static RuntimeCommands commands(Router router) {
        return new RuntimeCommands(router, null, s -> 0, s -> 0, new RuntimeCommands.InfoSource() {
            @Override
            public long uptimeSeconds() {
                return 0;
            }

            @Override
            public int currentConnections() {
                return 0;
            }

            @Override
            public int threads() {
                return 1;
            }
        });
    }

    private static int status(RouteDecision decision) {
        return decision instanceof RouteDecision.Respond respond
                ? respond.response().status()
                : 200;
    }

    /** The rate-limiting pattern of HAProxy's documentation and blog, with a limit of 3 requests per 10 s. */
    private Router rateLimited() {
        return router(f -> f.stickTable(StickTable.ip(100 * 1024)
                        .expire(Duration.ofSeconds(30))
                        .store(StickData.HTTP_REQ_RATE, Duration.ofSeconds(10)))
                .httpRequest(HttpRequestRule.trackSc(0, "src"))
                .httpRequest(HttpRequestRule.deny(429).when("{ sc_http_req_rate(0) gt 3 }")));
    }

    @Test
    void aClientOverItsRequestRateIsDeniedWhileAnotherIsServed() {
        Router router = rateLimited();
        for (int i = 0; i < 3; i++) {
            assertThat(status(router.route(from("192.0.2.1")))).isEqualTo(200);
        }
        assertThat(status(router.route(from("192.0.2.1")))).isEqualTo(429); // its 4th request in 10 s
        assertThat(status(router.route(from("192.0.2.2")))).isEqualTo(200);

        time.advance(Duration.ofSeconds(15)); // the 4 requests of the previous period weigh half: 2
        assertThat(status(router.route(from("192.0.2.1")))).isEqualTo(200); // 2 + 1
        assertThat(status(router.route(from("192.0.2.1")))).isEqualTo(429); // 2 + 2, denied requests count too
        time.advance(Duration.ofSeconds(20));
        assertThat(status(router.route(from("192.0.2.1")))).isEqualTo(200);
    }

    @Test
    void theCountersShowOnShowTable() {
        Router router = rateLimited();
        for (int i = 0; i < 5; i++) {
            router.route(from("192.0.2.1"));
        }
        router.route(from("192.0.2.2"));
        time.advance(Duration.ofSeconds(1));
        String table = commands(router).execute("show table main");
        assertThat(table)
                .matches("(?s)# table: main, type: ip, size:102400, used:2\n"
                        + "0x[0-9a-f]+: key=192.0.2.1 use=0 exp=29000 http_req_rate\\(10000\\)=5\n"
                        + "0x[0-9a-f]+: key=192.0.2.2 use=0 exp=29000 http_req_rate\\(10000\\)=1\n\n");
    }

    @Test
    void aRequestTracksUntilItEndsAndItsConnectionCountsOnce() {
        Router router = router(f -> f.stickTable(StickTable.ip(10)
                        .store(StickData.CONN_CUR)
                        .store(StickData.CONN_CNT)
                        .store(StickData.HTTP_REQ_CNT)
                        .store(StickData.HTTP_ERR_CNT)
                        .store(StickData.HTTP_FAIL_CNT))
                .httpRequest(HttpRequestRule.trackSc(1, "src"))
                .httpRequest(HttpRequestRule.deny().when("{ path /admin }")));
        StickCounters connection = router.accept("main", address("192.0.2.1"), 40000, 80);
        assertThat(connection.rejected()).isFalse();

        connection.requestStarted();
        router.route("main", from("192.0.2.1"), connection);
        LiveStickTable table = router.stickTables().get("main");
        StickEntry entry = table.lookup(table.key(address("192.0.2.1")));
        assertThat(entry.read(StickData.CONN_CUR, 0)).isEqualTo(1); // tracked by the request in flight
        connection.response(404);
        connection.requestEnded();
        assertThat(entry.read(StickData.CONN_CUR, 0)).isZero();

        connection.requestStarted();
        assertThat(status(router.route(
                        "main",
                        RequestHead.builder()
                                .uri("/admin")
                                .client("192.0.2.1", 40000)
                                .build(),
                        connection)))
                .isEqualTo(403);
        connection.requestEnded();
        connection.requestStarted();
        router.route("main", from("192.0.2.1"), connection);
        connection.response(503);
        connection.requestEnded();
        connection.close();

        // an http-request tracker counts each request as a connection of its own, as HAProxy's streams do
        assertThat(entry.read(StickData.CONN_CNT, 0)).isEqualTo(3);
        assertThat(entry.read(StickData.HTTP_REQ_CNT, 0)).isEqualTo(3);
        assertThat(entry.read(StickData.HTTP_ERR_CNT, 0)).isEqualTo(2); // the 404 and the deny
        assertThat(entry.read(StickData.HTTP_FAIL_CNT, 0)).isEqualTo(1);
        assertThat(entry.use()).isZero();
    }

    @Test
    void aConnectionTrackerCountsEveryRequestAndTheBytesOfTheConnection() {
        Router router = router(f -> f.stickTable(StickTable.ip(10)
                        .store(StickData.CONN_CUR)
                        .store(StickData.SESS_CNT)
                        .store(StickData.HTTP_REQ_CNT)
                        .store(StickData.BYTES_IN_CNT)
                        .store(StickData.BYTES_OUT_RATE, Duration.ofSeconds(1)))
                .tcpRequestConnection(TcpConnectionRule.trackSc(0, "src")));
        StickCounters connection = router.accept("main", address("192.0.2.9"), 40000, 80);
        LiveStickTable table = router.stickTables().get("main");
        StickEntry entry = table.lookup(table.key(address("192.0.2.9")));
        for (int i = 0; i < 4; i++) {
            connection.requestStarted();
            connection.bytesIn(100);
            router.route("main", from("192.0.2.9"), connection);
            connection.bytesOut(2048);
            connection.requestEnded();
        }
        assertThat(entry.read(StickData.CONN_CUR, 0)).isEqualTo(1);
        assertThat(entry.read(StickData.SESS_CNT, 0)).isEqualTo(1);
        assertThat(entry.read(StickData.HTTP_REQ_CNT, 0)).isEqualTo(4);
        assertThat(entry.read(StickData.BYTES_IN_CNT, 0)).isEqualTo(400);
        assertThat(entry.read(StickData.BYTES_OUT_RATE, time.millis())).isEqualTo(8192);
        connection.close();
        assertThat(entry.read(StickData.CONN_CUR, 0)).isZero();
    }

    @Test
    void tcpRequestConnectionRejectsAClientOverItsConnectionRate() {
        Router router = router(f -> f.stickTable(StickTable.ip(10)
                        .expire(Duration.ofMinutes(1))
                        .store(StickData.CONN_RATE, Duration.ofSeconds(10)))
                .acl("trusted", "src 192.0.2.100")
                .tcpRequestConnection(TcpConnectionRule.accept().when("trusted"))
                .tcpRequestConnection(TcpConnectionRule.trackSc(0, "src"))
                .tcpRequestConnection(TcpConnectionRule.reject().when("{ sc0_conn_rate gt 2 }")));
        for (int i = 0; i < 2; i++) {
            router.accept("main", address("192.0.2.1"), 40000 + i, 80).close();
        }
        StickCounters third = router.accept("main", address("192.0.2.1"), 40002, 80);
        assertThat(third.rejected()).isTrue();
        assertThat(router.accept("main", address("192.0.2.2"), 40000, 80).rejected())
                .isFalse();
        for (int i = 0; i < 5; i++) {
            assertThat(router.accept("main", address("192.0.2.100"), 40000, 80).rejected())
                    .isFalse();
        }
        LiveStickTable table = router.stickTables().get("main");
        assertThat(table.lookup(table.key(address("192.0.2.100")))).isNull(); // accepted first
    }

    @Test
    void gpc0MarksAnAbuserAcrossRequests() {
        // the "abuse blocking" pattern: an abuser's gpc0 is set once, and every later request is denied
        Router router = router(f -> f.stickTable(StickTable.ip(10)
                        .expire(Duration.ofMinutes(5))
                        .store(StickData.GPC0)
                        .store(StickData.HTTP_ERR_RATE, Duration.ofSeconds(10)))
                .acl("abuser", "src_get_gpc0 gt 0")
                .acl("scanning", "sc0_http_err_rate gt 2")
                .httpRequest(HttpRequestRule.deny().when("abuser"))
                .httpRequest(HttpRequestRule.trackSc(0, "src"))
                .httpRequest(HttpRequestRule.scIncGpc(0, 0).when("scanning")));
        StickCounters connection = router.accept("main", address("192.0.2.1"), 40000, 80);
        for (int i = 0; i < 3; i++) {
            connection.requestStarted();
            router.route("main", from("192.0.2.1"), connection);
            connection.response(404);
            connection.requestEnded();
        }
        connection.requestStarted();
        assertThat(status(router.route("main", from("192.0.2.1"), connection))).isEqualTo(200); // gpc0 set now
        connection.requestEnded();
        assertThat(status(router.route(from("192.0.2.1")))).isEqualTo(403);
        time.advance(Duration.ofMinutes(6)); // the entry expired, and the mark with it
        assertThat(status(router.route(from("192.0.2.1")))).isEqualTo(200);
    }

    @Test
    void fetchesWithoutATrackedCounterHaveNoValue() {
        Router router = router(f -> f.stickTable(StickTable.string(10).store(StickData.CONN_CUR))
                .httpRequest(HttpRequestRule.deny(401).when("{ sc0_conn_cur lt 5 }"))
                .httpRequest(HttpRequestRule.trackSc(0, "hdr(x-api-key)"))
                .httpRequest(HttpRequestRule.deny(402).when("!{ sc0_tracked }"))
                .httpRequest(HttpRequestRule.deny(409).when("{ sc0_tracked } { table_cnt eq 1 }")));
        // not tracked: sc0_conn_cur has no value, so "lt 5" does not match (no 401), and sc0_tracked is false
        assertThat(status(router.route(from("192.0.2.1")))).isEqualTo(402);
        RouteDecision keyed = router.route(RequestHead.builder()
                .header("X-Api-Key", "k1")
                .client("192.0.2.1", 1)
                .build());
        assertThat(status(keyed)).isEqualTo(409);
    }

    @Test
    void aKeyFromAHeaderTracksInAStringTable() {
        Router router = router(f -> f.stickTable(StickTable.string(10).store(StickData.HTTP_REQ_CNT))
                .httpRequest(HttpRequestRule.trackSc(2, "req.hdr(x-api-key),lower"))
                .httpRequest(HttpRequestRule.deny(429).when("{ sc2_http_req_cnt gt 2 }")));
        RequestHead upper = RequestHead.builder().header("X-Api-Key", "KEY1").build();
        RequestHead lower = RequestHead.builder().header("X-Api-Key", "key1").build();
        assertThat(status(router.route(upper))).isEqualTo(200);
        assertThat(status(router.route(lower))).isEqualTo(200);
        assertThat(status(router.route(upper))).isEqualTo(429);
        assertThat(status(router.route(RequestHead.get("/")))).isEqualTo(200); // no key: not tracked
        assertThat(router.stickTables().get("main").used()).isEqualTo(1);
    }

    @Test
    void aTrackRuleMayNameAnotherSectionsTable() {
        Router router = Router.builder(ProxyConfig.builder()
                        .defaults(d -> d.mode(Mode.HTTP))
                        .frontend(
                                "main",
                                f -> f.bind(":80")
                                        .defaultBackend("app")
                                        .httpRequest(HttpRequestRule.trackSc(0, "src", "per_ip"))
                                        .httpRequest(
                                                HttpRequestRule.deny(429).when("{ src_http_req_rate(per_ip) ge 2 }")))
                        .backend(
                                "per_ip",
                                b -> b.stickTable(
                                        StickTable.ip(10).store(StickData.HTTP_REQ_RATE, Duration.ofSeconds(1))))
                        .backend("app", b -> b.server("web1", "127.0.0.1:8001"))
                        .build())
                .ticker(time)
                .build();
        assertThat(status(router.route(from("192.0.2.1")))).isEqualTo(200);
        assertThat(status(router.route(from("192.0.2.1")))).isEqualTo(429);
        assertThat(router.stickTables().get("per_ip").used()).isEqualTo(1);
    }
}
