package dev.fjord.lb.examples.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The suite's table and medians, and the cfg templates, without processes. */
class ScenarioResultTest {
    private static ScenarioResult round(long errors, long slowest, double rss, String notes) {
        return new ScenarioResult("sigkill", "fjord", errors, 100, slowest, rss, Map.of("x", slowest), notes, "");
    }

    @Test
    void theMedianOfThreeRoundsTakesEachFigureMiddleAndTheNotesOfTheMedianSlowest() {
        ScenarioResult median = ScenarioResult.median(
                List.of(round(0, 300, 110, "a"), round(2, 100, 120, "b"), round(1, 200, 115, "c")));

        assertThat(median.errors()).isEqualTo(1);
        assertThat(median.slowestMillis()).isEqualTo(200);
        assertThat(median.peakRssMb()).isEqualTo(115);
        assertThat(median.figure("x")).isEqualTo(200);
        assertThat(median.notes())
                .isEqualTo("median of 3 rounds (errors 0, 2, 1; slowest 300, 100, 200 ms); that round: c");
    }

    @Test
    void aRoundThatDidNotRunIsLeftOutOfTheMedianAndCounted() {
        ScenarioResult median = ScenarioResult.median(
                List.of(ScenarioResult.failed("sigkill", "fjord", "no"), round(0, 100, 110, "a")));

        assertThat(median.ran()).isTrue();
        assertThat(median.notes()).startsWith("median of 1 rounds (errors 0; slowest 100 ms; 1 did not run)");
    }

    @Test
    void aRowIsOneMarkdownLineWithPipesEscaped() {
        assertThat(round(1, 20, 12.34, "a|b\nc").row())
                .isEqualTo("| sigkill | fjord | 1/100 | 20 ms | 12.3 MB | a\\|b c |");
        assertThat(ScenarioResult.failed("idle", "haproxy", "FD limit").row())
                .isEqualTo("| idle | haproxy | - | - | - | did not run: FD limit |");
    }

    @Test
    void aTemplateIsRenderedAndAnUnknownPlaceholderRefused() {
        assertThat(ProxyProcess.render("bind 127.0.0.1:${FRONTEND_PORT}", Map.of("FRONTEND_PORT", "8080")))
                .isEqualTo("bind 127.0.0.1:8080");
        assertThatThrownBy(() -> ProxyProcess.render("maxconn ${MAXCONN}", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no value for ${MAXCONN} in the template");
    }
}
