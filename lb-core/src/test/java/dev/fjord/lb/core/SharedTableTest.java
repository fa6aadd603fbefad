package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.peers.PeerDecoder;
import dev.fjord.lb.core.peers.PeerEncoder;
import dev.fjord.lb.core.peers.PeerMessage;

/**
 * Two routers sharing their tables through encoded peers messages, in virtual time: a client stuck on one keeps its
 * server on the other, and a rate counted on one limits on the other.
 */
final class SharedTableTest {
    private final VirtualTime time = new VirtualTime();

    private Router node() {
        ProxyConfig config = ProxyConfig.builder()
                .peers(
                        "mypeers",
                        p -> p.localPeer("a").peer("a", "127.0.0.1:10000").peer("b", "127.0.0.2:10000"))
                .defaults(d -> d.mode(Mode.HTTP))
                .frontend(
                        "fe",
                        f -> f.bind(":80")
                                .stickTable(StickTable.ip(100)
                                        .expire(Duration.ofSeconds(30))
                                        .store(StickData.HTTP_REQ_RATE, Duration.ofSeconds(10))
                                        .peers("mypeers"))
                                .httpRequest(HttpRequestRule.trackSc(0, "src"))
                                .httpRequest(HttpRequestRule.deny(429).when("{ sc_http_req_rate(0) gt 3 }"))
                                .defaultBackend("app"))
                .backend(
                        "app",
                        b -> b.server("web1", "127.0.0.1:8001")
                                .server("web2", "127.0.0.1:8002")
                                .stickTable(StickTable.ip(100)
                                        .expire(Duration.ofMinutes(5))
                                        .peers("mypeers"))
                                .stick(StickRule.on("src")))
                .build();
        return Router.builder(config).ticker(time).build();
    }

    /** Sends what {@code from}'s tables hold to {@code to}, through bytes. */
    private static void sync(Router from, Router to) {
        PeerDecoder decoder = new PeerDecoder();
        List<SharedTable> targets = to.sharedTables("mypeers");
        int id = 1;
        for (SharedTable table : from.sharedTables("mypeers")) {
            PeerMessage.Define define = table.define(id++);
            List<byte[]> wire = new ArrayList<>();
            wire.add(PeerEncoder.define(define));
            for (Object key : table.keysUpdatedAfter(0)) {
                wire.add(PeerEncoder.update(table.update(define, key)));
            }
            PeerMessage.Define received = null;
            for (byte[] bytes : wire) {
                PeerMessage message = decoder.decode(ByteBuffer.wrap(bytes));
                if (message instanceof PeerMessage.Define d) {
                    received = d;
                } else if (message instanceof PeerMessage.Update update) {
                    PeerMessage.Define of = received;
                    targets.stream().filter(t -> t.accepts(of)).forEach(t -> t.learn(update));
                }
            }
        }
    }

    private static RequestHead client(String address) {
        return RequestHead.builder().client(address, 40000).build();
    }

    @Test
    void stickOnSrc_learntFromAPeer_keepsTheServer() {
        Router a = node();
        Router b = node();
        a.route(client("192.0.2.1")); // web1
        assertThat(a.route(client("192.0.2.2")).asForward().server().name()).isEqualTo("web2");

        sync(a, b);

        assertThat(b.route(client("192.0.2.2")).asForward().server().name()).isEqualTo("web2");
        assertThat(StickTrackingTest.commands(b).execute("show table app"))
                .contains("key=192.0.2.2 use=0 exp=300000 server_id=2 server_key=web2");
    }

    @Test
    void rateCountedOnOnePeer_limitsOnTheOther() {
        Router a = node();
        Router b = node();
        for (int i = 0; i < 3; i++) {
            assertThat(a.route(client("192.0.2.9"))).isInstanceOf(RouteDecision.Forward.class);
        }
        time.advance(Duration.ofSeconds(1));

        sync(a, b);

        assertThat(StickTrackingTest.commands(b).execute("show table fe"))
                .contains("key=192.0.2.9 use=0 exp=30000 http_req_rate(10000)=3");
        assertThat(b.route(client("192.0.2.9"))).isInstanceOf(RouteDecision.Respond.class); // the 4th: 429
    }

    @Test
    void localUpdates_areToldWithTheirKey_learntOnesAreNot() {
        Router a = node();
        Router b = node();
        List<Object> told = new ArrayList<>();
        SharedTable fe = b.sharedTables("mypeers").get(0);
        Runnable stop = fe.onLocalUpdate(told::add);
        a.route(client("192.0.2.3"));

        sync(a, b);
        assertThat(told).isEmpty();
        b.route(client("192.0.2.4"));
        stop.run();
        b.route(client("192.0.2.5"));

        assertThat(told).extracting(Object::toString).containsOnly("192.0.2.4");
        assertThat(fe.define(1).name()).isEqualTo("fe");
        assertThat(fe.keysUpdatedAfter(0))
                .extracting(Object::toString)
                .containsExactlyInAnyOrder("192.0.2.4", "192.0.2.5");
    }
}
