package dev.fjord.lb.netty;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Parses a complete HTTP/1.1 request head strictly, as a pure function: anything ambiguous is refused with the
 * status to answer, so that what is forwarded can only mean one thing (no request smuggling). Stateless.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9112#section-3">RFC 9112 3: request line</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9112#section-6.3">RFC 9112 6.3: message body length</a>
 */
final class RequestHeadParser {
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private RequestHeadParser() {}

    /** A request the parser refuses, with the status to answer. */
    static final class Rejection extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Rejection(int status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }
    }

    /** A parsed head and how its body is framed. */
    record Head(ParsedRequest request, long contentLength, boolean chunked) {}

    /** A checked request line: the method, the target as it is forwarded, the version it is handled as. */
    record RequestLine(HttpMethod method, RequestTarget.Checked target, HttpVersion version) {}

    /**
     * Checks the request line in {@code buf[start, lineEnd)} (its LF at {@code lineEnd}) as soon as it is complete,
     * before the header fields arrive: an HTTP/0.9 line or a bad target is refused at once.
     *
     * @throws Rejection with 400, 414, 501 or 505 and the reason
     */
    static RequestLine requestLine(ByteBuf buf, int start, int lineEnd, HttpLimits limits) throws Rejection {
        int end = contentEnd(buf, start, lineEnd);
        if (end - start > limits.maxRequestLine()) {
            throw new Rejection(414, "request line longer than " + limits.maxRequestLine() + " bytes");
        }
        int firstSpace = buf.indexOf(start, end, (byte) ' ');
        int secondSpace = firstSpace < 0 ? -1 : buf.indexOf(firstSpace + 1, end, (byte) ' ');
        if (firstSpace <= start
                || secondSpace < 0
                || buf.indexOf(secondSpace + 1, end, (byte) ' ') >= 0
                || secondSpace == firstSpace + 1) {
            throw new Rejection(400, "request line is not 'METHOD SP target SP HTTP-version'");
        }
        String method = token(buf, start, firstSpace, "method");
        String target = ascii(buf, firstSpace + 1, secondSpace);
        HttpVersion version = version(ascii(buf, secondSpace + 1, end));
        return new RequestLine(HttpMethod.valueOf(method), RequestTarget.check(method, target), version);
    }

    /**
     * Parses {@code head}, whose request line was already checked as {@code line}: the header lines and the empty
     * line that ends them. Fields named by {@code Connection} are removed here, before routing, except those that
     * frame or route the message; look-alikes of those are dropped or refused as {@code policy} says.
     *
     * @throws Rejection with 400 or 431 and the reason
     */
    static Head parse(ByteBuf head, RequestLine line, RequestPolicy policy) throws Rejection {
        int end = head.writerIndex();
        int position = head.indexOf(head.readerIndex(), end, (byte) '\n') + 1;
        ParsedRequest request =
                new ParsedRequest(line.version(), line.method(), line.target().forwarded());
        HttpHeaders headers = request.headers();
        int count = 0;
        while (true) {
            int lineEnd = head.indexOf(position, end, (byte) '\n');
            int contentEnd = contentEnd(head, position, lineEnd);
            if (contentEnd == position) {
                break; // the empty line
            }
            if (++count > policy.limits().maxHeaderCount()) {
                throw new Rejection(431, "more than " + policy.limits().maxHeaderCount() + " header fields");
            }
            addField(headers, head, position, contentEnd);
            position = lineEnd + 1;
        }
        RequestFields.removeConnectionListed(headers);
        request.dropped(RequestFields.lookalikes(headers, policy));
        Head parsed = framing(request, line.version());
        host(headers, line);
        return parsed;
    }

    /** Parses trailer fields (the lines after the last chunk) into {@code trailers}. */
    static void parseFields(ByteBuf block, HttpHeaders trailers, HttpLimits limits) throws Rejection {
        int end = block.writerIndex();
        int position = block.readerIndex();
        int count = 0;
        while (position < end) {
            int lineEnd = block.indexOf(position, end, (byte) '\n');
            int contentEnd = contentEnd(block, position, lineEnd);
            if (contentEnd == position) {
                break;
            }
            if (++count > limits.maxHeaderCount()) {
                throw new Rejection(431, "more than " + limits.maxHeaderCount() + " trailer fields");
            }
            addField(trailers, block, position, contentEnd);
            position = lineEnd + 1;
        }
    }

    /**
     * Refuses a field line (LF at {@code lineEnd}) as soon as it is complete when it holds a bare CR or starts an
     * obsolete line folding, so that the end of the head is not awaited for a head that can never be accepted.
     */
    static void checkFieldLine(ByteBuf buf, int start, int lineEnd) throws Rejection {
        nameEnd(buf, start, contentEnd(buf, start, lineEnd));
    }

    /** The colon after the field name of the line {@code [start, end)}; refuses obs-fold and names not tokens. */
    private static int nameEnd(ByteBuf buf, int start, int end) throws Rejection {
        byte first = buf.getByte(start);
        if (first == ' ' || first == '\t') {
            throw new Rejection(400, "obsolete line folding in a header field");
        }
        int colon = buf.indexOf(start, end, (byte) ':');
        if (colon < 0) {
            throw new Rejection(400, "header line without ':'");
        }
        token(buf, start, colon, "header field name");
        return colon;
    }

    /** The end of a line's content: before its CR LF (or bare LF); a CR anywhere else is refused. */
    private static int contentEnd(ByteBuf buf, int start, int lineEnd) throws Rejection {
        int end = lineEnd > start && buf.getByte(lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd;
        if (buf.indexOf(start, end, (byte) '\r') >= 0) {
            throw new Rejection(400, "bare CR in the request head");
        }
        return end;
    }

    /**
     * {@code HTTP/1.0}, or {@code HTTP/1.1} for any later 1.x (RFC 9110 2.5: the highest minor version implemented);
     * 505 for another major version, 400 for anything that is not {@code HTTP/DIGIT.DIGIT}.
     */
    private static HttpVersion version(String version) throws Rejection {
        boolean valid = version.length() == 8
                && version.startsWith("HTTP/")
                && isDigit(version.charAt(5))
                && version.charAt(6) == '.'
                && isDigit(version.charAt(7));
        if (!valid) {
            throw new Rejection(400, "version '" + version + "' (expected: HTTP/1.1 or HTTP/1.0)");
        }
        if (version.charAt(5) != '1') {
            throw new Rejection(505, "version '" + version + "' (expected: HTTP/1.x)");
        }
        return version.charAt(7) == '0' ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static void addField(HttpHeaders headers, ByteBuf buf, int start, int end) throws Rejection {
        int colon = nameEnd(buf, start, end);
        String name = buf.toString(start, colon - start, StandardCharsets.US_ASCII);
        int valueStart = colon + 1;
        int valueEnd = end;
        while (valueStart < valueEnd && isOws(buf.getByte(valueStart))) {
            valueStart++;
        }
        while (valueEnd > valueStart && isOws(buf.getByte(valueEnd - 1))) {
            valueEnd--;
        }
        for (int i = valueStart; i < valueEnd; i++) {
            int b = buf.getByte(i) & 0xff;
            if ((b < 0x20 && b != '\t') || b == 0x7f) {
                throw new Rejection(400, "invalid character 0x" + Integer.toHexString(b) + " in header '" + name + "'");
            }
        }
        headers.add(name, buf.toString(valueStart, valueEnd - valueStart, StandardCharsets.ISO_8859_1));
    }

    private static Head framing(ParsedRequest request, HttpVersion version) throws Rejection {
        HttpHeaders headers = request.headers();
        boolean hasTransferEncoding = headers.contains(HttpHeaderNames.TRANSFER_ENCODING);
        long contentLength = contentLength(headers);
        if (hasTransferEncoding && contentLength >= 0) {
            throw new Rejection(400, "both Content-Length and Transfer-Encoding");
        }
        boolean chunked = false;
        if (hasTransferEncoding) {
            if (version.equals(HttpVersion.HTTP_1_0)) {
                throw new Rejection(400, "Transfer-Encoding in an HTTP/1.0 request");
            }
            chunked = chunkedLast(headers);
        }
        return new Head(request, contentLength, chunked);
    }

    /** The one Content-Length (identical repeats collapsed), or -1 when absent. */
    static long contentLength(HttpHeaders headers) throws Rejection {
        long length = -1;
        java.util.List<String> values = headers.getAll(HttpHeaderNames.CONTENT_LENGTH);
        for (String value : values) {
            for (String element : value.split(",", -1)) {
                String digits = element.strip();
                if (digits.isEmpty() || digits.length() > 18 || !isDigits(digits)) {
                    throw new Rejection(400, "Content-Length '" + value + "'");
                }
                long parsed = Long.parseLong(digits);
                if (length >= 0 && parsed != length) {
                    throw new Rejection(400, "different Content-Length values");
                }
                length = parsed;
            }
        }
        if (values.size() > 1 || (length >= 0 && values.get(0).indexOf(',') >= 0)) {
            headers.set("Content-Length", Long.toString(length)); // identical repeats collapsed to one
        }
        return length;
    }

    /** Checks that {@code chunked} is the final and only transfer coding. */
    private static boolean chunkedLast(HttpHeaders headers) throws Rejection {
        int chunked = 0;
        String last = null;
        for (String value : headers.getAll(HttpHeaderNames.TRANSFER_ENCODING)) {
            for (String element : value.split(",", -1)) {
                String coding = element.strip().toLowerCase(Locale.ROOT);
                if (coding.isEmpty()) {
                    continue;
                }
                if (coding.equals("chunked")) {
                    chunked++;
                } else if (chunked == 0) {
                    throw new Rejection(501, "transfer coding '" + coding + "' is not supported");
                }
                last = coding;
            }
        }
        if (chunked != 1 || !"chunked".equals(last)) {
            throw new Rejection(400, "Transfer-Encoding must end with one 'chunked'");
        }
        return true;
    }

    /**
     * One valid {@code Host} (required in HTTP/1.1), naming the authority of an absolute-form target; an HTTP/1.0
     * request in absolute-form without one gets the target's.
     */
    private static void host(HttpHeaders headers, RequestLine line) throws Rejection {
        var hosts = headers.getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            throw new Rejection(400, "more than one Host");
        }
        if (hosts.isEmpty()) {
            if (line.version().equals(HttpVersion.HTTP_1_1)) {
                throw new Rejection(400, "HTTP/1.1 request without Host");
            }
            if (line.target().authority() != null) {
                headers.set("Host", line.target().authority());
            }
            return;
        }
        String host = hosts.get(0);
        if (!host.isEmpty() && !validHost(host)) {
            throw new Rejection(400, "Host '" + host + "'");
        }
        if (!line.target().matchesHost(host)) {
            throw new Rejection(
                    400,
                    "Host '" + host + "' differs from the target's authority '"
                            + line.target().authority() + "'");
        }
    }

    /** {@code uri-host [":" port]}: a reg-name or IPv4 address, or an IP literal in brackets. */
    static boolean validHost(String host) {
        int portStart = host.length();
        String name = host;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0) {
                return false;
            }
            name = host.substring(1, close);
            if (name.isEmpty()) {
                return false;
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
                    return false;
                }
            }
            portStart = close + 1;
            if (portStart < host.length() && host.charAt(portStart) != ':') {
                return false;
            }
        } else {
            int colon = host.lastIndexOf(':');
            if (colon >= 0) {
                portStart = colon;
                name = host.substring(0, colon);
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (!(Character.isLetterOrDigit(c) && c < 128) && "-._~%!$&'()*+,;=".indexOf(c) < 0) {
                    return false;
                }
            }
        }
        String port = portStart < host.length() ? host.substring(portStart + 1) : "";
        return port.length() <= 5 && isDigits(port);
    }

    /** Whether {@code text} holds ASCII digits only (true when empty); per request, so no stream. */
    private static boolean isDigits(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static String token(ByteBuf buf, int start, int end, String what) throws Rejection {
        if (start >= end) {
            throw new Rejection(400, "empty " + what);
        }
        for (int i = start; i < end; i++) {
            int b = buf.getByte(i) & 0xff;
            if (b >= 128 || !TCHAR[b]) {
                throw new Rejection(400, "invalid character 0x" + Integer.toHexString(b) + " in the " + what);
            }
        }
        return buf.toString(start, end - start, StandardCharsets.US_ASCII);
    }

    private static String ascii(ByteBuf buf, int start, int end) {
        return buf.toString(start, end - start, StandardCharsets.ISO_8859_1);
    }

    private static boolean isOws(byte b) {
        return b == ' ' || b == '\t';
    }
}
