package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class ServerPickerTest {
    private static final RequestHead ANY = RequestHead.get("/");

    private static ServerPicker picker(Balance balance, Server... servers) {
        return ServerPicker.of(balance, HashType.MAP_BASED, List.of(servers), new SplittableRandom(42));
    }

    private static List<String> picks(ServerPicker picker, int count) {
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            names.add(picker.pick(ANY, null).name());
        }
        return names;
    }

    private static Map<String, Integer> counts(List<String> names) {
        Map<String, Integer> counts = new HashMap<>();
        names.forEach(name -> counts.merge(name, 1, Integer::sum));
        return counts;
    }

    @Test
    void roundRobinIsSmoothAndExactlyWeighted() {
        ServerPicker picker =
                picker(Balance.roundRobin(), new FakeServer("a", 5), new FakeServer("b", 1), new FakeServer("c", 1));

        List<String> picks = picks(picker, 700);

        assertThat(picks.subList(0, 7)).containsExactly("a", "a", "b", "a", "c", "a", "a");
        assertThat(counts(picks)).containsExactlyInAnyOrderEntriesOf(Map.of("a", 500, "b", 100, "c", 100));
        for (int cycle = 0; cycle < 100; cycle++) {
            assertThat(picks.subList(cycle * 7, cycle * 7 + 7)).isEqualTo(picks.subList(0, 7));
        }
    }

    @Test
    void equalWeightsAlternateAndZeroWeightIsNeverPicked() {
        ServerPicker picker = picker(
                Balance.roundRobin(), new FakeServer("web1", 1), new FakeServer("off", 0), new FakeServer("web2", 1));

        assertThat(picks(picker, 6)).containsExactly("web1", "web2", "web1", "web2", "web1", "web2");
    }

    @Test
    void largeWeightsAreReducedByTheirCommonDivisor() {
        ServerPicker picker = picker(Balance.roundRobin(), new FakeServer("a", 200), new FakeServer("b", 100));

        assertThat(picks(picker, 6)).containsExactly("a", "b", "a", "a", "b", "a");
    }

    @Test
    void staticRoundRobinUsesConfiguredWeightsOnly() {
        FakeServer a = new FakeServer("a", 1);
        FakeServer b = new FakeServer("b", 1);
        a.weight(3); // a run-time change static-rr ignores

        assertThat(counts(picks(picker(Balance.staticRoundRobin(), a, b), 100)))
                .containsExactlyInAnyOrderEntriesOf(Map.of("a", 50, "b", 50));
        assertThat(counts(picks(picker(Balance.roundRobin(), a, b), 100)))
                .containsExactlyInAnyOrderEntriesOf(Map.of("a", 75, "b", 25));
    }

    @Test
    void leastConnPrefersFewestConnectionsRelativeToWeight() {
        FakeServer a = new FakeServer("a", 1).connections(3);
        FakeServer b = new FakeServer("b", 1).connections(1);
        FakeServer heavy = new FakeServer("heavy", 4).connections(6); // 1.5 per weight unit
        ServerPicker picker = picker(Balance.leastConn(), a, b, heavy);

        assertThat(picker.pick(ANY, null)).isSameAs(b);
        b.connections(2);
        assertThat(picker.pick(ANY, null)).isSameAs(heavy);
    }

    @Test
    void leastConnRotatesTies() {
        ServerPicker picker =
                picker(Balance.leastConn(), new FakeServer("a", 1), new FakeServer("b", 1), new FakeServer("c", 1));

        assertThat(picks(picker, 6)).containsExactly("a", "b", "c", "a", "b", "c");
    }

    @Test
    void leastConnSpreadsLiveLoadEvenly() {
        FakeServer a = new FakeServer("a", 1);
        FakeServer b = new FakeServer("b", 2);
        ServerPicker picker = picker(Balance.leastConn(), a, b);

        for (int i = 0; i < 300; i++) {
            picker.pick(ANY, null).connectionOpened(); // long-lived connections pile up
        }

        assertThat(a.activeConnections()).isEqualTo(100);
        assertThat(b.activeConnections()).isEqualTo(200);
    }

    @Test
    void firstFillsServersInOrder() {
        FakeServer a = new FakeServer("a", 1, 2);
        FakeServer b = new FakeServer("b", 1, 2);
        ServerPicker picker = picker(Balance.first(), a, b);
        List<String> picks = new ArrayList<>();

        for (int i = 0; i < 5; i++) {
            Server server = picker.pick(ANY, null);
            server.connectionOpened();
            picks.add(server.name());
        }

        assertThat(picks).containsExactly("a", "a", "b", "b", "a"); // both full: the least loaded
    }

    @Test
    void hashAlgorithmsAreStablePerKeyAndSpreadKeys() {
        Server[] servers = {new FakeServer("a", 1), new FakeServer("b", 1), new FakeServer("c", 1)};
        ServerPicker byPath = picker(Balance.uri(), servers);
        ServerPicker byParam = picker(Balance.urlParam("user"), servers);
        ServerPicker byHeader = picker(Balance.hdr("X-Tenant"), servers);
        ServerPicker bySource = picker(Balance.source(), servers);
        Map<String, Integer> spread = new HashMap<>();

        for (int key = 0; key < 3000; key++) {
            RequestHead request = RequestHead.builder()
                    .uri("/item/" + key + "?user=u" + key)
                    .header("X-Tenant", "t" + key)
                    .client("10.0." + (key / 256) + "." + (key % 256), 1)
                    .build();
            String server = byPath.pick(request, null).name();
            assertThat(byPath.pick(RequestHead.get("/item/" + key + "?other=1"), null)
                            .name())
                    .isEqualTo(server);
            assertThat(byParam.pick(request, null)).isSameAs(byParam.pick(request, null));
            assertThat(byHeader.pick(request, null)).isSameAs(byHeader.pick(request, null));
            assertThat(bySource.pick(request, null)).isSameAs(bySource.pick(request, null));
            spread.merge(server, 1, Integer::sum);
        }

        assertThat(spread.values()).allSatisfy(count -> assertThat(count).isBetween(850, 1150));
    }

    @Test
    void missingHashKeyFallsBackToRoundRobin() {
        ServerPicker picker = picker(Balance.urlParam("user"), new FakeServer("a", 1), new FakeServer("b", 1));

        assertThat(picks(picker, 4)).containsExactly("a", "b", "a", "b");
    }

    @ParameterizedTest
    @EnumSource(HashType.class)
    void removingOneOfFourServersMovesKeys(HashType hashType) {
        List<Server> four = List.of(
                new FakeServer("s1", 1), new FakeServer("s2", 1), new FakeServer("s3", 1), new FakeServer("s4", 1));
        ServerPicker before = ServerPicker.of(Balance.uri(), hashType, four, new SplittableRandom(1));
        ServerPicker after = ServerPicker.of(Balance.uri(), hashType, four.subList(0, 3), new SplittableRandom(1));
        int moved = 0;
        int keys = 10_000;

        for (int key = 0; key < keys; key++) {
            RequestHead request = RequestHead.get("/k/" + key);
            Server was = before.pick(request, null);
            Server now = after.pick(request, null);
            if (was != now) {
                moved++;
                if (hashType == HashType.CONSISTENT) {
                    assertThat(was.name()).isEqualTo("s4"); // only the removed server's keys move
                }
            }
        }

        if (hashType == HashType.CONSISTENT) {
            assertThat(moved).isBetween(keys * 15 / 100, keys * 35 / 100); // about 1/4
        } else {
            assertThat(moved).isGreaterThan(keys * 60 / 100); // map-based remaps most keys
        }
    }

    @Test
    void powerOfTwoChoicesPrefersTheLessLoaded() {
        FakeServer busy = new FakeServer("busy", 1).connections(50);
        FakeServer idle = new FakeServer("idle", 1);
        ServerPicker picker = picker(Balance.random(2), busy, idle);

        Map<String, Integer> counts = counts(picks(picker, 1000));

        assertThat(counts.get("idle")).isBetween(700, 800); // busy only when both draws hit it: about 1/4
    }

    @Test
    void randomWithOneDrawFollowsWeights() {
        ServerPicker picker = picker(Balance.random(1), new FakeServer("a", 3), new FakeServer("b", 1));

        assertThat(counts(picks(picker, 4000)).get("a")).isBetween(2800, 3200);
    }

    static List<Balance> everyAlgorithm() {
        return List.of(
                Balance.roundRobin(),
                Balance.staticRoundRobin(),
                Balance.leastConn(),
                Balance.first(),
                Balance.source(),
                Balance.uri(),
                Balance.urlParam("u"),
                Balance.hdr("h"),
                Balance.random(2));
    }

    @ParameterizedTest
    @MethodSource("everyAlgorithm")
    void avoidIsHonouredWhileAnotherServerExists(Balance balance) {
        FakeServer a = new FakeServer("a", 1);
        FakeServer b = new FakeServer("b", 1);
        for (HashType hashType : HashType.values()) {
            ServerPicker two = ServerPicker.of(balance, hashType, List.of(a, b), new SplittableRandom(5));
            ServerPicker one = ServerPicker.of(balance, hashType, List.of(a), new SplittableRandom(5));
            for (int i = 0; i < 50; i++) {
                RequestHead request = RequestHead.builder()
                        .uri("/p" + i + "?u=" + i)
                        .header("h", "v" + i)
                        .client("10.1.1." + i, 1)
                        .build();
                assertThat(two.pick(request, a)).isSameAs(b);
                assertThat(two.pick(request, b)).isSameAs(a);
                assertThat(one.pick(request, a)).isNull();
            }
            assertThat(ServerPicker.of(balance, hashType, List.of(), new SplittableRandom(5))
                            .pick(ANY, null))
                    .isNull();
        }
    }

    @Test
    void roundRobinIsExactUnderConcurrency() throws InterruptedException {
        ServerPicker picker = picker(Balance.roundRobin(), new FakeServer("a", 3), new FakeServer("b", 1));
        Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        Runnable picking = () -> {
            for (int i = 0; i < 20_000; i++) {
                counts.computeIfAbsent(picker.pick(ANY, null).name(), n -> new AtomicInteger())
                        .incrementAndGet();
            }
        };
        Thread one = new Thread(picking);
        Thread two = new Thread(picking);
        one.start();
        two.start();
        one.join(10_000);
        two.join(10_000);

        assertThat(counts.get("a").get()).isEqualTo(30_000);
        assertThat(counts.get("b").get()).isEqualTo(10_000);
    }
}
