package dev.fjord.lb.examples;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.fjord.lb.core.Balance;
import dev.fjord.lb.core.PassiveCheck;
import dev.fjord.lb.core.RetryOn;
import dev.fjord.lb.netty.reactor.FjordHttpClient;

import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

/**
 * A Reactor Netty application's own outgoing calls, load-balanced by Fjord: two web nodes on loopback (one of them
 * answers 503 now and then), called through a {@link FjordHttpClient} with {@code leastconn}, passive checks and
 * retries on the other node. Run: {@code java -cp lb-examples/target/lb-examples.jar
 * dev.fjord.lb.examples.ReactorClientExample}.
 */
public final class ReactorClientExample {
    private ReactorClientExample() {}

    /** Starts the two nodes, makes {@code calls} calls through the balanced client, returns what each answered. */
    public static List<String> run(int calls) {
        DisposableServer web1 = node("web1", false);
        DisposableServer web2 = node("web2", true);
        FjordHttpClient users = FjordHttpClient.builder(
                        "users",
                        b -> b.balance(Balance.leastConn())
                                .retries(2)
                                .redispatch(true)
                                .retryOn(RetryOn.CONN_FAILURE, RetryOn.EMPTY_RESPONSE, RetryOn.STATUS_503)
                                .timeoutConnect(Duration.ofSeconds(1))
                                .timeoutServer(Duration.ofSeconds(5))
                                .defaultServer(s -> s.maxConn(50)
                                        .observe(PassiveCheck.layer7().errorLimit(5)))
                                .server("web1", "127.0.0.1:" + web1.port())
                                .server("web2", "127.0.0.1:" + web2.port()))
                .build();
        try {
            HttpClient http = users.httpClient().baseUrl("http://users.internal"); // Host header only
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                answers.add(http.get()
                        .uri("/users/" + i)
                        .responseSingle((response, body) -> body.asString())
                        .block(Duration.ofSeconds(10)));
            }
            System.out.print(users.statsCsv());
            return answers;
        } finally {
            users.close();
            web1.disposeNow();
            web2.disposeNow();
        }
    }

    /** A web node on loopback; a flaky one answers every other call 503. */
    private static DisposableServer node(String name, boolean flaky) {
        int[] count = {0};
        return HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .handle((request, response) -> flaky && count[0]++ % 2 == 0
                        ? response.status(503).sendString(Mono.just("busy"))
                        : response.sendString(Mono.just(request.uri() + " from " + name)))
                .bindNow();
    }

    public static void main(String[] args) {
        run(6).forEach(System.out::println); // every call answered, some by web1 after web2 said 503
    }
}
