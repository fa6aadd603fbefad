package dev.fjord.lb.examples.compat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An HTTP/1.1 response as read from a connection the server closed: its status, header fields and body (de-chunked
 * when chunked). {@link #EMPTY} when the connection closed without a byte. Immutable.
 *
 * @param status the status code; 0 for {@link #EMPTY}
 * @param fields the header fields, {@code name: value} in order
 * @param body the body
 */
record HttpReply(int status, List<String> fields, String body) {
    /** Nothing came: the connection was closed or reset unanswered. */
    static final HttpReply EMPTY = new HttpReply(0, List.of(), "");

    HttpReply {
        fields = List.copyOf(fields);
    }

    static HttpReply parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/") || end < 0) {
            return EMPTY;
        }
        String[] lines = text.substring(0, end).split("\r\n", -1);
        int status = Integer.parseInt(lines[0].substring(9, 12));
        List<String> fields = new ArrayList<>(List.of(lines).subList(1, lines.length));
        String body = text.substring(end + 4);
        HttpReply head = new HttpReply(status, fields, "");
        if ("chunked".equalsIgnoreCase(head.header("Transfer-Encoding"))) {
            body = dechunk(body);
        }
        return new HttpReply(
                status, fields, new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
    }

    private static String dechunk(String chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        for (int chunks = 0; chunks < 10_000 && at < chunked.length(); chunks++) {
            int lineEnd = chunked.indexOf("\r\n", at);
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(
                    chunked.substring(at, lineEnd).split(";", 2)[0].strip(), 16);
            if (size == 0) {
                break;
            }
            out.writeBytes(chunked.substring(lineEnd + 2, lineEnd + 2 + size).getBytes(StandardCharsets.ISO_8859_1));
            at = lineEnd + 2 + size + 2;
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** The first value of header field {@code name}, or null. */
    String header(String name) {
        List<String> values = headers(name);
        return values.isEmpty() ? null : values.get(0);
    }

    /** Every value of header field {@code name}, in order. */
    List<String> headers(String name) {
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        List<String> values = new ArrayList<>();
        for (String field : fields) {
            if (field.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                values.add(field.substring(prefix.length()).strip());
            }
        }
        return values;
    }

    /** The server that answered: the {@code server=NAME} line {@link CompatWeb} starts its bodies with, or null. */
    String server() {
        return body.startsWith("server=") ? body.substring(7, body.indexOf('\n')) : null;
    }

    /** The request target the server received ({@link CompatWeb}'s {@code target=} line), or null. */
    String target() {
        for (String line : body.split("\n", -1)) {
            if (line.startsWith("target=")) {
                return line.substring("target=".length());
            }
        }
        return null;
    }

    /** The value of request header {@code name} as the server received it ({@link CompatWeb}'s body), or null. */
    String seen(String name) {
        String prefix = name.toLowerCase(Locale.ROOT) + ": ";
        for (String line : body.split("\n", -1)) {
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length());
            }
        }
        return null;
    }
}
