package dev.fjord.lb.netty;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * An HTTP/1.1 request parser for tests, written apart from Fjord's so that it can judge it: exact about framing (RFC
 * 9112 section 6: one Content-Length, or {@code chunked} alone; never both; chunk lines and CRLFs where they belong),
 * lenient about everything that cannot change where a message ends (characters in the target, header names). The
 * recording server reads what the proxy forwards with it, and the smuggling tests read what a client sends with it,
 * to know which requests the client meant. A pure function; thread-safe.
 */
final class ReferenceHttp {
    private static final int MAX_LEADING_EMPTY_LINES = 16;

    private ReferenceHttp() {}

    /** One request as the parser understood it; header names as sent. */
    record Request(
            String method,
            String target,
            String version,
            List<Map.Entry<String, String>> headers,
            byte[] body,
            List<Map.Entry<String, String>> trailers) {

        /** The values of {@code name}, case-insensitively. */
        List<String> headers(String name) {
            List<String> values = new ArrayList<>();
            headers.forEach(h -> {
                if (h.getKey().equalsIgnoreCase(name)) {
                    values.add(h.getValue());
                }
            });
            return values;
        }

        @Nullable
        String header(String name) {
            List<String> values = headers(name);
            return values.isEmpty() ? null : values.get(0);
        }

        String bodyText() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString() {
            return method + " " + target + " " + version + " " + headers + " body " + body.length + " bytes";
        }
    }

    /**
     * What a byte stream holds: the complete requests, then how it ends.
     *
     * @param consumed bytes taken by the complete requests (and empty lines before them)
     * @param error why the stream is not HTTP from the first byte after {@code requests}; null when it is
     * @param incomplete whether the bytes after {@code requests} are the start of a request that is not all there
     */
    record Parse(
            List<Request> requests, int consumed, @Nullable String error, boolean incomplete) {}

    private static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    private static final class Incomplete extends Exception {
        private static final long serialVersionUID = 1L;
        static final Incomplete INSTANCE = new Incomplete();

        private Incomplete() {
            super(null, null, false, false);
        }
    }

    static Parse parse(byte[] bytes) {
        return parse(bytes, bytes.length);
    }

    /** Parses requests from {@code bytes[0, length)}. */
    static Parse parse(byte[] bytes, int length) {
        List<Request> requests = new ArrayList<>();
        Cursor cursor = new Cursor(bytes, length);
        while (true) {
            int start = cursor.position;
            try {
                int empty = 0;
                while (cursor.position < length && (bytes[cursor.position] == '\r' || bytes[cursor.position] == '\n')) {
                    if (bytes[cursor.position] == '\n' && ++empty > MAX_LEADING_EMPTY_LINES) {
                        throw new Invalid("too many empty lines");
                    }
                    cursor.position++;
                }
                if (cursor.position == length) {
                    return new Parse(requests, cursor.position, null, false);
                }
                requests.add(request(cursor));
            } catch (Invalid e) {
                return new Parse(requests, start, e.getMessage(), false);
            } catch (Incomplete e) {
                return new Parse(requests, start, null, true);
            }
        }
    }

    private static final class Cursor {
        final byte[] bytes;
        final int length;
        int position;

        Cursor(byte[] bytes, int length) {
            this.bytes = bytes;
            this.length = length;
        }

        /** The next line without its CRLF or LF; a CR elsewhere is invalid. */
        String line() throws Invalid, Incomplete {
            int lf = -1;
            for (int i = position; i < length; i++) {
                if (bytes[i] == '\n') {
                    lf = i;
                    break;
                }
            }
            if (lf < 0) {
                throw Incomplete.INSTANCE;
            }
            int end = lf > position && bytes[lf - 1] == '\r' ? lf - 1 : lf;
            for (int i = position; i < end; i++) {
                if (bytes[i] == '\r') {
                    throw new Invalid("bare CR");
                }
            }
            String line = new String(bytes, position, end - position, StandardCharsets.ISO_8859_1);
            position = lf + 1;
            return line;
        }

        byte[] take(long count) throws Incomplete {
            if (length - position < count) {
                throw Incomplete.INSTANCE;
            }
            byte[] taken = java.util.Arrays.copyOfRange(bytes, position, position + (int) count);
            position += (int) count;
            return taken;
        }
    }

