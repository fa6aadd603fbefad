package dev.fjord.lb.core;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * HAProxy's log dates, {@code dd/MMM/yyyy:HH:mm:ss.SSS} ({@code %tr}, the httplog accept date), made from a cached
 * text of the second: a logged request formats only its milliseconds, not a date through {@link DateTimeFormatter}
 * (which made a {@code ZonedDateTime} and took ~200 ns a line). Thread-safe: the cache is one immutable holder.
 */
final class LogDates {
    private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss", Locale.ROOT);

    /** The second last formatted, in one zone. */
    private record Second(long epochSecond, ZoneId zone, String text) {}

    private static volatile Second last = new Second(Long.MIN_VALUE, ZoneId.of("UTC"), "");

    private LogDates() {}

    /** {@code epochMillis} as {@code dd/MMM/yyyy:HH:mm:ss.SSS} in {@code zone}. */
    static String millis(long epochMillis, ZoneId zone) {
        StringBuilder text = new StringBuilder(24);
        appendMillis(text, epochMillis, zone);
        return text.toString();
    }

    /** Appends {@code epochMillis} as {@code dd/MMM/yyyy:HH:mm:ss.SSS} in {@code zone} to {@code text}. */
    static void appendMillis(StringBuilder text, long epochMillis, ZoneId zone) {
        long epochSecond = Math.floorDiv(epochMillis, 1000L);
        Second cached = last;
        if (cached.epochSecond() != epochSecond || !cached.zone().equals(zone)) {
            cached = new Second(
                    epochSecond,
                    zone,
                    SECOND.format(Instant.ofEpochSecond(epochSecond).atZone(zone)));
            last = cached;
        }
        appendMillisPart(text.append(cached.text()).append('.'), epochMillis);
    }

    /** The milliseconds of {@code epochMillis} in three digits ({@code %ms}). */
    static String millisPart(long epochMillis) {
        return appendMillisPart(new StringBuilder(3), epochMillis).toString();
    }

    private static StringBuilder appendMillisPart(StringBuilder text, long epochMillis) {
        int millis = (int) Math.floorMod(epochMillis, 1000L);
        return text.append((char) ('0' + millis / 100))
                .append((char) ('0' + millis / 10 % 10))
                .append((char) ('0' + millis % 10));
    }
}
