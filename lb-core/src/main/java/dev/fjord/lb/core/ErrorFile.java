package dev.fjord.lb.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads HAProxy's {@code errorfile}: a whole HTTP/1 response (status line, headers, empty line, body), line ends CRLF
 * or LF, as HAProxy accepts it. Its {@code Content-Length}, if any, must match the body; framing and connection
 * headers are dropped (the transport sets them). The body is read as UTF-8.
 *
 * <pre>{@code
 * LocalResponse sorry = ErrorFile.parse("503sorry.http", Files.readAllBytes(path));
 * frontend.errorFile(503, sorry);
 * }</pre>
 */
public final class ErrorFile {
    /** The statuses an errorfile may replace: those HAProxy 2.6 makes, and 414 and 431 that Fjord makes too. */
    public static final Set<Integer> STATUSES = java.util.Collections.unmodifiableSet(new TreeSet<>(
            Set.of(200, 400, 401, 403, 404, 405, 407, 408, 410, 413, 414, 425, 429, 431, 500, 501, 502, 503, 504)));

    private static final Set<String> DROPPED =
            Set.of("content-length", "transfer-encoding", "connection", "keep-alive");

    private ErrorFile() {}

    /**
     * Parses {@code content}, a whole HTTP response.
     *
     * @throws ConfigException naming {@code name} and what is wrong, e.g. {@code 503sorry.http: payload of 12 bytes,
     *     Content-Length says 5}
     */
    public static LocalResponse parse(String name, byte[] content) {
        String text = new String(content, StandardCharsets.UTF_8);
        int headEnd = text.indexOf("\r\n\r\n");
        int bodyStart = headEnd + 4;
        int lf = text.indexOf("\n\n");
        if (headEnd < 0 || (lf >= 0 && lf < headEnd)) {
            headEnd = lf;
            bodyStart = lf + 2;
        }
        if (headEnd < 0) {
            throw new ConfigException(name + ": no empty line after the headers (expected: a whole HTTP response)");
        }
        String[] lines = text.substring(0, headEnd).split("\r?\n", -1);
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2
                || !statusLine[0].matches("HTTP/1\\.[01]")
                || !statusLine[1].matches("[1-9][0-9][0-9]")) {
            throw new ConfigException(
                    name + ": status line '" + lines[0] + "' (expected: e.g. HTTP/1.1 503 " + "Service Unavailable)");
        }
        int status = Integer.parseInt(statusLine[1]);
        String reason = statusLine.length > 2 ? statusLine[2].strip() : LocalResponse.reason(status);
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        long contentLength = -1;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                throw new ConfigException(name + ": line " + (i + 1) + " '" + lines[i] + "' (expected: NAME: VALUE)");
            }
            String field = lines[i].substring(0, colon);
            String value = lines[i].substring(colon + 1).strip();
            try {
                HeaderEdit.requireHeader(name, field, "");
            } catch (ConfigException framing) {
                if (!DROPPED.contains(field.toLowerCase(Locale.ROOT))) {
                    throw framing;
                }
            }
            if (field.equalsIgnoreCase("Content-Length")) {
                contentLength = parseLength(name, value);
            }
            if (!DROPPED.contains(field.toLowerCase(Locale.ROOT))) {
                headers.add(Map.entry(field, value));
            }
        }
        String body = text.substring(Math.min(bodyStart, text.length()));
        int bodyBytes = body.getBytes(StandardCharsets.UTF_8).length;
        if (contentLength >= 0 && contentLength != bodyBytes) {
            throw new ConfigException(
                    name + ": payload of " + bodyBytes + " bytes, Content-Length says " + contentLength);
        }
        return new LocalResponse(status, headers, body, reason);
    }

    private static long parseLength(String name, String value) {
        if (value.isEmpty() || value.length() > 12 || !value.chars().allMatch(Character::isDigit)) {
            throw new ConfigException(name + ": Content-Length '" + value + "' (expected: digits)");
        }
        return Long.parseLong(value);
    }
}
