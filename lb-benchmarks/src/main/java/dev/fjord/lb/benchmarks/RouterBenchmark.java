package dev.fjord.lb.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.fjord.lb.core.RequestHead;
import dev.fjord.lb.core.RouteDecision;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.examples.ReferenceCluster;

/**
 * Routing one request through the reference configuration: the ACLs, the cookie, round robin, X-Forwarded-For.
 * Run: {@code java -jar lb-benchmarks/target/benchmarks.jar RouterBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RouterBenchmark {
    private Router router;
    private RequestHead newClient;
    private RequestHead stickyClient;
    private RequestHead staticAsset;

    @Setup
    public void setUp() {
        router = Router.of(ReferenceCluster.at("127.0.0.1:8080", "127.0.0.1:1936", "127.0.0.1:8081", "127.0.0.1:8082"));
        newClient = RequestHead.builder()
                .uri("/index.php?page=2")
                .header("Host", "shop.example")
                .header("User-Agent", "bench")
                .client("203.0.113.7", 51000)
                .build();
        stickyClient = RequestHead.builder()
                .uri("/cart")
                .header("Host", "shop.example")
                .header("Cookie", "PHPSESSID=abc123; SERVERID=s2")
                .client("203.0.113.8", 51001)
                .build();
        staticAsset = RequestHead.builder()
                .uri("/IMAGES/logo.PNG")
                .header("Host", "shop.example")
                .client("203.0.113.9", 51002)
                .build();
    }

    /** A client without the cookie: balanced round robin, cookie inserted. */
    @Benchmark
    public RouteDecision newClient() {
        return router.route("main", newClient);
    }

    /** A client with {@code SERVERID=s2}: pinned, cookie removed before forwarding. */
    @Benchmark
    public RouteDecision stickyClient() {
        return router.route("main", stickyClient);
    }

    /** A static asset matching {@code url_static} by its extension, case-insensitively. */
    @Benchmark
    public boolean staticAssetMatchesAcl() {
        return router.route("main", staticAsset).matchedAcls().contains("url_static");
    }
}
