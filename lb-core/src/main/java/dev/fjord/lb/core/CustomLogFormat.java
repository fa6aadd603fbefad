package dev.fjord.lb.core;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.internal.InetAddresses;

/**
 * A {@code log-format} string: text, spaces (separators, merged) and HAProxy's {@code %} variables, with the flags
 * {@code %{+Q}} (quote strings), {@code %{+E}} (escape {@code "}, {@code \} and {@code ]}) and {@code %o} (flags
 * for every item after it). Variables: {@code %ci %cp %t %T %Tl %Ts %ms %tr %trg %trl %TR %Tw %Tc %Tr %Ta %Tt %Td
 * %Th %B %CC %CS %H %HM %HP %HPO %HQ %HU %HV %ST %ac %b %bc %bq %f %fc %ft %hr %hrl %hs %hsl %pid %r %rc %s %sc %sq
 * %ts %tsc}; those of {@link #NOT_SUPPORTED} and sample expressions {@code %[...]} are refused when parsed. Empty
 * items ({@code %hr} without captures) take their following separator with them, as in HAProxy. Immutable and
 * thread-safe.
 *
 * <pre>{@code
 * CustomLogFormat.parse("%ci:%cp [%tr] %ft %b/%s %ST %B %{+Q}r")
 *         .format(entry, LogMask.NONE, ZoneId.systemDefault(), "host1", 1234);
 * }</pre>
 */
public final class CustomLogFormat {
    /** HAProxy's documented variables that Fjord does not record yet. */
    public static final Set<String> NOT_SUPPORTED =
            Set.of("ID", "lc", "rt", "U", "bi", "bp", "fi", "fp", "si", "sp", "OG", "Ti", "Tq", "Tu");

    private static final Set<String> SUPPORTED = Set.of(
            "o", "ci", "cp", "t", "T", "Tl", "Ts", "ms", "tr", "trg", "trl", "TR", "Tw", "Tc", "Tr", "Ta", "Tt", "Td",
            "Th", "B", "CC", "CS", "H", "HM", "HP", "HPO", "HQ", "HU", "HV", "ST", "ac", "b", "bc", "bq", "f", "fc",
            "ft", "hr", "hrl", "hs", "hsl", "pid", "r", "rc", "s", "sc", "sq", "ts", "tsc", "sslc", "sslv");
    /** Variables printed as strings, which {@code +Q} quotes. */
    private static final Set<String> STRINGS = Set.of(
            "ci", "CC", "CS", "H", "HM", "HP", "HPO", "HQ", "HU", "HV", "b", "f", "ft", "r", "s", "sslc", "sslv");

    private static final DateTimeFormatter MILLIS =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss.SSS", Locale.ROOT);
    private static final DateTimeFormatter ZONED = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

    /** One part of the format: literal text, a separator, or a variable with its flags. */
    private record Item(@Nullable String text, @Nullable String variable, boolean quote, boolean escape) {}

    /** The HTTP log format of {@code option httplog clf}, as HAProxy declares it. */
    public static final String HTTP_CLF = "%{+Q}o %{-Q}ci - - [%trg] %r %ST %B \"\" \"\" %cp %ms %ft %b %s %TR %Tw %Tc"
            + " %Tr %Ta %tsc %ac %fc %bc %sc %rc %sq %bq %CC %CS %hrl %hsl";

    private final String source;
    private final List<Item> items;

    private CustomLogFormat(String source, List<Item> items) {
        this.source = source;
        this.items = List.copyOf(items);
    }

    /**
     * Parses a {@code log-format} string.
     *
     * @throws ConfigException naming a variable that is unknown or not supported yet, or a sample expression
     */
    public static CustomLogFormat parse(String format) {
        List<Item> items = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        boolean quote = false;
        boolean escape = false;
        int i = 0;
        while (i < format.length()) {
            char c = format.charAt(i);
            if (c == ' ') {
                flush(items, text);
                if (items.isEmpty()
                        || items.get(items.size() - 1).text() != null
                        || items.get(items.size() - 1).variable() != null) {
                    items.add(new Item(null, null, false, false));
                }
                i++;
                continue;
            }
            if (c != '%') {
                text.append(c);
                i++;
                continue;
            }
            if (i + 1 < format.length() && format.charAt(i + 1) == '%') {
                text.append('%');
                i += 2;
                continue;
            }
            flush(items, text);
            i++;
            boolean itemQuote = quote;
            boolean itemEscape = escape;
            if (i < format.length() && format.charAt(i) == '(') { // a name, used only by json and cbor encodings
                int end = format.indexOf(')', i);
                i = end < 0 ? format.length() : end + 1;
            }
            if (i < format.length() && format.charAt(i) == '{') {
                int end = format.indexOf('}', i);
                if (end < 0) {
                    throw new ConfigException("'" + format.substring(i - 1) + "': flags without '}'");
                }
                for (String flag : format.substring(i + 1, end).split(",", -1)) {
                    boolean on = !flag.startsWith("-");
                    String name = flag.startsWith("+") || flag.startsWith("-") ? flag.substring(1) : flag;
                    switch (name) {
                        case "Q" -> itemQuote = on;
                        case "E" -> itemEscape = on;
                        default ->
                            throw new ConfigException(
                                    "flag '" + flag + "' is not supported yet (expected: +Q, -Q, " + "+E or -E)");
                    }
                }
                i = end + 1;
            }
            if (i < format.length() && format.charAt(i) == '[') {
                throw new ConfigException("sample expression '%" + format.substring(i) + "' is not supported yet");
            }
            int start = i;
            while (i < format.length() && Character.isLetterOrDigit(format.charAt(i))) {
                i++;
            }
            String variable = format.substring(start, i);
            if (NOT_SUPPORTED.contains(variable)) {
                throw new ConfigException("'%" + variable + "' is not supported yet");
            }
            if (!SUPPORTED.contains(variable)) {
                throw new ConfigException("'%" + variable + "' is not a log-format variable (expected one of: "
                        + SUPPORTED.stream().sorted().toList() + ")");
            }
            if (variable.equals("o")) {
                quote = itemQuote;
                escape = itemEscape;
            } else {
                items.add(new Item(null, variable, itemQuote, itemEscape));
            }
        }
        flush(items, text);
        return new CustomLogFormat(format, items);
    }

