package dev.fjord.lb.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.RouteDecision;

/** Runs each benchmark method once, so a broken benchmark fails the build rather than the measurement. */
class RouterBenchmarkTest {

    @Test
    void everyBenchmarkRoutesAsIntended() {
        RouterBenchmark benchmark = new RouterBenchmark();
        benchmark.setUp();

        RouteDecision.Forward fresh = benchmark.newClient().asForward();
        assertThat(fresh.setCookie()).startsWith("SERVERID=s");
        RouteDecision.Forward sticky = benchmark.stickyClient().asForward();
        assertThat(sticky.server().name()).isEqualTo("web2");
        assertThat(benchmark.staticAssetMatchesAcl()).isTrue();
    }
}
