package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.haproxy.HaproxyImport;

/**
 * {@code hash-balance-factor}: with {@code hash-type consistent}, a key whose server already serves more than its
 * share of the backend's requests in flight (times the factor) goes to the next server on the ring; under the bound,
 * or without a factor, the key keeps its server.
 */
class BoundedLoadHashTest {
    private final FakeServer a = new FakeServer("a", 1);
    private final FakeServer b = new FakeServer("b", 1);
    private final FakeServer c = new FakeServer("c", 1);

    private ServerPicker picker(int factor) {
        return ServerPicker.of(Balance.uri(), HashType.CONSISTENT, factor, List.of(a, b, c), new SplittableRandom(1));
    }

    /** A key that server {@code a} owns on the ring. */
    private RequestHead keyOfA() {
        ServerPicker unbounded = picker(0);
        for (int key = 0; key < 1_000; key++) {
            RequestHead request = RequestHead.get("/k/" + key);
            if (unbounded.pick(request, null) == a) {
                return request;
            }
        }
        throw new AssertionError("no key of a in 1,000");
    }

    @Test
    void aServerOverItsBoundPassesTheKeyOn() {
        RequestHead key = keyOfA();
        a.connections(5); // 5 of 5 in flight: with this one, 6 x 150 % = 9 slots, 3 each

        assertThat(picker(150).pick(key, null)).isNotSameAs(a);
        assertThat(picker(0).pick(key, null)).as("without a factor").isSameAs(a);
        assertThat(picker(500).pick(key, null))
                .as("6 x 500 % = 30 slots, 10 each")
                .isSameAs(a);
    }

    @Test
    void underTheBoundTheKeyKeepsItsServer() {
        RequestHead key = keyOfA();
        a.connections(2);
        b.connections(2);
        c.connections(2); // 7 x 150 % = 11 slots: 3, 4, 4 by weight order; a has 2 < 3

        assertThat(picker(150).pick(key, null)).isSameAs(a);
        a.connections(3); // 8 x 150 % = 12: 4 each
        assertThat(picker(150).pick(key, null)).isSameAs(a);
        a.connections(4); // 9 x 150 % = 14: 4, 5, 5; a has 4, not < 4
        assertThat(picker(150).pick(key, null)).isNotSameAs(a);
    }

    @Test
    void readFromHaproxyCfgAndChecked() {
        ProxyConfig config =
                HaproxyImport.parse("""
                backend app
                    balance uri
                    hash-type consistent
                    hash-balance-factor 125
                    server a 127.0.0.1:8001
                """, "haproxy.cfg", Map.of()).builder().build();
        assertThat(config.backends().get("app").settings().hashBalanceFactor()).isEqualTo(125);

        assertThatThrownBy(() -> HaproxyImport.parse("""
                backend app
                    hash-balance-factor 90
                """, "haproxy.cfg", Map.of()))
                .hasMessageContaining("haproxy.cfg:2")
                .hasMessageContaining("hash-balance-factor 90 (expected: 0 or more than 100)");
        assertThatThrownBy(() -> HaproxyImport.parse("""
                frontend www
                    bind :80
                    hash-balance-factor 150
                """, "haproxy.cfg", Map.of()))
                .hasMessageContaining("haproxy.cfg:3");
    }
}
