package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** {@link LogDates}' cached seconds give what {@link DateTimeFormatter} gives, across seconds and zones. */
class LogDatesTest {
    private static final DateTimeFormatter REFERENCE =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss.SSS", Locale.ROOT);

    @Test
    void millisArePaddedAndSecondsRollOver() {
        long second = 1_795_534_788_000L; // 2026-11-24T15:39:48Z
        assertThat(LogDates.millis(second + 7, ZoneOffset.UTC)).isEqualTo("24/Nov/2026:15:39:48.007");
        assertThat(LogDates.millisPart(second + 7)).isEqualTo("007"); // %ms
        assertThat(LogDates.millis(second + 999, ZoneOffset.UTC)).isEqualTo("24/Nov/2026:15:39:48.999");
        assertThat(LogDates.millis(second + 1000, ZoneOffset.UTC)).isEqualTo("24/Nov/2026:15:39:49.000");
        assertThat(LogDates.millis(second + 1000, ZoneId.of("Europe/Oslo"))).isEqualTo("24/Nov/2026:16:39:49.000");
    }

    @Test
    void agreesWithTheFormatterAcrossZonesAndDaylightSaving() {
        Random random = new Random(20261129);
        ZoneId[] zones = {ZoneOffset.UTC, ZoneId.of("Europe/Oslo"), ZoneId.of("America/New_York")};
        long start = 1_774_746_000_000L; // 2026-03-29, the night Europe's clocks go forward
        for (int i = 0; i < 20_000; i++) {
            long millis = start + random.nextInt(86_400_000);
            ZoneId zone = zones[random.nextInt(zones.length)];
            assertThat(LogDates.millis(millis, zone))
                    .as("%d in %s", millis, zone)
                    .isEqualTo(REFERENCE.format(Instant.ofEpochMilli(millis).atZone(zone)));
        }
    }
}
