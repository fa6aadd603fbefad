package dev.fjord.lb.core;

import java.net.InetAddress;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.internal.InetAddresses;

/**
 * A {@code log-format} string: text, spaces (separators, merged) and HAProxy's {@code %} variables, with the flags
 * {@code %{+Q}} (quote strings), {@code %{+E}} (escape {@code "}, {@code \} and {@code ]}) and {@code %o} (flags
 * for every item after it), and sample expressions {@code %[FETCH,CONVERTER...]} ({@code %[src]},
 * {@code %[req.hdr(host),lower]}, {@code %[status]}, {@code %[res.hdr(content-type)]},
 * {@code %[sc_http_req_rate(0)]}; see {@link SampleFetch}) read from the request as routed and the response sent,
 * {@code -} when there is no sample. Variables: {@code %ci %cp %t %T %Tl %Ts %ms %tr %trg %trl %TR %Tw %Tc %Tr %Ta
 * %Tt %Td %Th %Ti %Tq %Tu %B %U %CC %CS %H %HM %HP %HPO %HQ %HU %HV %ST %ac %b %bc %bi %bp %bq %f %fc %fi %fp %ft
 * %hr %hrl %hs %hsl %lc %OG %pid %r %rc %rt %s %sc %si %sp %sq %ts %tsc %sslv %sslc}; those of
 * {@link #NOT_SUPPORTED} are refused when parsed. Empty items ({@code %hr} without captures) take their following
 * separator with them, as in HAProxy. Thread-safe; its only state is the count of lines written ({@code %lc}).
 *
 * <pre>{@code
 * CustomLogFormat.parse("%ci:%cp [%tr] %ft %b/%s %ST %B %{+Q}r %[sc_http_req_rate(0)]")
 *         .format(entry, LogMask.NONE, ZoneId.systemDefault(), "host1", 1234, request, response);
 * }</pre>
 */
public final class CustomLogFormat {
    /** HAProxy's documented variables that Fjord does not record yet: none now. */
    public static final Set<String> NOT_SUPPORTED = LogVariables.NOT_SUPPORTED;

    /** One part of the format: literal text, a separator, a variable or a sample expression, with their flags. */
    private record Item(
            @Nullable String text,
            @Nullable String variable,
            @Nullable SampleFetch sample,
            boolean quote,
            boolean escape,
            boolean hex,
            boolean quotable) {
        /** {@code quotable}: a variable printed as a string ({@link LogVariables#STRINGS}), known when parsed. */
        Item(
                @Nullable String text,
                @Nullable String variable,
                @Nullable SampleFetch sample,
                boolean quote,
                boolean escape,
                boolean hex) {
            this(
                    text,
                    variable,
                    sample,
                    quote,
                    escape,
                    hex,
                    variable != null && LogVariables.STRINGS.contains(variable));
        }

        boolean separator() {
            return text == null && variable == null && sample == null;
        }
    }

    /** The HTTP log format of {@code option httplog clf}, as HAProxy declares it. */
    public static final String HTTP_CLF = "%{+Q}o %{-Q}ci - - [%trg] %r %ST %B \"\" \"\" %cp %ms %ft %b %s %TR %Tw %Tc"
            + " %Tr %Ta %tsc %ac %fc %bc %sc %rc %sq %bq %CC %CS %hrl %hsl";

    private final String source;
    private final List<Item> items;
    private final AtomicLong lines = new AtomicLong();

    private CustomLogFormat(String source, List<Item> items) {
        this.source = source;
        this.items = List.copyOf(items);
    }

    /**
     * Parses a {@code log-format} string.
     *
     * @throws ConfigException naming a variable that is unknown or not supported yet, or a sample expression that
     *     is wrong
     */
    public static CustomLogFormat parse(String format) {
        return new CustomLogFormat(format, items(format, true));
    }

    /**
     * Parses a header value, a format whose spaces are text and which may hold only text, sample expressions and the
     * variables known when a request is routed ({@code %ci}, {@code %cp}).
     *
     * @throws ConfigException naming what is not allowed there
     */
    static CustomLogFormat parseValue(String value) {
        return new CustomLogFormat(value, ofTheRequest(items(value, false), "a header value"));
    }

