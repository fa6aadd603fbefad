package dev.fjord.lb.examples.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.fjord.lb.examples.faults.ProxyProcess.Kind;

/**
 * Fjord, in its own process: clients that give up on queued requests under {@code option abortonclose}, and an
 * operator draining a server through the runtime socket, and reloading the cfg, under load. Short runs of the
 * {@link FaultSuite}'s scenarios.
 */
@Tag("faults")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OperatorFaultsTest {
    @Test
    void requestsOfClientsThatGaveUpNeverReachTheServerAndFreeTheQueue() {
        ScenarioResult result = Runs.ran(OperatorFaults.abortOnClose(Kind.FJORD, Runs.dir("abortonclose")));

        // the server had 2 (maxconn 2) when the clients gave up; none of the 18 queued was dispatched after
        assertThat(result.figure("requestsReached")).as("%s", result).isEqualTo(2);
        assertThat(result.figure("serverConnectionsLeft")).as("%s", result).isZero();
        assertThat(result.figure("freshStatus")).as("%s", result).isEqualTo(200);
        // the server's 2 s and no wait behind the requests of clients that are gone
        assertThat(result.figure("freshMillis")).as("%s", result).isLessThan(3000);
        assertThat(result.errors()).as("%s", result).isZero();
    }

    @Test
    void aServerDrainedPutInMaintenanceAndBackCostsNoClientAnError() {
        ScenarioResult result = Runs.ran(OperatorFaults.drain(Kind.FJORD, Runs.dir("drain"), Duration.ofSeconds(6)));

        assertThat(result.errors()).as("%s", result).isZero();
        assertThat(result.total()).as("%s", result).isPositive();
        assertThat(result.figure("web1DuringMaint")).as("%s", result).isZero();
        assertThat(result.figure("web1AfterReady")).as("%s", result).isPositive();
        assertThat(result.slowestMillis()).as("%s", result).isLessThan(Runs.SLOWEST_MILLIS);
    }

    @Test
    void reloadingTheConfigUnderLoadChangesWeightsAddsAndRemovesServersWithoutAnError() {
        assumeFalse(
                Processes.hangupIgnored(),
                "SIGHUP is ignored by this test JVM (started under nohup?), so the proxy it starts cannot handle it");
        ScenarioResult result = Runs.ran(OperatorFaults.reload(Kind.FJORD, Runs.dir("reload"), Duration.ofSeconds(8)));

        assertThat(result.errors()).as("%s", result).isZero();
        // weights 1 and 3 once the first reload has applied: 750 per mille, give or take the interleaving
        assertThat(result.figure("web2ShareAfterWeights")).as("%s", result).isBetween(700L, 800L);
        assertThat(result.figure("web3AfterAdd")).as("%s", result).isPositive();
        assertThat(result.figure("web1AfterRemove")).as("%s", result).isZero();
        assertThat(result.slowestMillis()).as("%s", result).isLessThan(Runs.SLOWEST_MILLIS);
    }
}
