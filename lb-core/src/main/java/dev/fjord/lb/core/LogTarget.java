package dev.fjord.lb.core;

import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Where log lines go, as HAProxy's {@code log ADDRESS FACILITY [LEVEL]} (a syslog server, {@code stdout}, or a
 * socket path).
 *
 * @param address {@code host[:port]} of a syslog server (UDP, port 514 by default), {@code stdout}, {@code stderr}
 *     or a Unix socket path
 * @param facility a syslog facility name ({@code local0} to {@code local7}, {@code daemon}, ...)
 * @param level the most verbose level sent; null: every level
 */
public record LogTarget(String address, String facility, @Nullable String level) {
    private static final Set<String> FACILITIES = Set.of("kern", "user", "mail", "daemon", "auth", "syslog", "lpr",
            "news", "uucp", "cron", "auth2", "ftp", "ntp", "audit", "alert", "cron2", "local0", "local1", "local2",
            "local3", "local4", "local5", "local6", "local7");
    private static final Set<String> LEVELS = Set.of("emerg", "alert", "crit", "err", "warning", "notice", "info",
            "debug");

    public LogTarget {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(facility, "facility");
        if (address.isEmpty() || address.chars().anyMatch(c -> c <= ' ')) {
            throw new ConfigException("log: address '" + address + "' (expected: host[:port], stdout, stderr or a path)");
        }
        if (!FACILITIES.contains(facility)) {
            throw new ConfigException("log: facility '" + facility + "' (expected one of: "
                    + FACILITIES.stream().sorted().toList() + ")");
        }
        if (level != null && !LEVELS.contains(level)) {
            throw new ConfigException("log: level '" + level + "' (expected one of: "
                    + "[emerg, alert, crit, err, warning, notice, info, debug])");
        }
    }

    /** {@code log ADDRESS FACILITY}. */
    public static LogTarget of(String address, String facility) {
        return new LogTarget(address, facility, null);
    }
}
