package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * {@code show table} and {@code clear table} on the runtime socket, answered as HAProxy 2.6.12 answered the same
 * commands on the same tables (its answers were recorded with socat; entry addresses differ).
 */
class TableCommandsTest {
    private final VirtualTime time = new VirtualTime();
    private final Router router = Router.builder(ProxyConfig.builder()
                    .defaults(d -> d.mode(Mode.HTTP))
                    .frontend(
                            "fe",
                            f -> f.bind(":80")
                                    .stickTable(StickTable.ip(100 * 1024)
                                            .expire(Duration.ofSeconds(30))
                                            .store(StickData.HTTP_REQ_RATE, Duration.ofSeconds(10))
                                            .store(StickData.CONN_CUR)
                                            .store(StickData.CONN_CNT)
                                            .store(StickData.HTTP_REQ_CNT)
                                            .store(StickData.HTTP_ERR_CNT)
                                            .store(StickData.GPC0))
                                    .httpRequest(HttpRequestRule.trackSc(0, "src"))
                                    .httpRequest(HttpRequestRule.deny(429).when("{ sc_http_req_rate(0) gt 5 }"))
                                    .defaultBackend("be"))
                    .backend(
                            "be",
                            b -> b.stickTable(StickTable.ip(1024))
                                    .stick(StickRule.on("src"))
                                    .server("web1", "127.0.0.1:18081")
                                    .server("web2", "127.0.0.1:18082"))
                    .backend("nothing", b -> b.stickTable(StickTable.string(10).keyLength(8)))
                    .build())
            .ticker(time)
            .build();
    private final RuntimeCommands commands = StickTrackingTest.commands(router);

    private void requests(String client, int count) {
        for (int i = 0; i < count; i++) {
            router.route(RequestHead.builder().client(client, 40000).build());
        }
    }

    /** The answer with entry addresses replaced by {@code 0x?}. */
    private String run(String command) {
        return commands.execute(command).replaceAll("0x[0-9a-f]+:", "0x?:");
    }

    @Test
    void showTableListsEveryTableLastDeclaredFirst() {
        requests("127.0.0.1", 7);
        requests("127.0.0.2", 1);
        assertThat(run("show table"))
                .isEqualTo("# table: nothing, type: string, size:10, used:0\n"
                        + "# table: be, type: ip, size:1024, used:2\n"
                        + "# table: fe, type: ip, size:102400, used:2\n\n");
    }

    @Test
    void showTableDumpsTheEntriesInKeyOrder() {
        requests("127.0.0.2", 1);
        requests("127.0.0.1", 7);
        time.advance(Duration.ofMillis(64));
        assertThat(run("show table fe"))
                .isEqualTo("# table: fe, type: ip, size:102400, used:2\n"
                        + "0x?: key=127.0.0.1 use=0 exp=29936 gpc0=0 conn_cnt=7 conn_cur=0 http_req_cnt=7 "
                        + "http_req_rate(10000)=7 http_err_cnt=2\n"
                        + "0x?: key=127.0.0.2 use=0 exp=29936 gpc0=0 conn_cnt=1 conn_cur=0 http_req_cnt=1 "
                        + "http_req_rate(10000)=1 http_err_cnt=0\n\n");
        assertThat(run("show table be"))
                .isEqualTo("# table: be, type: ip, size:1024, used:2\n"
                        + "0x?: key=127.0.0.1 use=0 exp=0 server_id=2 server_key=web2\n"
                        + "0x?: key=127.0.0.2 use=0 exp=0 server_id=1 server_key=web1\n\n");
        assertThat(run("show table nothing")).isEqualTo("# table: nothing, type: string, size:10, used:0\n\n");
    }

    @Test
    void showTableFilters() {
        requests("127.0.0.1", 7);
        requests("127.0.0.2", 1);
        assertThat(run("show table fe key 127.0.0.2"))
                .startsWith("# table: fe, type: ip, size:102400, used:2\n" + "0x?: key=127.0.0.2 use=0")
                .endsWith("\n\n");
        assertThat(run("show table fe data.http_req_cnt gt 3"))
                .contains("key=127.0.0.1")
                .doesNotContain("key=127.0.0.2");
        assertThat(run("show table fe data.http_req_cnt gt 0 data.http_err_cnt eq 0"))
                .contains("key=127.0.0.2")
                .doesNotContain("key=127.0.0.1");
        assertThat(run("show table fe key 10.9.9.9")).isEqualTo("\n");
        assertThat(run("show table fe key abc")).isEqualTo("\n"); // HAProxy reads it as 0.0.0.0
        assertThat(run("show table nothing key abcdefghijkl")).isEqualTo("\n");
    }

    @Test
    void showTableErrorsAreHaproxys() {
        assertThat(run("show table nope")).isEqualTo("No such table\n\n");
        assertThat(run("show table fe key")).isEqualTo("Key value expected\n\n");
        assertThat(run("show table fe foo"))
                .isEqualTo("Optional argument only supports \"data.<store_data_type>\" <operator> <value> and key "
                        + "<key>\n\n");
        assertThat(run("show table fe data.nope gt 1")).isEqualTo("Filter entry #1: Unknown data type\n\n");
        assertThat(run("show table fe data.conn_rate gt 1"))
                .isEqualTo("Filter entry #1: Data type not stored in this table\n\n");
        assertThat(run("show table fe data.gpc0 xx 1"))
                .isEqualTo("Filter entry #1: Require and operator among \"eq\", \"ne\", \"le\", \"ge\", \"lt\", "
                        + "\"gt\"\n\n");
        assertThat(run("show table fe data.gpc0 gt abc"))
                .isEqualTo("Filter entry #1: Require a valid integer value to compare against\n\n");
        assertThat(run("show table fe data.gpc0 ge 0 extra")).isEqualTo("Filter entry #2: Unknown data type\n\n");
    }

    @Test
    void clearTableRemovesEntriesNoConnectionTracks() {
        requests("127.0.0.1", 7);
        requests("127.0.0.2", 1);
        assertThat(run("clear table"))
                .isEqualTo("Required arguments: <table> \"data.<store_data_type>\" "
                        + "<operator> <value> or <table> key <key>\n\n");
        assertThat(run("clear table fe foo")).startsWith("Required arguments:");
        assertThat(run("clear table fe key 10.0.0.1")).isEqualTo("\n");
        assertThat(run("clear table fe key 127.0.0.2")).isEqualTo("\n");
        assertThat(run("show table fe")).contains("used:1").doesNotContain("key=127.0.0.2");
        assertThat(run("clear table fe data.http_req_cnt gt 100")).isEqualTo("\n");
        assertThat(run("show table fe")).contains("key=127.0.0.1");

        StickCounters tracking =
                router.accept("fe", dev.fjord.lb.core.internal.InetAddresses.parseLiteral("127.0.0.1"), 40000, 80);
        tracking.requestStarted();
        router.route("fe", RequestHead.builder().client("127.0.0.1", 40000).build(), tracking);
        assertThat(run("show table fe key 127.0.0.1")).contains(" use=1 ").contains(" conn_cur=1 ");
        assertThat(run("clear table fe key 127.0.0.1")).isEqualTo("Entry currently in use, cannot remove\n\n");
        assertThat(run("clear table fe")).isEqualTo("\n");
        assertThat(run("show table fe")).contains("key=127.0.0.1");
        tracking.requestEnded();
        assertThat(run("clear table fe")).isEqualTo("\n");
        assertThat(run("show table fe")).isEqualTo("# table: fe, type: ip, size:102400, used:0\n\n");
    }
}
