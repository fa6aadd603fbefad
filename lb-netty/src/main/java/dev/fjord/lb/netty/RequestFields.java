package dev.fjord.lb.netty;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.fjord.lb.core.UnderscoreHeaders;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Rules on the header fields of a parsed request, applied before it is routed so that the router and the server see
 * the same fields. Stateless.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9110#section-7.6.1">RFC 9110 7.6.1: Connection</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9110#section-6.5.1">RFC 9110 6.5.1: limits on trailer fields</a>
 */
final class RequestFields {
    /**
     * Fields a {@code Connection} option never removes: those that frame or route the message (removing
     * {@code Content-Length} would send its body as the start of another request), and the hop-by-hop fields the
     * proxy replaces itself when it forwards ({@link HttpMessages}).
     */
    static final Set<String> NOT_REMOVABLE = Set.of(
            "content-length",
            "transfer-encoding",
            "host",
            "connection",
            "upgrade",
            "keep-alive",
            "te",
            "trailer",
            "proxy-connection");

    /** Fields that never come from a trailer section: framing, routing, authentication, controls, content format. */
    private static final Set<String> NOT_IN_TRAILERS = Set.of(
            "content-length",
            "transfer-encoding",
            "trailer",
            "host",
            "connection",
            "keep-alive",
            "proxy-connection",
            "te",
            "upgrade",
            "expect",
            "max-forwards",
            "authorization",
            "proxy-authorization",
            "cookie",
            "content-type",
            "content-encoding",
            "content-range",
            "range",
            "if-match",
            "if-none-match",
            "if-modified-since",
            "if-unmodified-since",
            "if-range",
            "cache-control",
            "pragma",
            "forwarded",
            "x-forwarded-for",
            "x-forwarded-host",
            "x-forwarded-proto");

    private RequestFields() {}

    /** Removes the fields that {@code Connection} names (RFC 9110 7.6.1), except {@link #NOT_REMOVABLE} ones. */
    static void removeConnectionListed(HttpHeaders headers) {
        List<String> values = headers.getAll(HttpHeaderNames.CONNECTION);
        for (String value : values) {
            for (String option : value.split(",", -1)) {
                String name = option.strip().toLowerCase(Locale.ROOT);
                if (!name.isEmpty() && !NOT_REMOVABLE.contains(name)) {
                    headers.remove(name);
                }
            }
        }
    }

    /**
     * Drops (or refuses, as {@code policy} says) every field whose name contains {@code _} and reads, with {@code _}
     * as {@code -}, as a guarded name or as the name of another field of the request.
     *
     * @return how many fields were dropped
     * @throws RequestHeadParser.Rejection 400 when {@code policy} refuses look-alikes and there is one
     */
    static int lookalikes(HttpHeaders headers, RequestPolicy policy) throws RequestHeadParser.Rejection {
        List<String> lookalikes = null;
        Set<String> names = null;
        for (Map.Entry<String, String> field : headers) {
            String name = field.getKey();
            if (name.indexOf('_') < 0) {
                continue;
            }
            if (names == null) {
                names = new HashSet<>();
                for (String each : headers.names()) {
                    names.add(each.toLowerCase(Locale.ROOT));
                }
            }
            String dashed = name.replace('_', '-').toLowerCase(Locale.ROOT);
            if (policy.guarded().contains(dashed) || names.contains(dashed)) {
                if (policy.underscores() == UnderscoreHeaders.REJECT) {
                    throw new RequestHeadParser.Rejection(400, "header '" + name + "' looks like '" + dashed + "'");
                }
                if (lookalikes == null) {
                    lookalikes = new ArrayList<>(2);
                }
                lookalikes.add(name);
            }
        }
        if (lookalikes == null) {
            return 0;
        }
        int dropped = 0;
        for (String name : lookalikes) {
            dropped += headers.getAll(name).size();
            headers.remove(name);
        }
        return dropped;
    }

    /**
     * Removes trailer fields that must not be sent in trailers (RFC 9110 6.5.1), which a server that merges trailers
     * into the header section would otherwise obey, and look-alikes as {@link #lookalikes} does.
     *
     * @return how many fields were removed
     */
    static int trailers(HttpHeaders trailers, RequestPolicy policy) throws RequestHeadParser.Rejection {
        int removed = lookalikes(trailers, policy);
        List<String> refused = null;
        for (String name : trailers.names()) {
            if (NOT_IN_TRAILERS.contains(name.toLowerCase(Locale.ROOT))) {
                if (refused == null) {
                    refused = new ArrayList<>(1);
                }
                refused.add(name);
            }
        }
        if (refused != null) {
            for (String name : refused) {
                removed += trailers.getAll(name).size();
                trailers.remove(name);
            }
        }
        return removed;
    }
}