    /**
     * Parses an {@code http-response} or {@code http-after-response} header value: as {@link #parseValue}, with
     * response fetches ({@code %[res.hdr(x)]}, {@code %[status]}) and {@code %ST}, {@code %b}, {@code %s}.
     *
     * @throws ConfigException naming what is not allowed there
     */
    static CustomLogFormat parseResponseValue(String value) {
        List<Item> items = items(value, false);
        for (Item item : items) {
            String variable = item.variable();
            SampleFetch sample = item.sample();
            if (sample != null && sample.readsRequestContent()) {
                throw new ConfigException("sample '" + sample + "' reads the request's head, which a response rule "
                        + "no longer has (as in HAProxy; expected: src, dst_port, status, res.hdr(NAME), ...)");
            }
            if (variable != null && !LogVariables.OF_THE_RESPONSE.contains(variable)) {
                throw new ConfigException("'%" + variable + "' is not known when the response is sent (expected in "
                        + "a response header value: text, %[SAMPLE], " + LogVariables.OF_THE_REQUEST_LIST
                        + ", %ST, %b, %s, %% for %)");
            }
        }
        return new CustomLogFormat(value, items);
    }

    /**
     * Parses a {@code unique-id-format}: a log-format (spaces are separators) of what is known when a request is
     * routed; {@link #value} makes the ID.
     *
     * @throws ConfigException naming what is not allowed there
     */
    public static CustomLogFormat parseUniqueId(String format) {
        List<Item> items = ofTheRequest(items(format, true), "a unique ID");
        if (items.stream().anyMatch(item -> "ID".equals(item.variable()))) {
            throw new ConfigException("'%ID' is the unique ID itself");
        }
        return new CustomLogFormat(format, items);
    }

    private static List<Item> ofTheRequest(List<Item> items, String where) {
        for (Item item : items) {
            String variable = item.variable();
            if (variable != null && !LogVariables.OF_THE_REQUEST.contains(variable)) {
                throw new ConfigException("'%" + variable + "' is not known when the request is routed (expected in "
                        + where + ": text, %[SAMPLE], " + LogVariables.OF_THE_REQUEST_LIST + ", %% for %)");
            }
        }
        return items;
    }

