package dev.fjord.lb.core;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * A log line as a syslog message in the RFC 3164 form HAProxy sends by default:
 * {@code <PRI>Mmm dd hh:mm:ss TAG[PID]: MESSAGE}, PRI being facility * 8 + severity ({@code local2} at {@code info}:
 * 150) and the day padded with a space. The time is the caller's: lb-core reads no clock. Stateless.
 */
public final class SyslogMessage {
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT);

    private SyslogMessage() {}

    /**
     * One message in RFC 3164's form: {@code <PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PID]: LINE}.
     *
     * @param severity a level name ({@code info} for access logs)
     * @param tag the program name, e.g. {@code fjord}
     */
    public static String rfc3164(
            LogTarget target, String severity, ZonedDateTime time, String tag, long pid, String message) {
        int priority = target.facilityCode() * 8 + LogTarget.severityCode(severity);
        return "<" + priority + ">" + TIMESTAMP.format(time) + " " + tag + "[" + pid + "]: " + message;
    }
}
