package dev.fjord.lb.examples.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.fjord.lb.examples.faults.ProxyProcess.Kind;

/**
 * Fjord, in its own process on the scenario's haproxy.cfg, with fault servers in theirs: a server killed, one that
 * resets, one that cuts answers, one that stalls. Short runs of the {@link FaultSuite}'s scenarios; the bar is the
 * issue's (no client-visible error where a proxy can retry, a bounded worst case, bounded memory), and each bound
 * says what it comes from.
 */
@Tag("faults")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServerFaultsTest {
    @Test
    void aServerKilledUnderLoadCostsNoClientAnErrorAndIsBackSoonAfterItsRestart() {
        ScenarioResult result = Runs.ran(ServerFaults.sigkill(Kind.FJORD, Runs.dir("sigkill"), Duration.ofSeconds(10)));

        assertThat(result.errors()).as("%s", result).isZero();
        assertThat(result.total()).as("%s", result).isPositive();
        // no turn-around (min(timeout connect, 1 s)) on a redispatch: a request caught by the kill goes to web1 at once
        assertThat(result.figure("slowestWhileDownMillis")).as("%s", result).isLessThan(1000);
        assertThat(result.slowestMillis()).as("%s", result).isLessThan(Runs.SLOWEST_MILLIS);
        // restarted 3.3 s before the end; checks every 1 s, up after 2 successes
        assertThat(result.figure("recoveryMillis")).as("%s", result).isBetween(0L, 3300L);
    }

    @Test
    void resetsBeforeAnAnswerAreRetriedWithoutAClientErrorOrALeak() {
        ScenarioResult result = Runs.ran(ServerFaults.resets(Kind.FJORD, Runs.dir("resets"), Duration.ofSeconds(5)));

        assertThat(result.figure("resetsByServer")).as("%s", result).isPositive();
        assertThat(result.errors()).as("%s", result).isZero();
        assertThat(result.figure("mixedUp")).as("%s", result).isZero();
        assertThat(result.figure("leaks")).as("%s", result).isZero();
        assertThat(result.figure("fdsAfter")).as("%s", result).isLessThanOrEqualTo(result.figure("fdsBefore") + 2);
        assertThat(result.slowestMillis()).as("%s", result).isLessThan(Runs.SLOWEST_MILLIS);
    }

    @Test
    void anAnswerCutMidBodyReachesTheClientTruncatedNeverMixedUpOrLeaked() {
        ScenarioResult result = Runs.ran(ServerFaults.midBody(Kind.FJORD, Runs.dir("midbody"), Duration.ofSeconds(5)));

        assertThat(result.figure("truncated")).as("%s", result).isPositive();
        // the head was forwarded: no proxy can retry, so every error is the truncation itself, as with HAProxy
        assertThat(result.errors()).as("%s", result).isEqualTo(result.figure("truncated"));
        assertThat(result.figure("mixedUp")).as("%s", result).isZero();
        assertThat(result.figure("leaks")).as("%s", result).isZero();
        assertThat(result.figure("fdsAfter")).as("%s", result).isLessThanOrEqualTo(result.figure("fdsBefore") + 2);
        assertThat(result.slowestMillis()).as("%s", result).isLessThan(Runs.SLOWEST_MILLIS);
    }

    @Test
    void aStalledServerCostsA504AtTimeoutServerAndDoesNotSlowTheOther() {
        ScenarioResult result = Runs.ran(ServerFaults.slow(Kind.FJORD, Runs.dir("slow"), Duration.ofSeconds(4)));

        // timeout server 1s, no retry on a timeout in this cfg: a 504, neither earlier nor much later
        assertThat(result.figure("gatewayTimeouts")).as("%s", result).isPositive();
        assertThat(result.errors()).as("%s", result).isEqualTo(result.figure("gatewayTimeouts"));
        assertThat(result.figure("fastest504Millis")).as("%s", result).isGreaterThanOrEqualTo(950);
        assertThat(result.slowestMillis()).as("%s", result).isLessThan(1500);
        // web1's answers never wait for web2's timeout
        assertThat(result.figure("slowestWeb1Millis")).as("%s", result).isLessThan(1000);
    }
}
