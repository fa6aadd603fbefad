package dev.fjord.lb.examples.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.fjord.lb.examples.faults.ProxyProcess.Kind;

/**
 * Fjord, in its own process, when the clients are the fault: a storm of 2,000 against {@code maxconn} and a queue,
 * thousands of idle connections, a mixed load with paranoid leak detection. Short runs of the {@link FaultSuite}'s
 * scenarios.
 */
@Tag("faults")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LoadFaultsTest {
    @Test
    void aStormOf2000ClientsGetsAnswersOr503sAndAFreshClientIsServedOnceTheQueueSettles() {
        ScenarioResult result = Runs.ran(LoadFaults.overload(Kind.FJORD, Runs.dir("overload"), Duration.ofSeconds(4)));

        assertThat(result.figure("ok")).as("%s", result).isPositive();
        // a full queue is a 503 after timeout queue 2s, as the cfg says; nothing else: no reset, no timeout
        assertThat(result.errors()).as("%s", result).isEqualTo(result.figure("unavailable"));
        assertThat(result.figure("mixedUp")).as("%s", result).isZero();
        // a fresh client during the storm waits in the queue as the others do: an answer or a 503
        assertThat(result.figure("probeErrors")).as("%s", result).isEqualTo(result.figure("probeUnavailable"));
        // once the storm's requests have left the queue (timeout queue 2s), a fresh client is served at once
        assertThat(result.figure("probeSettled")).as("%s", result).isPositive();
        assertThat(result.figure("probeSettledErrors")).as("%s", result).isZero();
        assertThat(result.figure("probeSettledSlowestMillis")).as("%s", result).isLessThan(1000);
    }

    @Test
    void aStormOf2000ClientsWaitsNoLongerThanTimeoutQueueAndTheServer() {
        ScenarioResult result =
                Runs.ran(LoadFaults.overload(Kind.FJORD, Runs.dir("overload-bound"), Duration.ofSeconds(4)));

        assertThat(result.errors()).as("%s", result).isEqualTo(result.figure("unavailable"));
        // timeout queue 2s + the server's 200 ms + 1.5 s for accepting and scheduling 2,000 clients on 2 cores
        assertThat(result.slowestMillis()).as("%s", result).isLessThan(3700);
        assertThat(result.figure("probeSlowestDuringMillis")).as("%s", result).isLessThan(3700);
    }

    @Test
    void thousandsOfIdleConnectionsCostAFewKilobytesEachAndDoNotSlowAFreshClient() {
        ScenarioResult result = Runs.ran(LoadFaults.idle(Kind.FJORD, Runs.dir("idle"), 5000));

        assertThat(result.figure("held")).as("%s", result).isEqualTo(result.figure("wanted"));
        assertThat(result.figure("wanted")).as("%s", result).isEqualTo(5000);
        assertThat(result.errors()).as("%s", result).isZero();
        // HAProxy 2.6 holds one in ~1.1 KiB; a channel, its pipeline and its buffers take a few KiB in Netty
        assertThat(result.figure("bytesPerConnection")).as("%s", result).isLessThan(10_000);
        assertThat(result.figure("probeSlowestMillis")).as("%s", result).isLessThan(1000);
    }

    @Test
    void aMixedLoadWithParanoidLeakDetectionShowsNoErrorNoLeakAndBoundedMemory() {
        ScenarioResult result = Runs.ran(LoadFaults.soak(Kind.FJORD, Runs.dir("soak"), Duration.ofSeconds(6)));

        assertThat(result.total()).as("%s", result).isPositive();
        assertThat(result.errors()).as("%s", result).isZero();
        assertThat(result.figure("mixedUp")).as("%s", result).isZero();
        assertThat(result.figure("leaks")).as("%s", result).isZero();
        assertThat(result.figure("rssPeakKb") / 1024.0).as("%s", result).isLessThan(Runs.MAX_RSS_MB);
        assertThat(result.slowestMillis()).as("%s", result).isLessThan(Runs.SLOWEST_MILLIS);
    }
}
