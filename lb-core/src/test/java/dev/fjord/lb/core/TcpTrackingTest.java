package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.internal.InetAddresses;

/**
 * {@code tcp-request content track-sc} and {@code tcp-request session} rules, in virtual time, driven as the
 * transport drives them: a connection accepted, its session started (after a PROXY header), its first bytes
 * inspected.
 */
class TcpTrackingTest {
    private final VirtualTime time = new VirtualTime();
    private final List<String> heard = new ArrayList<>();

    private final ContentInspector.Listener listener = new ContentInspector.Listener() {
        @Override
        public void accepted(RequestHead connection) {
            heard.add("accepted");
        }

        @Override
        public void rejected() {
            heard.add("rejected");
        }
    };

    private Router router(Consumer<FrontendConfig.Builder> frontend) {
        return Router.builder(ProxyConfig.builder()
                        .defaults(d -> d.mode(Mode.TCP))
                        .frontend("in", f -> {
                            f.bind("127.0.0.1:8443")
                                    .defaultBackend("b")
                                    .stickTable(StickTable.ip(100)
                                            .expire(Duration.ofMinutes(1))
                                            .store(StickData.CONN_CUR)
                                            .store(StickData.CONN_CNT)
                                            .store(StickData.SESS_CNT));
                            frontend.accept(f);
                        })
                        .backend("b", b -> b.server("s", "127.0.0.1:9441"))
                        .build())
                .ticker(time)
                .build();
    }

    private StickCounters connect(Router router, String client, byte... bytes) {
        StickCounters counters = router.accept("in", InetAddresses.parseLiteral(client), 40000, 8443);
        RequestHead head =
                RequestHead.builder().client(client, 40000).localPort(8443).build();
        ContentInspector inspector = ContentInspector.start(router, "in", head, counters, time, listener);
        if (bytes.length > 0) {
            inspector.received(bytes);
        }
        return counters;
    }

    @Test
    void contentRulesTrackTheConnectionAndRejectOverALimit() {
        Router router = router(f -> f.inspectDelay(Duration.ofSeconds(5))
                .tcpContent(TcpContentRule.trackSc(0, "src"))
                .tcpContent(TcpContentRule.reject().when("{ sc0_conn_cnt gt 2 }"))
                .tcpContent(TcpContentRule.accept().when("{ req.len gt 0 }")));

        StickCounters first = connect(router, "192.0.2.1", (byte) 1); // waits for bytes, then accepted
        connect(router, "192.0.2.1", (byte) 1);
        connect(router, "192.0.2.1", (byte) 1); // its third connection: conn_cnt 3
        connect(router, "192.0.2.2", (byte) 1);

        assertThat(heard).containsExactly("accepted", "accepted", "rejected", "accepted");
        String table = StickTrackingTest.commands(router).execute("show table in");
        assertThat(table)
                .contains("key=192.0.2.1 use=3 exp=60000 conn_cnt=3 conn_cur=3 sess_cnt=0")
                .contains("key=192.0.2.2 use=1 exp=60000 conn_cnt=1 conn_cur=1 sess_cnt=0");
        first.close();
        assertThat(StickTrackingTest.commands(router).execute("show table in"))
                .contains("key=192.0.2.1 use=2 exp=60000 conn_cnt=3 conn_cur=2");
    }

    @Test
    void aRuleRunAgainWhenBytesArriveDoesNotTrackTwice() {
        Router router = router(f -> f.inspectDelay(Duration.ofSeconds(5))
                .tcpContent(TcpContentRule.trackSc(1, "src"))
                .tcpContent(TcpContentRule.accept().when("{ req.len ge 3 }")));
        StickCounters counters = router.accept("in", InetAddresses.parseLiteral("192.0.2.1"), 40000, 8443);
        RequestHead head =
                RequestHead.builder().client("192.0.2.1", 40000).localPort(8443).build();
        ContentInspector inspector = ContentInspector.start(router, "in", head, counters, time, listener);
        inspector.received(new byte[] {1});
        inspector.received(new byte[] {2});
        inspector.received(new byte[] {3});

        assertThat(heard).containsExactly("accepted");
        assertThat(StickTrackingTest.commands(router).execute("show table in"))
                .contains("key=192.0.2.1 use=1 exp=60000 conn_cnt=1 conn_cur=1");
    }

    @Test
    void sessionRulesSeeTheProxyHeadersSourceAndCountTheSession() {
        Router router = router(f -> f.tcpRequestConnection(TcpConnectionRule.trackSc(0, "src"))
                .tcpRequestSession(TcpConnectionRule.trackSc(1, "src"))
                .tcpRequestSession(TcpConnectionRule.reject().when("{ src 198.51.100.0/24 }")));
        // the load balancer in front connects from 10.0.0.1; its PROXY headers name the clients
        StickCounters fromClient = router.acceptConnection("in", InetAddresses.parseLiteral("10.0.0.1"), 1, 8443);
        router.startSession("in", fromClient, InetAddresses.parseLiteral("192.0.2.7"), 40000, 8443);
        StickCounters fromBlocked = router.acceptConnection("in", InetAddresses.parseLiteral("10.0.0.1"), 2, 8443);
        router.startSession("in", fromBlocked, InetAddresses.parseLiteral("198.51.100.9"), 40000, 8443);

        assertThat(fromClient.rejected()).isFalse();
        assertThat(fromBlocked.rejected()).isTrue();
        String table = StickTrackingTest.commands(router).execute("show table in");
        assertThat(table)
                .contains("key=10.0.0.1 use=1 exp=60000 conn_cnt=2 conn_cur=1 sess_cnt=1")
                .contains("key=192.0.2.7 use=1 exp=60000 conn_cnt=1 conn_cur=1 sess_cnt=1")
                .contains("key=198.51.100.9 use=0 exp=60000 conn_cnt=1 conn_cur=0 sess_cnt=0");
    }
}
