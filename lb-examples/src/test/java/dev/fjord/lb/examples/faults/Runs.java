package dev.fjord.lb.examples.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

/**
 * What the fault tests share: a work folder per test that outlives it ({@code target/faults/NAME}, with the
 * proxy's cfg and logs, for a failure's post-mortem), and the checks every scenario run passes first.
 */
final class Runs {
    /** Fjord's peak resident memory in every scenario: its heap is at most 128 MB ({@link ProxyProcess}). */
    static final double MAX_RSS_MB = 256;

    /**
     * The slowest request of a run where no request should wait for any timeout of the cfg: the smallest, timeout
     * connect, is 1 s, and this shared 2-core machine adds up to a second of scheduling under other work (measured:
     * Fjord's slowest of the suite's drain 620-1153 ms, HAProxy's 84-210 ms, with a load average of 13-17). The
     * fault's own cost is bounded more tightly where there is one (e.g. sigkill's slowest while a server is down).
     */
    static final long SLOWEST_MILLIS = 2000;

    private Runs() {}

    /** The work folder of test {@code name}, under the module's {@code target/faults}. */
    static Path dir(String name) {
        return Path.of("target", "faults", name).toAbsolutePath();
    }

    /** Asserts that {@code result} ran and kept Fjord's memory bounded; returns it. */
    static ScenarioResult ran(ScenarioResult result) {
        assertThat(result.failure()).as("%s", result).isEmpty();
        assertThat(result.peakRssMb()).as("peak RSS, %s", result).isPositive().isLessThan(MAX_RSS_MB);
        System.out.println(result.row());
        return result;
    }
}