    private static List<Item> items(String format, boolean mergeSpaces) {
        List<Item> items = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        boolean quote = false;
        boolean escape = false;
        boolean hex = false;
        int i = 0;
        while (i < format.length()) {
            char c = format.charAt(i);
            if (c == ' ' && mergeSpaces) {
                flush(items, text);
                if (items.isEmpty() || !items.get(items.size() - 1).separator()) {
                    items.add(new Item(null, null, null, false, false, false));
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
            boolean itemHex = hex;
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
                        case "X" -> itemHex = on;
                        default ->
                            throw new ConfigException(
                                    "flag '" + flag + "' is not supported yet (expected: +Q, -Q, +E, -E, +X or -X)");
                    }
                }
                i = end + 1;
            }
            if (i < format.length() && format.charAt(i) == '[') {
                int end = dev.fjord.lb.core.internal.Words.closingBracket(format, i);
                if (end < 0) {
                    throw new ConfigException("sample expression '%" + format.substring(i) + "' without ']'");
                }
                SampleFetch sample = SampleFetch.parseExpression(format.substring(i + 1, end));
                items.add(new Item(null, null, sample, itemQuote, itemEscape, false));
                i = end + 1;
                continue;
            }
            int start = i;
            while (i < format.length() && Character.isLetterOrDigit(format.charAt(i))) {
                i++;
            }
            String variable = format.substring(start, i);
            if (NOT_SUPPORTED.contains(variable)) {
                throw new ConfigException("'%" + variable + "' is not supported yet");
            }
            if (!LogVariables.SUPPORTED.contains(variable)) {
                throw new ConfigException("'%" + variable + "' is not a log-format variable (expected one of: "
                        + LogVariables.SUPPORTED.stream().sorted().toList() + " or %[SAMPLE])");
            }
            if (variable.equals("o")) {
                quote = itemQuote;
                escape = itemEscape;
                hex = itemHex;
            } else {
                items.add(new Item(null, variable, null, itemQuote, itemEscape, itemHex));
            }
        }
        flush(items, text);
        return items;
    }

    private static void flush(List<Item> items, StringBuilder text) {
        if (text.length() > 0) {
            items.add(new Item(text.toString(), null, null, false, false, false));
            text.setLength(0);
        }
    }

    /**
     * The log line of {@code entry}, its sample expressions without a request or response ({@code -}).
     *
     * @param mask how the client's address is masked
     * @param zone the zone of local dates ({@code %t}, {@code %tr}, {@code %Tl}, {@code %trl})
     * @param hostname {@code %H}
     * @param pid {@code %pid}
     */
    public String format(AccessLogEntry entry, LogMask mask, ZoneId zone, String hostname, long pid) {
        return format(entry, mask, zone, hostname, pid, null, null);
    }

    /**
     * The log line of {@code entry}, counted for {@code %lc}.
     *
     * @param mask how client addresses are masked, in {@code %ci} and in sample expressions
     * @param zone the zone of local dates ({@code %t}, {@code %tr}, {@code %Tl}, {@code %trl})
     * @param hostname {@code %H}
     * @param pid {@code %pid}
     * @param request the request as routed, which request fetches read; null: none (TCP, or refused unparsed)
     * @param response the response sent, which {@code status} and {@code res.hdr} read; null: a response with
     *     {@code entry}'s status only, if it has one
     */
    public String format(
            AccessLogEntry entry,
            LogMask mask,
            ZoneId zone,
            String hostname,
            long pid,
            @Nullable RequestHead request,
            @Nullable ResponseHead response) {
        long logCounter = lines.getAndIncrement();
        ResponseHead sent = response != null || entry.status() < 0
                ? response
                : ResponseHead.builder(entry.status()).build();
        StringBuilder line = new StringBuilder(160);
        for (Item item : items) {
            String variable = item.variable();
            SampleFetch sample = item.sample();
            String value;
            boolean quotable;
            if (sample != null) {
                Object fetched = sample.fetch(request, sent);
                value = fetched == null ? null : logText(fetched, mask);
                quotable = true;
            } else if (variable != null) {
                value = LogVariables.value(variable, entry, mask, zone, hostname, pid, logCounter);
                if (value == null) {
                    continue;
                }
                if (item.hex()) {
                    value = LogVariables.hex(variable, value);
                }
                quotable = item.quotable();
                if (quotable && item.quote() && value.equals("-") && variable.startsWith("C")) {
                    value = ""; // no cookie captured: "-", or "" when quoted
                }
            } else {
                String text = item.text();
                if (text != null) {
                    line.append(text);
                } else if (line.length() > 0 && line.charAt(line.length() - 1) != ' ') {
                    line.append(' '); // a separator: none first, never two in a row (an empty item takes its own away)
                }
                continue;
            }
            boolean quoted = item.quote() && quotable;
            if (value == null) {
                line.append(quoted ? "\"\"" : "-"); // no sample: "-", or "" when quoted, as HAProxy
                continue;
            }
            if (item.escape()) {
                value = value.replace("\\", "\\\\").replace("\"", "\\\"").replace("]", "\\]");
            }
            line.append(quoted ? "\"" : "").append(value).append(quoted ? "\"" : "");
        }
        return line.toString();
    }

    /**
     * The value of a header whose format this is, for {@code request}: text, samples ({@code ""} when none) with the
     * bytes a header value may not hold written {@code %XX}, and {@code %ci}, {@code %cp}.
     */
    String value(RequestHead request) {
        return value(request, null, null);
    }

    /**
     * The value of a header whose format this is, for {@code request} and (in a response rule) {@code response} as
     * {@code decision} routed it: text, samples ({@code ""} when none) with the bytes a header value may not hold
     * written {@code %XX}, and the variables known then.
     */
    String value(RequestHead request, @Nullable ResponseHead response, @Nullable RouteDecision decision) {
        StringBuilder value = new StringBuilder();
        for (Item item : items) {
            String text = item.text();
            SampleFetch sample = item.sample();
            String variable = item.variable();
            String part;
            if (text != null) {
                value.append(text);
                continue;
            } else if (sample != null) {
                Object fetched = sample.fetch(request, response);
                part = fetched == null ? "" : headerSafe(SampleConverter.text(fetched));
            } else if (variable != null) {
                part = LogVariables.ofResponse(variable, request, response, decision);
                if (item.hex()) {
                    part = LogVariables.hex(variable, part);
                }
            } else {
                if (value.length() > 0 && value.charAt(value.length() - 1) != ' ') {
                    value.append(' '); // a separator (a unique-id-format's): none first, never two in a row
                }
                continue;
            }
            value.append(item.quote() ? "\"" + part + "\"" : part);
        }
        return value.toString();
    }

    /** A sample as a log line holds it: addresses masked, control characters as {@code #XX}. */
    private static String logText(Object sample, LogMask mask) {
        if (sample instanceof InetAddress address) {
            return InetAddresses.toText(mask.apply(address));
        }
        return LogVariables.encode(sample.toString(), '#');
    }

    private static String headerSafe(String text) {
        return LogVariables.encode(text, '%');
    }

    @Override
    public String toString() {
        return source;
    }
}
