package dev.fjord.lb.netty;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import dev.fjord.lb.core.ConnectionMode;
import dev.fjord.lb.core.Cookie;
import dev.fjord.lb.core.HeaderEdit;
import dev.fjord.lb.core.LocalResponse;
import dev.fjord.lb.core.RouteDecision;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

/**
 * Builds the messages the proxy sends: the request to the server and the response to the client, with hop-by-hop
 * fields removed and framing and connection fields set anew (RFC 9110 section 7.6.1).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9110#section-7.6.1">RFC 9110 7.6.1: Connection</a>
 */
final class HttpMessages {
    /** Headers of messages Fjord makes from fields it checked already: no second validation. */
    static final HttpHeadersFactory CHECKED =
            DefaultHttpHeadersFactory.headersFactory().withValidation(false);

    static final HttpHeadersFactory CHECKED_TRAILERS =
            DefaultHttpHeadersFactory.trailersFactory().withValidation(false);
    private static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");

    private HttpMessages() {}

    /** Whether the request asks to switch protocols ({@code Upgrade} listed in {@code Connection}). */
    static boolean isUpgrade(HttpRequest request) {
        return request.headers().contains(HttpHeaderNames.UPGRADE)
                && request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }

    /**
     * The request to send to the server: the decision's forwarded request, hop-by-hop fields replaced. The fields
     * that {@code Connection} named were removed when the request was parsed ({@link RequestFields}), before routing.
     */
    static HttpRequest serverRequest(HttpRequest original, RouteDecision.Forward decision, ConnectionMode mode) {
        boolean upgrade = isUpgrade(original);
        DefaultHttpRequest request =
                new DefaultHttpRequest(HttpVersion.HTTP_1_1, original.method(), target(original, decision), CHECKED);
        HttpHeaders headers = request.headers();
        Iterator<Map.Entry<CharSequence, CharSequence>> fields =
                original.headers().iteratorCharSequence();
        while (fields.hasNext()) {
            Map.Entry<CharSequence, CharSequence> field = fields.next();
            if (!isHopByHop(field.getKey())) {
                headers.add(field.getKey(), field.getValue());
            }
        }
        apply(headers, decision.requestEdits()); // the same edits forwardedRequest() shows, straight on the headers
        String sendName = decision.backend().config().settings().sendNameHeader();
        if (sendName != null) { // http-send-name-header: the server of this attempt
            headers.set(sendName, decision.server().name());
        }
        if (!headers.contains(HttpHeaderNames.HOST)) {
            // an HTTP/1.0 request without Host, forwarded as HTTP/1.1, which requires one: the server's address
            headers.set(
                    "Host",
                    decision.server()
                            .config()
                            .addressFor(decision.request().localPort())
                            .toString());
        }
        if (HttpUtil.isTransferEncodingChunked(original)) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        if (upgrade) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            headers.set(HttpHeaderNames.UPGRADE, original.headers().get(HttpHeaderNames.UPGRADE));
        } else if (mode != ConnectionMode.KEEP_ALIVE) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return request;
    }

    /** The request target the server gets: the last {@code set-path}... rule's, else the client's. */
    private static String target(HttpRequest original, RouteDecision.Forward decision) {
        String target = original.uri();
        for (HeaderEdit edit : decision.requestEdits()) {
            if (edit instanceof HeaderEdit.Target set) {
                target = set.uri();
            }
        }
        return target;
    }

    /** Whether the client wants its connection kept open after this request. */
    static boolean clientKeepAlive(HttpRequest request) {
        return HttpUtil.isKeepAlive(request);
    }

    /**
     * Turns the server's {@code response} into the one the client gets, in place (no copy of its fields): hop-by-hop
     * fields and those its {@code Connection} names (never its framing) removed, {@code Set-Cookie} rewritten and the
     * decision's edits applied for cookie persistence, framing and {@code Connection} set for the client.
     *
     * @param keepAlive whether the client connection stays open after it, as far as the exchange knows
     * @return {@code response}; its body framing follows the server's when known, else chunked (HTTP/1.1 clients),
     *     and its {@code Connection: close} says when the client connection closes after it
     */
    static HttpResponse clientResponse(
            HttpResponse response,
            HttpRequest request,
            RouteDecision.Forward decision,
            boolean keepAlive,
            boolean bodyless) {
        HttpHeaders headers = response.headers();
        List<String> listed = connectionListed(headers);
        Cookie cookie = decision.backend().config().cookie();
        String cookieName = cookie == null ? null : cookie.name();
        boolean serverSetsCookie = false;
        List<CharSequence> removed = null; // Netty's header iterator cannot remove
        Iterator<Map.Entry<CharSequence, CharSequence>> fields = headers.iteratorCharSequence();
        while (fields.hasNext()) {
            Map.Entry<CharSequence, CharSequence> field = fields.next();
            CharSequence name = field.getKey();
            if (isHopByHop(name) || (!listed.isEmpty() && isListed(listed, name))) {
                if (removed == null) {
                    removed = new ArrayList<>(4);
                }
                removed.add(name);
            } else if (cookieName != null && HttpHeaderNames.SET_COOKIE.contentEqualsIgnoreCase(name)) {
                String value = decision.rewriteSetCookie(field.getValue().toString());
                field.setValue(value);
                serverSetsCookie |= value.startsWith(cookieName + '=');
            }
        }
        if (removed != null) {
            removed.forEach(headers::remove);
        }
        boolean preserve = cookie != null && cookie.isPreserve();
        if (!(preserve && serverSetsCookie)) {
            apply(headers, decision.responseEdits());
        }
        HttpVersion version = request.protocolVersion();
        if (!bodyless && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            if (version.equals(HttpVersion.HTTP_1_1)) {
                headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            } else if (version.majorVersion() < 2) {
                keepAlive = false; // close-delimited for an HTTP/1.0 client; HTTP/2 frames the body itself
            }
        }
        setConnection(headers, version, keepAlive);
        response.setProtocolVersion(version);
        return response;
    }

    /**
     * Whether {@code name} is a field that describes one connection, never forwarded as it is ({@code Connection},
     * {@code Keep-Alive}, {@code Proxy-Connection}, {@code TE}, {@code Trailer}, {@code Transfer-Encoding},
     * {@code Upgrade}, {@code Proxy-Authenticate}), case-insensitively, without a copy.
     */
    static boolean isHopByHop(CharSequence name) {
        return switch (name.length()) {
            case 2 -> HttpHeaderNames.TE.contentEqualsIgnoreCase(name);
            case 7 ->
                HttpHeaderNames.TRAILER.contentEqualsIgnoreCase(name)
                        || HttpHeaderNames.UPGRADE.contentEqualsIgnoreCase(name);
            case 10 ->
                HttpHeaderNames.CONNECTION.contentEqualsIgnoreCase(name) || KEEP_ALIVE.contentEqualsIgnoreCase(name);
            case 16 -> PROXY_CONNECTION.contentEqualsIgnoreCase(name);
            case 17 -> HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(name);
            case 18 -> HttpHeaderNames.PROXY_AUTHENTICATE.contentEqualsIgnoreCase(name);
            default -> false;
        };
    }

    /**
     * The size of {@code request}'s head as parsed: its request line and fields, each line with its CRLF, and the
     * empty line ({@code %U} counts it; what the client sent differs only by optional whitespace).
     */
    static long headSize(HttpRequest request) {
        long size = request.method().name().length()
                + 1L
                + request.uri().length()
                + 1
                + request.protocolVersion().text().length()
                + 2
                + 2;
        for (Map.Entry<String, String> field : request.headers()) {
            size += field.getKey().length() + 2L + field.getValue().length() + 2;
        }
        return size;
    }

    /** Whether {@code method} is HEAD, whose response has no body. */
    static boolean isHead(HttpMethod method) {
        return HttpMethod.HEAD.equals(method);
    }

    /** The status that answers a request the decoder failed with {@code result}: 414, 431, 413 or 400. */
    static int statusOf(io.netty.handler.codec.DecoderResult result) {
        Throwable cause = result.cause();
        if (cause instanceof io.netty.handler.codec.http.TooLongHttpLineException) {
            return 414;
        }
        if (cause instanceof io.netty.handler.codec.http.TooLongHttpHeaderException) {
            return 431;
        }
        return cause instanceof io.netty.handler.codec.TooLongFrameException ? 413 : 400;
    }

    /** Whether the response can carry no body whatever its fields say. */
    static boolean isBodyless(HttpMethod method, HttpResponseStatus status) {
        int code = status.code();
        return method.equals(HttpMethod.HEAD) || code < 200 || code == 204 || code == 304;
    }

    /** Whether the client response has a known length, so the connection may stay open after it. */
    static boolean isFramed(HttpResponse response, boolean bodyless) {
        return bodyless
                || response.headers().contains(HttpHeaderNames.CONTENT_LENGTH)
                || HttpUtil.isTransferEncodingChunked(response);
    }

    /** A response made by the proxy itself. */
    static FullHttpResponse local(
            LocalResponse local, HttpVersion version, boolean keepAlive, boolean head, ByteBufAllocator allocator) {
        byte[] body = local.body().getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(
                version,
                HttpResponseStatus.valueOf(local.status(), local.reason()),
                head ? Unpooled.EMPTY_BUFFER : allocator.buffer(body.length).writeBytes(body),
                CHECKED,
                CHECKED_TRAILERS);
        HttpHeaders headers = response.headers();
        for (Map.Entry<String, String> header : local.headers()) {
            headers.add(header.getKey(), header.getValue());
        }
        headers.set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        setConnection(headers, version, keepAlive);
        return response;
    }

    private static void setConnection(HttpHeaders headers, HttpVersion version, boolean keepAlive) {
        if (version.majorVersion() >= 2) {
            return; // HTTP/2 has no Connection field: a stream ends with its response
        }
        if (!keepAlive) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (version.equals(HttpVersion.HTTP_1_0)) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
    }

    static void apply(HttpHeaders headers, List<HeaderEdit> edits) {
        for (HeaderEdit edit : edits) {
            if (edit instanceof HeaderEdit.Add add) {
                headers.add(add.name(), add.value());
            } else if (edit instanceof HeaderEdit.Set set) {
                headers.set(set.name(), set.value());
            } else if (edit instanceof HeaderEdit.Delete) {
                headers.remove(edit.name());
            } // a HeaderEdit.Target is the request line's (serverRequest)
        }
    }

    /**
     * The field names listed in {@code Connection}, but for {@code Content-Length} and {@code Transfer-Encoding}:
     * framing is never hop-by-hop, or the body would reach the client unframed.
     */
    private static List<String> connectionListed(HttpHeaders headers) {
        List<String> values = headers.getAll(HttpHeaderNames.CONNECTION);
        if (values.isEmpty()) {
            return List.of();
        }
        if (values.size() == 1 && isPlainOption(values.get(0))) {
            return List.of(); // "keep-alive" or "close", as most servers send: nothing but hop-by-hop fields named
        }
        List<String> names = new ArrayList<>(2);
        for (String value : values) {
            for (String name : value.split(",", -1)) {
                String trimmed = name.strip();
                if (!trimmed.isEmpty()
                        && !trimmed.equalsIgnoreCase("content-length")
                        && !trimmed.equalsIgnoreCase("transfer-encoding")) {
                    names.add(trimmed);
                }
            }
        }
        return names;
    }

    private static boolean isPlainOption(String value) {
        return value.equalsIgnoreCase("keep-alive") || value.equalsIgnoreCase("close");
    }

    /** Whether {@code name} is one of {@code listed}, ignoring case, without copying it (per response field). */
    private static boolean isListed(List<String> listed, CharSequence name) {
        for (String candidate : listed) {
            if (AsciiString.contentEqualsIgnoreCase(candidate, name)) {
                return true;
            }
        }
        return false;
    }
}
