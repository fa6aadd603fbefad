package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The sliding rate of HAProxy's {@code freq_ctr}: the current period's events plus the previous period's, weighted by
 * the part of it still in the window. The expected values are worked out from HAProxy 2.6's {@code freq_ctr_total}
 * and {@code update_freq_ctr_period} by hand, with a 10 s period.
 */
class FreqCounterTest {
    private static final int PERIOD = 10_000;
    private final FreqCounter counter = new FreqCounter();

    @Test
    void eventsOfTheCurrentPeriodCountWhole() {
        assertThat(counter.read(1_000, PERIOD)).isZero();
        for (int i = 0; i < 7; i++) {
            counter.add(1_000 + i * 100, PERIOD, 1);
        }
        assertThat(counter.read(1_700, PERIOD)).isEqualTo(7);
        assertThat(counter.read(10_999, PERIOD)).isEqualTo(7); // the period started at 1000 ends at 11000
    }

    @Test
    void thePreviousPeriodFadesOutAsTheWindowSlides() {
        counter.add(1_000, PERIOD, 10); // the period [1000, 11000)
        // at 13500, a quarter of the next period went by: three quarters of the previous one are still in the window
        assertThat(counter.read(13_500, PERIOD)).isEqualTo(7); // 10 * 7500 / 10000
        assertThat(counter.read(18_500, PERIOD)).isEqualTo(2); // 10 * 2500 / 10000
        assertThat(counter.read(21_000, PERIOD)).isZero(); // two periods later nothing is left
    }

    @Test
    void eventsOfTheNewPeriodAddToTheFadingOnes() {
        counter.add(1_000, PERIOD, 10);
        counter.add(16_000, PERIOD, 4); // rotates: previous 10, current 4, period starting at 11000
        assertThat(counter.read(16_000, PERIOD)).isEqualTo(9); // (10 * 5000 + 4 * 10000) / 10000
        assertThat(counter.read(21_000, PERIOD)).isEqualTo(4); // the 10 slid out, the 4 now fade
        assertThat(counter.read(26_000, PERIOD)).isEqualTo(2);
    }

    @Test
    void aCounterIdleForTwoPeriodsStartsAfresh() {
        counter.add(1_000, PERIOD, 50);
        counter.add(40_001, PERIOD, 1); // missed several periods: no history, the period starts now (even: 40000)
        assertThat(counter.read(40_001, PERIOD)).isEqualTo(1);
        assertThat(counter.read(49_999, PERIOD)).isEqualTo(1);
    }

    @Test
    void aSingleEventDoesNotFlapWhileItsPeriodFades() {
        counter.add(1_000, PERIOD, 1);
        // HAProxy reports a lone past event whole (rates between 0 and 1 would otherwise read 0)
        assertThat(counter.read(19_000, PERIOD)).isEqualTo(1);
        assertThat(counter.read(21_000, PERIOD)).isEqualTo(1); // the window's very end still holds it
        assertThat(counter.read(21_001, PERIOD)).isZero();
    }

    @Test
    void theCurrentCountIsWhatSetGpcRateReports() {
        counter.add(1_000, PERIOD, 1);
        counter.add(2_000, PERIOD, 1);
        assertThat(counter.currentCount(2_000, PERIOD)).isEqualTo(2);
        assertThat(counter.currentCount(11_000, PERIOD)).isZero();
    }
}