    private static Request request(Cursor cursor) throws Invalid, Incomplete {
        String line = cursor.line();
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new Invalid("request line '" + line + "'");
        }
        if (!isToken(parts[0])) {
            throw new Invalid("method '" + parts[0] + "'");
        }
        if (!parts[2].matches("HTTP/1\\.[0-9]")) {
            throw new Invalid("version '" + parts[2] + "'");
        }
        for (char c : parts[1].toCharArray()) {
            if (c <= ' ' || c >= 0x7f) {
                throw new Invalid("target byte 0x" + Integer.toHexString(c));
            }
        }
        List<Map.Entry<String, String>> headers = fields(cursor);
        long contentLength = -1;
        boolean chunked = false;
        boolean hasTransferEncoding = false;
        int hosts = 0;
        for (Map.Entry<String, String> header : headers) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("content-length")) {
                for (String element : header.getValue().split(",", -1)) {
                    String digits = ows(element);
                    if (digits.isEmpty()
                            || digits.length() > 15
                            || !digits.chars().allMatch(Character::isDigit)) {
                        throw new Invalid("Content-Length '" + header.getValue() + "'");
                    }
                    long value = Long.parseLong(digits);
                    if (contentLength >= 0 && value != contentLength) {
                        throw new Invalid("differing Content-Length");
                    }
                    contentLength = value;
                }
            } else if (name.equals("transfer-encoding")) {
                hasTransferEncoding = true;
                for (String element : header.getValue().split(",", -1)) {
                    String coding = ows(element);
                    if (coding.isEmpty()) {
                        continue; // RFC 9110 5.6.1.2: empty list elements are ignored
                    }
                    if (!coding.equalsIgnoreCase("chunked") || chunked) {
                        throw new Invalid("Transfer-Encoding '" + header.getValue() + "'");
                    }
                    chunked = true;
                }
            } else if (name.equals("host")) {
                hosts++;
            }
        }
        if (hasTransferEncoding && !chunked) {
            throw new Invalid("Transfer-Encoding without a coding");
        }
        if (hasTransferEncoding && contentLength >= 0) {
            throw new Invalid("Content-Length and Transfer-Encoding");
        }
        boolean http10 = parts[2].equals("HTTP/1.0");
        if (hasTransferEncoding && http10) {
            throw new Invalid("Transfer-Encoding in HTTP/1.0");
        }
        if (hosts > 1 || (hosts == 0 && !http10)) {
            throw new Invalid(hosts + " Host fields");
        }
        List<Map.Entry<String, String>> trailers = List.of();
        byte[] body;
        if (chunked) {
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            while (true) {
                long size = chunkSize(cursor.line());
                if (size == 0) {
                    break;
                }
                data.writeBytes(cursor.take(size));
                String end = cursor.line();
                if (!end.isEmpty()) {
                    throw new Invalid("chunk data longer than its size");
                }
            }
            trailers = fields(cursor);
            body = data.toByteArray();
        } else {
            body = cursor.take(Math.max(0, contentLength));
        }
        return new Request(parts[0], parts[1], parts[2], List.copyOf(headers), body, trailers);
    }

    /** Header (or trailer) lines up to the empty line. */
    private static List<Map.Entry<String, String>> fields(Cursor cursor) throws Invalid, Incomplete {
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        while (true) {
            String line = cursor.line();
            if (line.isEmpty()) {
                return fields;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new Invalid("obs-fold");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                throw new Invalid("field line '" + line + "'");
            }
            String value = ows(line.substring(colon + 1));
            for (char c : value.toCharArray()) {
                if ((c < 0x20 && c != '\t') || c == 0x7f) {
                    throw new Invalid("field value byte 0x" + Integer.toHexString(c));
                }
            }
            fields.add(Map.entry(line.substring(0, colon), value));
        }
    }

    /** {@code chunk-size [ BWS ";" chunk-ext ]}, the size in hex. */
    private static long chunkSize(String line) throws Invalid {
        int i = 0;
        while (i < line.length() && Character.digit(line.charAt(i), 16) >= 0) {
            i++;
        }
        if (i == 0 || i > 15) {
            throw new Invalid("chunk size '" + line + "'");
        }
        String rest = line.substring(i);
        while (!rest.isEmpty() && (rest.charAt(0) == ' ' || rest.charAt(0) == '\t')) {
            rest = rest.substring(1);
        }
        if (!rest.isEmpty() && rest.charAt(0) != ';') {
            throw new Invalid("chunk line '" + line + "'");
        }
        for (char c : rest.toCharArray()) {
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new Invalid("chunk extension byte 0x" + Integer.toHexString(c));
            }
        }
        return Long.parseLong(line.substring(0, i), 16);
    }

    /** {@code text} without the spaces and tabs around it (RFC 9110 OWS; nothing else is whitespace). */
    private static String ows(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && (text.charAt(start) == ' ' || text.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (text.charAt(end - 1) == ' ' || text.charAt(end - 1) == '\t')) {
            end--;
        }
        return text.substring(start, end);
    }

    private static boolean isToken(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (char c : text.toCharArray()) {
            boolean ok = (c >= '0' && c <= '9')
                    || (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