    private static void flush(List<Item> items, StringBuilder text) {
        if (text.length() > 0) {
            items.add(new Item(text.toString(), null, false, false));
            text.setLength(0);
        }
    }

    /**
     * The log line of {@code entry}.
     *
     * @param mask how the client's address is masked
     * @param zone the zone of local dates ({@code %t}, {@code %tr}, {@code %Tl}, {@code %trl})
     * @param hostname {@code %H}
     * @param pid {@code %pid}
     */
    public String format(AccessLogEntry entry, LogMask mask, ZoneId zone, String hostname, long pid) {
        StringBuilder line = new StringBuilder(160);
        for (Item item : items) {
            String variable = item.variable();
            if (variable == null) {
                String text = item.text();
                if (text != null) {
                    line.append(text);
                } else if (line.length() > 0 && line.charAt(line.length() - 1) != ' ') {
                    line.append(' '); // a separator: none first, never two in a row (an empty item takes its own away)
                }
                continue;
            }
            String value = value(variable, entry, mask, zone, hostname, pid);
            if (value == null) {
                continue;
            }
            if (item.escape()) {
                value = value.replace("\\", "\\\\").replace("\"", "\\\"").replace("]", "\\]");
            }
            boolean quoted = item.quote() && STRINGS.contains(variable);
            if (quoted && value.equals("-") && variable.startsWith("C")) {
                value = ""; // no cookie captured: "-", or "" when quoted
            }
            line.append(quoted ? "\"" : "").append(value).append(quoted ? "\"" : "");
        }
        return line.toString();
    }

    /** {@code %sslv} (the TLS version) or {@code %sslc} (the cipher); {@code -} on a plain connection. */
    private static String tls(String variable, @Nullable ClientTls tls) {
        return tls == null ? "-" : variable.equals("sslv") ? tls.protocol() : tls.cipher();
    }

    /** The value of one variable; null for an item that prints nothing (no captures). */
    private static @Nullable String value(
            String variable, AccessLogEntry e, LogMask mask, ZoneId zone, String hostname, long pid) {
        Instant accepted = Instant.ofEpochMilli(e.acceptedAtMillis());
        String request = e.requestLine();
        return switch (variable) {
            case "ci" -> InetAddresses.toText(mask.apply(e.client()));
            case "cp" -> Integer.toString(e.clientPort());
            case "t", "tr" -> MILLIS.format(accepted.atZone(zone));
            case "T", "trg" -> ZONED.format(accepted.atZone(ZoneOffset.UTC));
            case "Tl", "trl" -> ZONED.format(ZonedDateTime.ofInstant(accepted, zone));
            case "Ts" -> Long.toString(e.acceptedAtMillis() / 1000);
            case "ms" -> String.format(Locale.ROOT, "%03d", e.acceptedAtMillis() % 1000);
            case "TR" -> Long.toString(e.requestTime());
            case "Tw" -> Long.toString(e.queueTime());
            case "Tc" -> Long.toString(e.connectTime());
            case "Tr" -> Long.toString(e.responseTime());
            case "Ta", "Tt" -> Long.toString(e.activeTime());
            case "Td" -> Long.toString(dataTime(e));
            case "Th" -> "0";
            case "B" -> Long.toString(e.bytesOut());
            case "CC", "CS" -> "-";
            case "H" -> hostname;
            case "HM", "HU", "HV", "HP", "HPO", "HQ" -> requestPart(variable, request);
            case "ST" -> Integer.toString(e.status());
            case "ac" -> Integer.toString(e.activeConnections());
            case "b" -> e.backend() == null ? e.frontend() : e.backend();
            case "bc" -> Integer.toString(e.backendConnections());
            case "bq" -> Integer.toString(e.backendQueue());
            case "f", "ft" -> e.frontend();
            case "fc" -> Integer.toString(e.frontendConnections());
            case "pid" -> Long.toString(pid);
            case "r" -> AccessLogFormat.escape(request == null ? "<BADREQ>" : request);
            case "rc" -> (e.redispatched() ? "+" : "") + e.retries();
            case "s" -> e.server() == null ? "<NOSRV>" : e.server();
            case "sc" -> Integer.toString(e.serverConnections());
            case "sq" -> Integer.toString(e.serverQueue());
            case "ts" -> e.termination().substring(0, 2);
            case "tsc" -> e.termination();
            case "sslv", "sslc" -> tls(variable, e.tls());
            default -> null; // hr, hrl, hs, hsl: Fjord captures no headers
        };
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

    @Override
    public String toString() {
        return source;
    }
}
