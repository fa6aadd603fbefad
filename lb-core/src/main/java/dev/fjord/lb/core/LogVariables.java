package dev.fjord.lb.core;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.internal.InetAddresses;

/**
 * The values of HAProxy's {@code log-format} variables ({@code %ci}, {@code %Tr}, ...) for one access-log record,
 * as HAProxy 2.6 prints them. Stateless.
 */
final class LogVariables {
    /** HAProxy's documented variables that Fjord does not record yet. */
    static final Set<String> NOT_SUPPORTED = Set.of();

    /** The variables Fjord prints. */
    static final Set<String> SUPPORTED = Set.of(
            "o", "ci", "cp", "t", "T", "Tl", "Ts", "ms", "tr", "trg", "trl", "TR", "Tw", "Tc", "Tr", "Ta", "Tt", "Td",
            "Th", "Ti", "Tq", "Tu", "B", "U", "CC", "CS", "H", "HM", "HP", "HPO", "HQ", "HU", "HV", "ST", "ac", "b",
            "bc", "bi", "bp", "bq", "f", "fc", "fi", "fp", "ft", "hr", "hrl", "hs", "hsl", "lc", "OG", "pid", "r", "rc",
            "rt", "s", "sc", "si", "sp", "sq", "ts", "tsc", "sslc", "sslv", "ID");

    /** Variables printed as strings, which {@code +Q} quotes. */
    static final Set<String> STRINGS = Set.of(
            "ci", "CC", "CS", "H", "HM", "HP", "HPO", "HQ", "HU", "HV", "OG", "b", "f", "ft", "r", "s", "sslc", "sslv",
            "ID");

    /** Variables a header value or a unique ID may hold: known when the request is routed. */
    static final Set<String> OF_THE_REQUEST =
            Set.of("ci", "cp", "fi", "fp", "t", "tr", "T", "trg", "Tl", "trl", "Ts", "ms", "rt", "pid", "ID");

    /** Variables a response header value may hold: those of the request, the status, the backend and server. */
    static final Set<String> OF_THE_RESPONSE = Set.of(
            "ci", "cp", "fi", "fp", "t", "tr", "T", "trg", "Tl", "trl", "Ts", "ms", "rt", "pid", "ID", "ST", "b", "s");

    /** {@link #OF_THE_REQUEST} for error messages. */
    static final String OF_THE_REQUEST_LIST = "%ci, %cp, %fi, %fp, %t, %T, %Tl, %Ts, %ms, %rt, %pid, %ID";

    /** {@code %pid}: this process's (lb-core is given no other). */
    private static final long PID = ProcessHandle.current().pid();

    private static final DateTimeFormatter ZONED = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

    private LogVariables() {}

