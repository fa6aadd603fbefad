package dev.fjord.lb.core;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Where log lines go, as HAProxy's {@code log ADDRESS [len N] [format FORMAT] FACILITY [LEVEL [MINLEVEL]]} (a
 * syslog server, {@code stdout}, or a socket path). Immutable; the address is checked when made.
 *
 * @param address {@code host[:port]} of a syslog server (UDP, port 514 by default; HAProxy's {@code udp@},
 *     {@code ipv4@} and {@code ipv6@} prefixes and {@code [v6]:port} accepted), {@code stdout}, {@code stderr} or a
 *     Unix socket path ({@code /dev/log}, {@code unix@/dev/log})
 * @param facility a syslog facility name ({@code local0} to {@code local7}, {@code daemon}, ...)
 * @param level the most verbose level sent; null: every level
 * @param format how each message is written ({@code format}); default {@link Format#LOCAL}
 * @param maxLength messages are cut to this many bytes ({@code len}, 80-65535); default 1024. HAProxy cuts
 *     neither {@code stdout} nor {@code stderr} lines, and neither does Fjord
 * @param minLevel messages more severe than this level are sent at this level; null: as they are
 */
public record LogTarget(
        String address,
        String facility,
        @Nullable String level,
        Format format,
        int maxLength,
        @Nullable String minLevel) {
    /** Syslog facilities, in the order of their codes (RFC 5424 section 6.2.1, HAProxy's names). */
    private static final List<String> FACILITIES = List.of(
            "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "auth2", "ftp", "ntp",
            "audit", "alert", "cron2", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7");
    /** Syslog severities, in the order of their codes. */
    private static final List<String> LEVELS =
            List.of("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug");

    /** How a message is written, as HAProxy's {@code log ... format FORMAT}. */
    public enum Format {
        /** RFC 3164 without the host name: {@code <PRI>Mmm dd hh:mm:ss TAG[PID]: MESSAGE}. The default. */
        LOCAL,
        /** RFC 3164: {@code <PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PID]: MESSAGE}. */
        RFC3164,
        /** RFC 5424: {@code <PRI>1 TIMESTAMP - TAG PID - - MESSAGE}. */
        RFC5424,
        /** {@code <PRI>MESSAGE}. */
        PRIORITY,
        /** {@code <SEVERITY>MESSAGE}, as systemd reads it. */
        SHORT,
        /** {@code <SEVERITY>TIMESTAMP MESSAGE}. */
        TIMED,
        /** {@code TIMESTAMP MESSAGE}. */
        ISO,
        /** The message alone, as containers log it ({@code log stdout format raw local0}). */
        RAW;

        /**
         * The format HAProxy names {@code name} ({@code raw}, {@code rfc5424}, ...).
         *
         * @throws ConfigException naming the expected names
         */
        public static Format of(String name) {
            for (Format format : values()) {
                if (format.name().equalsIgnoreCase(name)) {
                    return format;
                }
            }
            throw new ConfigException("log: format '" + name
                    + "' (expected: local, rfc3164, rfc5424, priority, short, timed, iso or raw)");
        }
    }

    /** What kind of destination the address names. */
    public enum Kind {
        /** A syslog server over UDP: {@link #host()} and {@link #port()}. */
        UDP,
        /** The process's standard output. */
        STDOUT,
        /** The process's standard error. */
        STDERR,
        /** A Unix datagram socket: {@link #path()}. */
        UNIX
    }

    public LogTarget {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(facility, "facility");
        if (address.isEmpty() || address.chars().anyMatch(c -> c <= ' ')) {
            throw new ConfigException(
                    "log: address '" + address + "' (expected: host[:port], stdout, stderr or a path)");
        }
        if (!FACILITIES.contains(facility)) {
            throw new ConfigException("log: facility '" + facility + "' (expected one of: "
                    + FACILITIES.stream().sorted().toList() + ")");
        }
        if (level != null && !LEVELS.contains(level)) {
            throw new ConfigException("log: level '" + level + "' (expected one of: " + LEVELS + ")");
        }
        if (minLevel != null && !LEVELS.contains(minLevel)) {
            throw new ConfigException("log: minimum level '" + minLevel + "' (expected one of: " + LEVELS + ")");
        }
        Objects.requireNonNull(format, "format");
        if (maxLength < 80 || maxLength > 65535) {
            throw new ConfigException("log: len " + maxLength + " (expected: 80-65535)");
        }
        if (kindOf(address) == Kind.UDP) {
            String port = portText(address);
            if (hostOf(address).isEmpty()
                    || (port != null
                            && (!port.matches("\\d{1,5}")
                                    || Integer.parseInt(port) < 1
                                    || Integer.parseInt(port) > 65535))) {
                throw new ConfigException("log: address '" + address + "' (expected: host[:port] with a port of "
                        + "1-65535, stdout, stderr or a path)");
            }
        }
    }

    /** {@code log ADDRESS FACILITY [LEVEL]}: the {@link Format#LOCAL} format, messages cut at 1024 bytes. */
    public LogTarget(String address, String facility, @Nullable String level) {
        this(address, facility, level, Format.LOCAL, 1024, null);
    }

    /** The same target writing messages in {@code format}. */
    public LogTarget withFormat(Format format) {
        return new LogTarget(address, facility, level, format, maxLength, minLevel);
    }

    /** The same target cutting messages at {@code maxLength} bytes ({@code len}). */
    public LogTarget withMaxLength(int maxLength) {
        return new LogTarget(address, facility, level, format, maxLength, minLevel);
    }

    /** The same target sending messages more severe than {@code minLevel} at that level. */
    public LogTarget withMinLevel(String minLevel) {
        return new LogTarget(address, facility, level, format, maxLength, minLevel);
    }

    /** The level a message at {@code severity} is sent at: capped by {@link #minLevel()}. */
    public String sentLevel(String severity) {
        return minLevel != null && severityCode(severity) < severityCode(minLevel) ? minLevel : severity;
    }

    /** The kind of destination: UDP syslog server, standard output or error, or a Unix socket. */
    public Kind kind() {
        return kindOf(address);
    }

    private static Kind kindOf(String address) {
        if (address.equals("stdout") || address.equals("fd@1")) {
            return Kind.STDOUT;
        }
        if (address.equals("stderr") || address.equals("fd@2")) {
            return Kind.STDERR;
        }
        return address.startsWith("/") || address.startsWith("unix@") ? Kind.UNIX : Kind.UDP;
    }

    /** The syslog server's host name or address, without brackets; for {@link Kind#UDP}. */
    public String host() {
        return hostOf(address);
    }

    private static String hostOf(String address) {
        String rest = withoutPrefix(address);
        if (rest.startsWith("[")) {
            int end = rest.indexOf(']');
            return end < 0 ? "" : rest.substring(1, end);
        }
        int colon = rest.indexOf(':');
        return colon < 0 || rest.indexOf(':', colon + 1) >= 0 ? rest : rest.substring(0, colon); // bare IPv6: no port
    }

    /** The syslog server's UDP port, 514 unless the address says; for {@link Kind#UDP}. */
    public int port() {
        String port = portText(address);
        return port == null ? 514 : Integer.parseInt(port);
    }

    /** The socket's path; for {@link Kind#UNIX}. */
    public String path() {
        return address.startsWith("unix@") ? address.substring("unix@".length()) : address;
    }

    /** The facility's syslog code (local0 is 16). */
    public int facilityCode() {
        return FACILITIES.indexOf(facility);
    }

    /** Whether a message at {@code severity} (a level name) passes this target's level; all do without one. */
    public boolean accepts(String severity) {
        int code = severityCode(severity);
        return level == null || code <= LEVELS.indexOf(level);
    }

    /** The syslog code of a level name (info is 6). */
    public static int severityCode(String level) {
        int code = LEVELS.indexOf(level);
        if (code < 0) {
            throw new IllegalArgumentException("level '" + level + "' (expected one of: " + LEVELS + ")");
        }
        return code;
    }

    private static String withoutPrefix(String address) {
        for (String prefix : List.of("udp@", "udp4@", "udp6@", "ipv4@", "ipv6@")) {
            if (address.startsWith(prefix)) {
                return address.substring(prefix.length());
            }
        }
        return address;
    }

    private static @Nullable String portText(String address) {
        String rest = withoutPrefix(address);
        if (rest.startsWith("[")) {
            int end = rest.indexOf(']');
            return end >= 0 && rest.startsWith("]:", end) ? rest.substring(end + 2) : null;
        }
        int colon = rest.indexOf(':');
        return colon < 0 || rest.indexOf(':', colon + 1) >= 0 ? null : rest.substring(colon + 1);
    }

    /** {@code log ADDRESS FACILITY}. */
    public static LogTarget of(String address, String facility) {
        return new LogTarget(address, facility, null);
    }
}
