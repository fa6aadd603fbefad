package dev.fjord.lb.examples.faults;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The little of HTTP/1.1 the fault server and the load client need: a message head read line by line (at most
 * {@link #MAX_HEAD} bytes), and bodies skipped or read by {@code Content-Length} or chunked. Stateless.
 */
final class Http1 {
    /** The largest head either side reads: 16 KiB. */
    static final int MAX_HEAD = 16 * 1024;

    private Http1() {}

    /**
     * A message head: its first line and its headers, names in lower case (a repeated header keeps the last value).
     *
     * @param startLine the request or status line
     * @param headers header values by lower-case name
     */
    record Head(String startLine, Map<String, String> headers) {
        @Nullable
        String header(String name) {
            return headers.get(name);
        }

        /** The status of a status line ({@code HTTP/1.1 200 OK}), or -1 when it has none. */
        int status() {
            String[] words = startLine.split(" ", 3);
            if (words.length < 2 || !words[0].startsWith("HTTP/")) {
                return -1;
            }
            try {
                return Integer.parseInt(words[1]);
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        /** The path of a request line ({@code GET /r/1 HTTP/1.1}), or "" when it has none. */
        String path() {
            String[] words = startLine.split(" ", 3);
            return words.length < 2 ? "" : words[1];
        }

        /** The value of {@code Content-Length}, or -1 when absent or not a number. */
        long contentLength() {
            String value = header("content-length");
            if (value == null) {
                return -1;
            }
            try {
                return Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        boolean chunked() {
            String value = header("transfer-encoding");
            return value != null && value.toLowerCase(Locale.ROOT).contains("chunked");
        }

        /** Whether the message asks to close the connection after it ({@code Connection: close}). */
        boolean close() {
            String value = header("connection");
            return value != null && value.toLowerCase(Locale.ROOT).contains("close");
        }
    }

    /**
     * Reads one head.
     *
     * @return the head, or null when the stream ends before its first byte
     * @throws EOFException when the stream ends inside the head
     * @throws IOException when the head is longer than {@link #MAX_HEAD}, or on a read error
     */
    static @Nullable Head readHead(InputStream in) throws IOException {
        String first = readLine(in, true);
        if (first == null) {
            return null;
        }
        Map<String, String> headers = new HashMap<>();
        int total = first.length();
        while (true) {
            String line = readLine(in, false);
            if (line == null || line.isEmpty()) {
                return new Head(first, headers);
            }
            total += line.length();
            if (total > MAX_HEAD) {
                throw new IOException("head longer than " + MAX_HEAD + " bytes");
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(
                        line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim());
            }
        }
    }

    /** A line without its CRLF; null at the end of the stream before a byte when {@code eofAllowed}. */
    private static @Nullable String readLine(InputStream in, boolean eofAllowed) throws IOException {
        StringBuilder line = new StringBuilder(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (eofAllowed && line.length() == 0) {
                    return null;
                }
                throw new EOFException("end of stream inside a head");
            }
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            if (line.length() >= MAX_HEAD) {
                throw new IOException("head line longer than " + MAX_HEAD + " bytes");
            }
            line.append((char) b);
        }
    }

    /** Skips exactly {@code length} bytes. @throws EOFException when the stream ends first */
    static void skip(InputStream in, long length) throws IOException {
        long left = length;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("end of stream with " + left + " body bytes to come");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    /** The start of a body as it is read (its first bytes, up to the prefix's size) and its length so far. */
    static final class Body {
        final byte[] prefix;
        int kept;
        long length;

        Body(int prefixBytes) {
            this.prefix = new byte[prefixBytes];
        }

        void accept(byte[] bytes, int count) {
            int fit = Math.min(count, prefix.length - kept);
            System.arraycopy(bytes, 0, prefix, kept, fit);
            kept += fit;
            length += count;
        }

        /** Whether the body starts with {@code expected}. */
        boolean startsWith(byte[] expected) {
            return kept >= expected.length && Arrays.equals(prefix, 0, expected.length, expected, 0, expected.length);
        }
    }

    /**
     * Reads {@code length} body bytes into {@code body}.
     *
     * @return false when the stream ended first (a truncated body)
     */
    static boolean readBody(InputStream in, long length, Body body) throws IOException {
        byte[] scratch = new byte[8192];
        long left = length;
        while (left > 0) {
            int n = in.read(scratch, 0, (int) Math.min(scratch.length, left));
            if (n < 0) {
                return false;
            }
            body.accept(scratch, n);
            left -= n;
        }
        return true;
    }

    /** Reads a body up to the end of the stream (a response without length). */
    static void readToEnd(InputStream in, Body body) throws IOException {
        byte[] scratch = new byte[8192];
        for (int n; (n = in.read(scratch)) >= 0; ) {
            body.accept(scratch, n);
        }
    }

    /**
     * Reads a chunked body into {@code body}, with its trailers.
     *
     * @return true when the last chunk arrived, false when the stream ended first
     */
    static boolean readChunked(InputStream in, Body body) throws IOException {
        try {
            while (true) {
                String size = String.valueOf(readLine(in, false));
                int semicolon = size.indexOf(';');
                long length;
                try {
                    length = Long.parseLong((semicolon >= 0 ? size.substring(0, semicolon) : size).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("bad chunk size '" + size + "'", e);
                }
                if (length == 0) {
                    for (String trailer = readLine(in, false);
                            trailer != null && !trailer.isEmpty();
                            trailer = readLine(in, false)) {
                        // trailers are not looked at
                    }
                    return true;
                }
                if (!readBody(in, length, body)) {
                    return false;
                }
                readLine(in, false);
            }
        } catch (EOFException e) {
            return false;
        }
    }

    /** ASCII bytes of {@code text}. */
    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
