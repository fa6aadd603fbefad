package dev.fjord.lb.netty;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * Turns the header block of an HTTP/2 request into the HTTP/1.1 request head the rest of the proxy routes and
 * forwards, refusing what is malformed (RFC 9113 8.1.1) with the status an HTTP/1.1 request would get, so that it
 * never reaches a server: pseudo-header fields missing, repeated, unknown or out of place ({@code :status},
 * {@code :protocol}); a {@code :path} not in origin-form (or {@code *} with {@code OPTIONS}) or refused by
 * {@link RequestTarget}; {@code CONNECT} (501, as over HTTP/1.1); upper-case or non-token field names; values with
 * NUL, CR, LF or other controls, or starting or ending with white space; the connection-specific fields of RFC 9113
 * 8.2.2 ({@code Connection}, {@code Keep-Alive}, {@code Proxy-Connection}, {@code Transfer-Encoding},
 * {@code Upgrade}, {@code TE} other than {@code trailers}); an {@code :authority} with userinfo or not a valid host,
 * or a {@code Host} that differs from it; neither of them; a bad {@code Content-Length}, or one above zero on a
 * stream that ended with its headers; more fields than {@link HttpLimits#maxHeaderCount()} (431).
 *
 * <p>What the server gets: the request line with {@code :method} and {@code :path}; {@code Host} from
 * {@code :authority}; the {@code Cookie} fields joined with {@code "; "} (RFC 9113 8.2.3); look-alike fields dropped as
 * {@link RequestFields#lookalikes} does; {@code Transfer-Encoding: chunked} for a body without
 * {@code Content-Length}. Its version reads {@code HTTP/2.0} for ACLs ({@code req.ver} is {@code 2.0}) and logs. A
 * pure function; thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9113#section-8.3">RFC 9113 8.3: HTTP control data</a>
 */
final class Http2RequestHeaders {
    /** The version of requests that came over HTTP/2, as HAProxy logs it. */
    static final HttpVersion HTTP_2 = new HttpVersion("HTTP", 2, 0, true);

    /** Fields that describe one HTTP/1.x connection, malformed in HTTP/2 (RFC 9113 8.2.2). */
    private static final Set<String> CONNECTION_SPECIFIC =
            Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade");

    private static final boolean[] TCHAR_LOWER = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR_LOWER[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR_LOWER[c] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR_LOWER[c] = true;
        }
    }

    private Http2RequestHeaders() {}

    /** A request head and its declared body length (-1 when it has no {@code Content-Length}). */
    record Head(ParsedRequest request, long contentLength) {}

    /**
     * The request head of {@code headers}, the first header block of a stream.
     *
     * @param endStream whether the stream ended with this block (no body)
     * @throws RequestHeadParser.Rejection with 400, 413, 431 or 501 and the reason
     */
    static Head request(Http2Headers headers, boolean endStream, RequestPolicy policy)
            throws RequestHeadParser.Rejection {
        String method = null;
        String scheme = null;
        String path = null;
        String authority = null;
        HttpHeaders fields = HttpMessages.CHECKED.newHeaders();
        List<String> cookies = null;
        int count = 0;
        for (Map.Entry<CharSequence, CharSequence> field : headers) {
            String name = field.getKey().toString();
            String value = field.getValue().toString();
            if (name.startsWith(":")) {
                if (count > 0) {
                    throw new RequestHeadParser.Rejection(400, "pseudo-header '" + name + "' after a regular field");
                }
                switch (name) {
                    case ":method" -> method = once(method, name, value);
                    case ":scheme" -> scheme = once(scheme, name, value);
                    case ":path" -> path = once(path, name, value);
                    case ":authority" -> authority = once(authority, name, value);
                    default -> throw new RequestHeadParser.Rejection(400, "pseudo-header '" + name + "' in a request");
                }
                continue;
            }
            if (++count > policy.limits().maxHeaderCount()) {
                throw new RequestHeadParser.Rejection(
                        431, "more than " + policy.limits().maxHeaderCount() + " header fields");
            }
            checkField(name, value);
            if (name.equals("cookie")) {
                if (cookies == null) {
                    cookies = new ArrayList<>(2);
                }
                cookies.add(value);
            } else {
                fields.add(name, value);
            }
        }
        if (method == null) {
            throw new RequestHeadParser.Rejection(400, "no :method");
        }
        checkToken(method, ":method");
        if (method.equals("CONNECT")) {
            RequestTarget.check(method, authority == null ? "" : authority); // 501 as over HTTP/1.1, or 400
        }
        if (scheme == null || path == null) {
            throw new RequestHeadParser.Rejection(400, "no " + (scheme == null ? ":scheme" : ":path"));
        }
        String lowerScheme = scheme.toLowerCase(Locale.ROOT);
        if (!lowerScheme.equals("http") && !lowerScheme.equals("https")) {
            throw new RequestHeadParser.Rejection(400, ":scheme '" + scheme + "' (expected: http or https)");
        }
        if (path.isEmpty() || (path.charAt(0) != '/' && !path.equals("*"))) {
            throw new RequestHeadParser.Rejection(400, ":path '" + path + "' (expected: /path, or * with OPTIONS)");
        }
        RequestTarget.Checked target = RequestTarget.check(method, path);
        String host = host(fields, authority, lowerScheme.equals("https"));

        ParsedRequest request = new ParsedRequest(HTTP_2, HttpMethod.valueOf(method), target.forwarded());
        HttpHeaders out = request.headers();
        out.add(HttpHeaderNames.HOST, host);
        for (Map.Entry<String, String> field : fields) {
            if (!HttpHeaderNames.HOST.contentEqualsIgnoreCase(field.getKey())) {
                out.add(field.getKey(), field.getValue());
            }
        }
        if (cookies != null) {
            out.add(HttpHeaderNames.COOKIE, String.join("; ", cookies));
        }
        long length = RequestHeadParser.contentLength(out);
        if (endStream && length > 0) {
            throw new RequestHeadParser.Rejection(400, "Content-Length " + length + " on a stream without DATA");
        }
        long maxBody = policy.limits().maxBodyBytes();
        if (maxBody > 0 && length > maxBody) {
            throw new RequestHeadParser.Rejection(413, "Content-Length " + length + " over the limit of " + maxBody);
        }
        request.dropped(RequestFields.lookalikes(out, policy));
        if (!endStream && length < 0) {
            out.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED); // framed for the HTTP/1.1 server
        }
        return new Head(request, length);
    }

    /**
     * The trailer fields of {@code headers}, a header block that ended a stream after its DATA, as the last part of
     * the request; those never allowed in trailers are dropped and counted on {@code request}.
     *
     * @throws RequestHeadParser.Rejection with 400 or 431 and the reason
     */
    static LastHttpContent trailers(Http2Headers headers, ParsedRequest request, RequestPolicy policy)
            throws RequestHeadParser.Rejection {
        LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, HttpMessages.CHECKED_TRAILERS);
        HttpHeaders trailers = last.trailingHeaders();
        int count = 0;
        for (Map.Entry<CharSequence, CharSequence> field : headers) {
            String name = field.getKey().toString();
            if (name.startsWith(":")) {
                throw new RequestHeadParser.Rejection(400, "pseudo-header '" + name + "' in trailers");
            }
            if (++count > policy.limits().maxHeaderCount()) {
                throw new RequestHeadParser.Rejection(
                        431, "more than " + policy.limits().maxHeaderCount() + " trailer fields");
            }
            String value = field.getValue().toString();
            checkField(name, value);
            trailers.add(name, value);
        }
        request.dropped(RequestFields.trailers(trailers, policy));
        return last;
    }

    private static String once(@Nullable String seen, String name, String value) throws RequestHeadParser.Rejection {
        if (seen != null) {
            throw new RequestHeadParser.Rejection(400, "pseudo-header '" + name + "' repeated");
        }
        return value;
    }

    /** A regular field: a lower-case token name, a value without controls or surrounding white space. */
    private static void checkField(String name, String value) throws RequestHeadParser.Rejection {
        if (name.isEmpty()) {
            throw new RequestHeadParser.Rejection(400, "empty header field name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 128 || !TCHAR_LOWER[c]) {
                throw new RequestHeadParser.Rejection(
                        400, "invalid character 0x" + Integer.toHexString(c) + " in header field name '" + name + "'");
            }
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new RequestHeadParser.Rejection(
                        400, "invalid character 0x" + Integer.toHexString(c) + " in header '" + name + "'");
            }
        }
        if (!value.isEmpty() && (isWhite(value.charAt(0)) || isWhite(value.charAt(value.length() - 1)))) {
            throw new RequestHeadParser.Rejection(400, "white space around the value of header '" + name + "'");
        }
        if (CONNECTION_SPECIFIC.contains(name)) {
            throw new RequestHeadParser.Rejection(400, "connection-specific header '" + name + "' in HTTP/2");
        }
        if (name.equals("te") && !value.equals("trailers")) {
            throw new RequestHeadParser.Rejection(400, "TE '" + value + "' (expected: trailers)");
        }
    }

    /**
     * The authority the server is told in {@code Host}: {@code :authority}, which a {@code Host} field must name
     * too when both are present (default ports aside), else the one {@code Host}.
     */
    private static String host(HttpHeaders fields, @Nullable String authority, boolean https)
            throws RequestHeadParser.Rejection {
        List<String> hosts = fields.getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            throw new RequestHeadParser.Rejection(400, "more than one host");
        }
        String host = hosts.isEmpty() ? null : hosts.get(0);
        if (authority == null) {
            if (host == null || host.isEmpty()) {
                throw new RequestHeadParser.Rejection(400, "neither :authority nor host");
            }
            if (!RequestHeadParser.validHost(host)) {
                throw new RequestHeadParser.Rejection(400, "host '" + host + "'");
            }
            return host;
        }
        if (authority.isEmpty() || authority.indexOf('@') >= 0 || !RequestHeadParser.validHost(authority)) {
            throw new RequestHeadParser.Rejection(400, ":authority '" + authority + "' (expected: host[:port])");
        }
        if (host != null
                && !new RequestTarget.Checked("/", authority.toLowerCase(Locale.ROOT), https).matchesHost(host)) {
            throw new RequestHeadParser.Rejection(
                    400, "host '" + host + "' differs from :authority '" + authority + "'");
        }
        return authority;
    }

    private static void checkToken(String text, String what) throws RequestHeadParser.Rejection {
        if (text.isEmpty()) {
            throw new RequestHeadParser.Rejection(400, "empty " + what);
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean token = c < 128 && (TCHAR_LOWER[c] || (c >= 'A' && c <= 'Z'));
            if (!token) {
                throw new RequestHeadParser.Rejection(
                        400, "invalid character 0x" + Integer.toHexString(c) + " in the " + what);
            }
        }
    }

    private static boolean isWhite(char c) {
        return c == ' ' || c == '\t';
    }
}