    /**
     * The value of {@code variable} for {@code e}; null for an item that prints nothing (no header captures).
     *
     * @param logCounter the lines the frontend logged before this one ({@code %lc})
     */
    static @Nullable String value(
            String variable, AccessLogEntry e, LogMask mask, ZoneId zone, String hostname, long pid, long logCounter) {
        Instant accepted = Instant.ofEpochMilli(e.acceptedAtMillis());
        String request = e.requestLine();
        AccessLogEntry.Details details = e.details();
        return switch (variable) {
            case "ci" -> InetAddresses.toText(mask.apply(e.client()));
            case "cp" -> Integer.toString(e.clientPort());
            case "t", "tr" -> LogDates.millis(e.acceptedAtMillis(), zone);
            case "T", "trg" -> ZONED.format(accepted.atZone(ZoneOffset.UTC));
            case "Tl", "trl" -> ZONED.format(ZonedDateTime.ofInstant(accepted, zone));
            case "Ts" -> Long.toString(e.acceptedAtMillis() / 1000);
            case "ms" -> LogDates.millisPart(e.acceptedAtMillis());
            case "TR" -> Long.toString(e.requestTime());
            case "Tw" -> Long.toString(e.queueTime());
            case "Tc" -> Long.toString(e.connectTime());
            case "Tr" -> Long.toString(e.responseTime());
            case "Ta", "Tu" -> Long.toString(e.activeTime()); // Tu = Tt - Ti, with Th 0
            case "Tt" -> Long.toString(e.activeTime() + Math.max(0, details.idleTime()));
            case "Ti" -> Long.toString(details.idleTime());
            case "Tq" ->
                Long.toString(
                        details.idleTime() < 0 || e.requestTime() < 0 ? -1 : details.idleTime() + e.requestTime());
            case "Td" -> Long.toString(dataTime(e));
            case "Th" -> "0";
            case "B" -> Long.toString(e.bytesOut());
            case "U" -> Long.toString(details.bytesIn());
            case "CC" -> AccessLogFormat.cookie(details.requestCookie());
            case "CS" -> AccessLogFormat.cookie(details.responseCookie());
            case "H" -> hostname;
            case "HM", "HU", "HV", "HP", "HPO", "HQ" -> requestPart(variable, request);
            case "ST" -> Integer.toString(e.status());
            case "ac" -> Integer.toString(e.activeConnections());
            case "b" -> e.backend() == null ? e.frontend() : e.backend();
            case "bc" -> Integer.toString(e.backendConnections());
            case "bq" -> Integer.toString(e.backendQueue());
            case "f", "ft" -> e.frontend();
            case "fc" -> Integer.toString(e.frontendConnections());
            case "fi" -> ip(details.frontendAddress());
            case "fp" -> port(details.frontendAddress());
            case "bi" -> ip(details.backendSource());
            case "bp" -> port(details.backendSource());
            case "si" -> ip(details.serverAddress());
            case "sp" -> port(details.serverAddress());
            case "lc" -> Long.toString(logCounter);
            case "rt" -> Long.toString(details.requestCounter());
            case "OG" -> "txn_close"; // Fjord logs each request or session once, when it ends
            case "pid" -> Long.toString(pid);
            case "r" -> AccessLogFormat.escape(request == null ? "<BADREQ>" : request);
            case "rc" -> (e.redispatched() ? "+" : "") + e.retries();
            case "s" -> e.server() == null ? "<NOSRV>" : e.server();
            case "sc" -> Integer.toString(e.serverConnections());
            case "sq" -> Integer.toString(e.serverQueue());
            case "ts" -> e.termination().substring(0, 2);
            case "tsc" -> e.termination();
            case "sslv", "sslc" -> tls(variable, e.details().tls());
            case "ID" -> {
                String id = details.uniqueId();
                yield id == null ? "-" : id;
            }
            case "hr" -> captures(details.requestCaptures(), false);
            case "hs" -> captures(details.responseCaptures(), false);
            case "hrl" -> captures(details.requestCaptures(), true);
            case "hsl" -> captures(details.responseCaptures(), true);
            default -> null;
        };
    }

    /**
     * The value of {@link #OF_THE_REQUEST} variable {@code variable} for {@code request} as it is routed; {@code ""}
     * when the transport did not say ({@code %fi} unknown, {@code %Ts} without an accept time).
     */
    static String ofRequest(String variable, RequestHead request) {
        return switch (variable) {
            case "ci" -> InetAddresses.toText(request.clientAddress());
            case "cp" -> Integer.toString(request.clientPort());
            case "fi" -> {
                java.net.InetAddress local = request.localAddress();
                yield local == null ? "" : InetAddresses.toText(local);
            }
            case "fp" -> Integer.toString(request.localPort());
            case "Ts" -> request.acceptedAtMillis() < 0 ? "" : Long.toString(request.acceptedAtMillis() / 1000);
            case "ms" -> request.acceptedAtMillis() < 0 ? "" : LogDates.millisPart(request.acceptedAtMillis());
            case "t", "tr" ->
                request.acceptedAtMillis() < 0
                        ? ""
                        : LogDates.millis(request.acceptedAtMillis(), java.time.ZoneId.systemDefault());
            case "T", "trg", "Tl", "trl" -> {
                if (request.acceptedAtMillis() < 0) {
                    yield "";
                }
                Instant accepted = Instant.ofEpochMilli(request.acceptedAtMillis());
                yield ZONED.format(
                        variable.equals("T") || variable.equals("trg")
                                ? accepted.atZone(ZoneOffset.UTC)
                                : accepted.atZone(java.time.ZoneId.systemDefault()));
            }
            case "rt" -> request.requestCounter() < 0 ? "" : Long.toString(request.requestCounter());
            case "pid" -> Long.toString(PID);
            case "ID" -> {
                String id = request.uniqueId();
                yield id == null ? "" : id;
            }
            default -> "";
        };
    }

