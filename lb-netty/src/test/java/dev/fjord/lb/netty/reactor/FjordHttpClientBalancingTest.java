package dev.fjord.lb.netty.reactor;

import static dev.fjord.lb.netty.reactor.LoopbackServers.ok;
import static dev.fjord.lb.netty.reactor.LoopbackServers.slow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.Balance;
import dev.fjord.lb.core.HashType;

import io.netty.handler.codec.http.HttpMethod;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Which server each call goes to: leastconn and P2C by outstanding calls, stickiness by key and by cookie. */
@Timeout(60)
class FjordHttpClientBalancingTest {
    @RegisterExtension
    final LoopbackServers servers = new LoopbackServers();

    private FjordHttpClient client(Balance balance, LoopbackServers.Node... nodes) {
        return servers.client(b -> {
            b.balance(balance).hashType(HashType.CONSISTENT);
            for (LoopbackServers.Node node : nodes) {
                b.server(node.name, node.address(), s -> s.cookie("c-" + node.name));
            }
        });
    }

    /** {@code calls} calls, {@code concurrency} at a time; the bodies (server names) they got. */
    private static List<String> load(FjordHttpClient client, int calls, int concurrency) {
        return Flux.range(0, calls)
                .flatMap(i -> FjordHttpClientRetryTest.call(client, HttpMethod.GET), concurrency)
                .collectList()
                .block(Duration.ofSeconds(30));
    }

    @Test
    void leastConnSendsNewCallsToTheServersWithFewerOutstandingOnesAndRoundRobinWouldNot() {
        var slowNode = servers.start("slow", slow(Duration.ofMillis(300)));
        var fast1 = servers.start("fast1", ok());
        var fast2 = servers.start("fast2", ok());

        assertThat(load(client(Balance.leastConn(), slowNode, fast1, fast2), 90, 6))
                .hasSize(90);
        int slowUnderLeastConn = slowNode.received.getAndSet(0);
        assertThat(load(client(Balance.roundRobin(), slowNode, fast1, fast2), 90, 6))
                .hasSize(90);
        int slowUnderRoundRobin = slowNode.received.get();

        assertThat(slowUnderLeastConn).isBetween(1, 9); // it holds a call or two; the fast ones take the rest
        assertThat(slowUnderRoundRobin).isEqualTo(30); // its third, whatever its load
    }

    @Test
    void powerOfTwoChoicesAvoidsTheBusyServerToo() {
        var slowNode = servers.start("slow", slow(Duration.ofMillis(300)));
        var fast1 = servers.start("fast1", ok());
        var fast2 = servers.start("fast2", ok());

        assertThat(load(client(Balance.random(2), slowNode, fast1, fast2), 180, 6))
                .hasSize(180);

        // random(1) would give it about 60; two draws (with replacement) both land on it 1 time in 9: about 20
        assertThat(slowNode.received.get()).isLessThan(40);
    }

    @Test
    void theSameKeyGoesToTheSameServerAndKeysSpreadOverServers() {
        var a = servers.start("a", ok());
        var b = servers.start("b", ok());
        var c = servers.start("c", ok());
        FjordHttpClient client = client(Balance.hdr("X-User"), a, b, c);
        Map<String, Set<String>> serversByKey = new HashMap<>();

        for (int user = 0; user < 30; user++) {
            String key = "user-" + user;
            for (int i = 0; i < 3; i++) {
                String body = FjordHttpClientRetryTest.call(client, HttpMethod.GET)
                        .contextWrite(FjordHttpClient.stickTo(key))
                        .block(Duration.ofSeconds(10));
                serversByKey.computeIfAbsent(key, k -> new HashSet<>()).add(body);
            }
        }

        assertThat(serversByKey.values()).allMatch(set -> set.size() == 1);
        Set<String> used = new HashSet<>();
        serversByKey.values().forEach(used::addAll);
        assertThat(used).containsExactlyInAnyOrder("200 a", "200 b", "200 c");
    }

    @Test
    void aKeyNeedsAHashBasedBalanceAndTheErrorSaysSo() {
        var a = servers.start("a", ok());
        FjordHttpClient client = client(Balance.leastConn(), a);

        assertThatThrownBy(() -> FjordHttpClientRetryTest.call(client, HttpMethod.GET)
                        .contextWrite(FjordHttpClient.stickTo("user-1"))
                        .block(Duration.ofSeconds(10)))
                .isInstanceOf(FjordClientException.class)
                .hasMessageStartingWith("backend 'app': sticky key 'user-1' cannot be hashed (balance leastconn");
        assertThat(a.received.get()).isZero();
    }

    @Test
    void aCookieValueKeepsItsServerAndServedByTellsWhichOneAnswered() {
        var a = servers.start("a", ok());
        var b = servers.start("b", ok());
        FjordHttpClient client = client(Balance.roundRobin(), a, b);

        for (int i = 0; i < 6; i++) {
            String cookie = client.httpClient()
                    .get()
                    .uri("/")
                    .responseSingle((response, body) ->
                            Mono.just(client.servedBy(response).config().cookie()))
                    .contextWrite(FjordHttpClient.stickToCookie("c-b"))
                    .block(Duration.ofSeconds(10));
            assertThat(cookie).isEqualTo("c-b");
        }
        assertThat(b.received.get()).isEqualTo(6);
        assertThat(a.received.get()).isZero();

        client.backend().requireServer("b").markDown(); // a cookie naming a DOWN server is ignored
        assertThat(FjordHttpClientRetryTest.call(client, HttpMethod.GET)
                        .contextWrite(FjordHttpClient.stickToCookie("c-b"))
                        .block(Duration.ofSeconds(10)))
                .isEqualTo("200 a");
    }
}
