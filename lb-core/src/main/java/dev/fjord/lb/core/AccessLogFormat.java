package dev.fjord.lb.core;

import java.time.ZoneId;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.internal.InetAddresses;

/**
 * Writes {@link AccessLogEntry}s as HAProxy does, field for field: {@code option httplog}
 * ({@code %ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs
 * %{+Q}r}; {@code %hr %hs} are the frontend's {@link HeaderCapture}s, nothing without them), {@code option tcplog},
 * or JSON. Control characters and non-ASCII bytes of the request line are escaped as {@code #XX}, as HAProxy does.
 * Thread-safe.
 *
 * <pre>{@code
 * 203.0.113.0:51000 [24/Nov/2026:15:39:48.123] main app/web1 0/0/1/2/3 200 345 - - --NI 1/1/0/0/0 0/0 "GET / HTTP/1.1"
 * }</pre>
 */
public final class AccessLogFormat {
    private final LogFormat format;
    private final LogMask mask;
    private final ZoneId zone;

    /**
     * @param format which format; {@link LogFormat#DEFAULT} writes the tcplog fields
     * @param mask how client addresses are masked
     * @param zone the time zone of dates (HAProxy writes local time)
     */
    public AccessLogFormat(LogFormat format, LogMask mask, ZoneId zone) {
        this.format = format;
        this.mask = mask;
        this.zone = zone;
    }

    /** The log line of {@code entry}, without a line break. */
    public String format(AccessLogEntry entry) {
        return switch (format) {
            case HTTP -> http(entry);
            case JSON -> json(entry);
            case TCP, DEFAULT -> tcp(entry);
        };
    }

    private String http(AccessLogEntry e) {
        StringBuilder line = prefix(e);
        line.append(' ')
                .append(e.requestTime())
                .append('/')
                .append(e.queueTime())
                .append('/')
                .append(e.connectTime())
                .append('/')
                .append(e.responseTime())
                .append('/')
                .append(e.activeTime())
                .append(' ')
                .append(e.status())
                .append(' ')
                .append(e.bytesOut())
                .append(' ')
                .append(cookie(e.details().requestCookie()))
                .append(' ')
                .append(cookie(e.details().responseCookie()))
                .append(' ')
                .append(e.termination());
        counters(line, e);
        captures(line, e.details().requestCaptures());
        captures(line, e.details().responseCaptures());
        line.append(" \"")
                .append(escape(e.requestLine() == null ? "<BADREQ>" : e.requestLine()))
                .append('"');
        return line.toString();
    }

    private String tcp(AccessLogEntry e) {
        StringBuilder line = prefix(e);
        line.append(' ')
                .append(e.queueTime())
                .append('/')
                .append(e.connectTime())
                .append('/')
                .append(e.activeTime())
                .append(' ')
                .append(e.bytesOut())
                .append(' ')
                .append(e.termination(), 0, 2);
        counters(line, e);
        return line.toString();
    }

    private StringBuilder prefix(AccessLogEntry e) {
        StringBuilder line = new StringBuilder(160);
        String address = InetAddresses.toText(mask.apply(e.client()));
        line.append(address).append(':').append(e.clientPort()).append(" [");
        LogDates.appendMillis(line, e.acceptedAtMillis(), zone);
        line.append("] ")
                .append(e.frontend())
                .append(' ')
                .append(e.backend() == null ? e.frontend() : e.backend())
                .append('/')
                .append(e.server() == null ? "<NOSRV>" : e.server());
        return line;
    }

    private static void counters(StringBuilder line, AccessLogEntry e) {
        line.append(' ')
                .append(e.activeConnections())
                .append('/')
                .append(e.frontendConnections())
                .append('/')
                .append(e.backendConnections())
                .append('/')
                .append(e.serverConnections())
                .append('/')
                .append(e.redispatched() ? "+" : "")
                .append(e.retries())
                .append(' ')
                .append(e.serverQueue())
                .append('/')
                .append(e.backendQueue());
    }

    /** {@code %CC} or {@code %CS} in httplog: the captured cookie, {@code -} without one. */
    static String cookie(@Nullable String captured) {
        return captured == null || captured.isEmpty() ? "-" : HeaderCapture.escaped(captured);
    }

    /** {@code %hr} or {@code %hs}: the captured headers between braces, nothing without captures. */
    private static void captures(StringBuilder line, List<String> values) {
        if (!values.isEmpty()) {
            line.append(' ').append(HeaderCapture.braces(values));
        }
    }

    private String json(AccessLogEntry e) {
        StringBuilder json = new StringBuilder(320).append('{');
        field(json, "client_ip", InetAddresses.toText(mask.apply(e.client())));
        number(json, "client_port", e.clientPort());
        field(json, "accept_date", LogDates.millis(e.acceptedAtMillis(), zone));
        field(json, "frontend_name", e.frontend());
        field(json, "backend_name", e.backend() == null ? e.frontend() : e.backend());
        field(json, "server_name", e.server() == null ? "<NOSRV>" : e.server());
        number(json, "time_request", e.requestTime());
        number(json, "time_queue", e.queueTime());
        number(json, "time_connect", e.connectTime());
        number(json, "time_response", e.responseTime());
        number(json, "time_active", e.activeTime());
        number(json, "status_code", e.status());
        number(json, "bytes_read", e.bytesOut());
        field(json, "termination_state", e.termination());
        number(json, "actconn", e.activeConnections());
        number(json, "feconn", e.frontendConnections());
        number(json, "beconn", e.backendConnections());
        number(json, "srv_conn", e.serverConnections());
        number(json, "retries", e.retries());
        number(json, "srv_queue", e.serverQueue());
        number(json, "backend_queue", e.backendQueue());
        if (e.requestLine() != null) {
            field(json, "http_request", e.requestLine());
        }
        if (e.droppedHeaders() > 0) {
            number(json, "dropped_headers", e.droppedHeaders());
        }
        json.setLength(json.length() - 1);
        return json.append('}').toString();
    }

    private static void field(StringBuilder json, String name, String value) {
        json.append('"').append(name).append("\":\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        json.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append("\",");
    }

    private static void number(StringBuilder json, String name, long value) {
        json.append('"').append(name).append("\":").append(value).append(',');
    }

    /** HAProxy's escaping of logged text: {@code "}, {@code #}, controls and non-ASCII become {@code #XX}. */
    static String escape(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean escape = c < 0x20 || c > 0x7e || c == '"' || c == '#';
            if (escape && out == null) {
                out = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (out != null) {
                if (escape) {
                    out.append('#').append(String.format(Locale.ROOT, "%02X", c & 0xff));
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }
}
