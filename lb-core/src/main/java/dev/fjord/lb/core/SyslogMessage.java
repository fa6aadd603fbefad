package dev.fjord.lb.core;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * A log line as a syslog message in the RFC 3164 form HAProxy sends by default:
 * {@code <PRI>Mmm dd hh:mm:ss TAG[PID]: MESSAGE}, PRI being facility * 8 + severity ({@code local2} at {@code info}:
 * 150) and the day padded with a space; and in each of the other formats of HAProxy's {@code log ... format}
 * ({@link #format}). The time is the caller's: lb-core reads no clock. Thread-safe (the timestamp of the last second
 * is cached).
 */
public final class SyslogMessage {
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter ISO =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx", Locale.ROOT);

    /** The RFC 3164 timestamp of the last second a message was made in: one per second, not one per message. */
    private record Stamp(long epochSecond, java.time.ZoneId zone, String text) {}

    private static volatile Stamp last = new Stamp(Long.MIN_VALUE, java.time.ZoneOffset.UTC, "");

    private SyslogMessage() {}

    /** {@code time} as RFC 3164's {@code Mmm dd hh:mm:ss}, from the cached text of its second. */
    private static String timestamp(ZonedDateTime time) {
        long second = time.toEpochSecond();
        Stamp cached = last;
        if (cached.epochSecond() != second || !cached.zone().equals(time.getZone())) {
            cached = new Stamp(second, time.getZone(), TIMESTAMP.format(time));
            last = cached;
        }
        return cached.text();
    }

    /**
     * One message in RFC 3164's form: {@code <PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PID]: LINE}.
     *
     * @param severity a level name ({@code info} for access logs)
     * @param tag the program name, e.g. {@code fjord}
     */
    public static String rfc3164(
            LogTarget target, String severity, ZonedDateTime time, String tag, long pid, String message) {
        int priority = target.facilityCode() * 8 + LogTarget.severityCode(severity);
        return "<" + priority + ">" + timestamp(time) + " " + tag + "[" + pid + "]: " + message;
    }

    /**
     * One message in the target's {@link LogTarget#format()}, at {@code severity} capped by the target's minimum
     * level, as HAProxy 2.6 writes it:
     *
     * <pre>
     * local    &lt;134&gt;Nov 28 10:27:40 fjord[42]: MESSAGE
     * rfc3164  &lt;134&gt;Nov 28 10:27:40 HOSTNAME fjord[42]: MESSAGE
     * rfc5424  &lt;134&gt;1 2026-11-28T10:27:40.804864+00:00 - fjord 42 - - MESSAGE
     * priority &lt;134&gt;MESSAGE
     * short    &lt;6&gt;MESSAGE
     * timed    &lt;6&gt;2026-11-28T10:27:40.804872+00:00 MESSAGE
     * iso      2026-11-28T10:27:40.804871+00:00 MESSAGE
     * raw      MESSAGE
     * </pre>
     *
     * @param hostname the host name of {@code rfc3164}
     */
    public static String format(
            LogTarget target,
            String severity,
            ZonedDateTime time,
            String hostname,
            String tag,
            long pid,
            String message) {
        int level = LogTarget.severityCode(target.sentLevel(severity));
        int priority = target.facilityCode() * 8 + level;
        return switch (target.format()) {
            case LOCAL -> "<" + priority + ">" + timestamp(time) + " " + tag + "[" + pid + "]: " + message;
            case RFC3164 ->
                "<" + priority + ">" + timestamp(time) + " " + hostname + " " + tag + "[" + pid + "]: " + message;
            case RFC5424 -> "<" + priority + ">1 " + ISO.format(time) + " - " + tag + " " + pid + " - - " + message;
            case PRIORITY -> "<" + priority + ">" + message;
            case SHORT -> "<" + level + ">" + message;
            case TIMED -> "<" + level + ">" + ISO.format(time) + " " + message;
            case ISO -> ISO.format(time) + " " + message;
            case RAW -> message;
        };
    }
}