    /**
     * The value of {@link #OF_THE_RESPONSE} variable {@code variable}: {@code %ST} of {@code response}, {@code %b} and
     * {@code %s} of {@code decision} ({@code <NOSRV>} without a server, as in the log), else {@link #ofRequest}.
     */
    static String ofResponse(
            String variable, RequestHead request, @Nullable ResponseHead response, @Nullable RouteDecision decision) {
        return switch (variable) {
            case "ST" -> response == null ? "" : Integer.toString(response.status());
            case "b" -> {
                Backend backend = decision == null ? null : decision.backend();
                yield backend != null
                        ? backend.name()
                        : decision == null ? "" : decision.frontend().name();
            }
            case "s" ->
                decision instanceof RouteDecision.Forward forward
                        ? forward.server().name()
                        : "<NOSRV>";
            default -> ofRequest(variable, request);
        };
    }

    /** {@code text} with control characters (but tab) written {@code PREFIX} and two hex digits. */
    static String encode(String text, char prefix) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean unsafe = (c < 0x20 && c != '\t') || c == 0x7f;
            if (unsafe && out == null) {
                out = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (out != null) {
                if (unsafe) {
                    out.append(prefix).append(String.format(Locale.ROOT, "%02X", (int) c));
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }

    /**
     * {@code value} of {@code variable} as the {@code +X} flag prints it, as HAProxy: an IPv4 address as 8 hex digits,
     * a port, {@code %Ts}, {@code %rt} or {@code %pid} as at least 4, {@code %ms} as at least 2; others unchanged.
     */
    static String hex(String variable, String value) {
        try {
            return switch (variable) {
                case "ci", "fi", "bi", "si" -> {
                    String[] octets = value.split("\\.", -1);
                    if (octets.length != 4) {
                        yield value; // IPv6 stays as it is, as in HAProxy
                    }
                    StringBuilder out = new StringBuilder(8);
                    for (String octet : octets) {
                        out.append(String.format(Locale.ROOT, "%02X", Integer.parseInt(octet)));
                    }
                    yield out.toString();
                }
                case "cp", "fp", "bp", "sp", "Ts", "rt", "pid" ->
                    String.format(Locale.ROOT, "%04X", Long.parseLong(value));
                case "ms" -> String.format(Locale.ROOT, "%02X", Long.parseLong(value));
                default -> value;
            };
        } catch (NumberFormatException e) {
            return value; // "-" or "": not known
        }
    }

    /**
     * {@code %hr}/{@code %hs}: the captured headers between braces ({@link HeaderCapture#braces}); {@code %hrl}/{@code
     * %hsl} ({@code list}): the values separated by spaces, {@code -} for an empty one. Null (an empty item) without
     * captures.
     */
    private static @Nullable String captures(java.util.List<String> values, boolean list) {
        if (values.isEmpty()) {
            return null;
        }
        if (!list) {
            return HeaderCapture.braces(values);
        }
        StringBuilder out = new StringBuilder();
        for (String value : values) {
            if (out.length() > 0) {
                out.append(' ');
            }
            String braced = HeaderCapture.braces(java.util.List.of(value)); // {escaped}
            out.append(value.isEmpty() ? "-" : braced.substring(1, braced.length() - 1));
        }
        return out.toString();
    }

    /** {@code %sslv} (the TLS version) or {@code %sslc} (the cipher); {@code -} on a plain connection. */
    private static String tls(String variable, @Nullable ClientTls tls) {
        return tls == null ? "-" : variable.equals("sslv") ? tls.protocol() : tls.cipher();
    }

    private static String ip(@Nullable InetSocketAddress address) {
        return address == null ? "-" : InetAddresses.toText(address.getAddress());
    }

    private static String port(@Nullable InetSocketAddress address) {
        return address == null ? "-" : Integer.toString(address.getPort());
    }

    private static long dataTime(AccessLogEntry e) {
        long[] parts = {e.requestTime(), e.queueTime(), e.connectTime(), e.responseTime()};
        long sum = 0;
        for (long part : parts) {
            if (part < 0) {
                return -1;
            }
            sum += part;
        }
        return e.activeTime() < 0 ? -1 : e.activeTime() - sum;
    }

    /** A part of the request line: method, URI, version, path, path only or query string. */
    private static String requestPart(String variable, @Nullable String request) {
        if (request == null) {
            return "-";
        }
        String[] words = request.split(" ", 3);
        String uri = words.length > 1 ? words[1] : "";
        int query = uri.indexOf('?');
        String escaped = switch (variable) {
            case "HM" -> words[0];
            case "HV" -> words.length > 2 ? words[2] : "HTTP/0.9";
            case "HU" -> uri;
            case "HQ" -> query < 0 ? "" : uri.substring(query);
            default -> query < 0 ? uri : uri.substring(0, query);
        };
        return AccessLogFormat.escape(escaped);
    }
}
