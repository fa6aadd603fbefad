package dev.fjord.lb.core;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

/**
 * The head of an HTTP request as the router sees it: request line, headers, and the addresses of the connection it
 * arrived on. Transport-agnostic: lb-netty adapts its own request type to it, tests build one with {@link #builder()}.
 *
 * <p>Header names are matched case-insensitively; values are as received (not comma-split, not decoded).
 * Implementations must be immutable, so one head can be routed from any thread.
 *
 * <pre>{@code
 * RequestHead head = RequestHead.builder().method("POST").uri("/login?next=/")
 *     .header("Host", "shop.example").header("Cookie", "SERVERID=s2").client("203.0.113.7", 51000).build();
 * }</pre>
 */
public interface RequestHead {

    /** A {@code GET} of {@code uri} (path and optional query) with the {@link #builder()} defaults. */
    static RequestHead get(String uri) {
        return builder().uri(uri).build();
    }

    /** A builder; defaults: {@code GET / HTTP/1.1}, no headers, client 127.0.0.1:0, local port 80. */
    static Builder builder() {
        return new SimpleRequestHead.Builder();
    }

    /** The method token, e.g. {@code GET}, as received (case-sensitive, as RFC 9110 says). */
    String method();

    /** The path of the request target, without the query; {@code *} for {@code OPTIONS *}. */
    String path();

    /** The query after {@code ?}, without the {@code ?}; null when the target has none. */
    @Nullable
    String query();

    /** The protocol version, e.g. {@code HTTP/1.1}. */
    String version();

    /** The request target as received: {@link #path()} then {@code ?} and {@link #query()} if any. */
    default String uri() {
        String query = query();
        return query == null ? path() : path() + '?' + query;
    }

    /** Every value of the header {@code name}, in order; empty when absent. */
    List<String> headers(String name);

    /** The first value of the header {@code name}, or null when absent. */
    default @Nullable String header(String name) {
        List<String> values = headers(name);
        return values.isEmpty() ? null : values.get(0);
    }

    /** Calls {@code action} with each header in order, names as received. */
    void forEachHeader(BiConsumer<String, String> action);

    /**
     * The value of the request cookie {@code name} (the first one when several), or null. Cookies come from every
     * {@code Cookie} header, split on {@code ;} as RFC 6265 section 5.4 writes them.
     */
    default @Nullable String cookie(String name) {
        for (String header : headers("Cookie")) {
            String value = dev.fjord.lb.core.internal.Cookies.find(header, name);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /** The client's address (the peer of the connection). */
    InetAddress clientAddress();

    /** The client's source port. */
    int clientPort();

    /** The local port the request arrived on (the {@code dst_port} fetch). */
    int localPort();

    /**
     * The first bytes of a {@code mode tcp} connection held by {@code tcp-request inspect-delay}, which the
     * {@code req.len}, {@code req.payload}, {@code req.ssl_*} fetches read; {@link RequestContent#NONE} for an HTTP
     * request (HAProxy's content fetches see nothing in HTTP mode either) and by default.
     */
    default RequestContent content() {
        return RequestContent.NONE;
    }

    /**
     * What the TLS handshake of the request's connection settled ({@code ssl_fc*}, {@code ssl_c_*}); null (the
     * default) when the connection is not TLS.
     */
    default @Nullable ClientTls tls() {
        return null;
    }

    /**
     * When the request was accepted, in milliseconds since the epoch, as the transport's clock said ({@code %Ts},
     * {@code %ms} in a header value: {@code X-Request-Start: t=%Ts%ms}); -1 (the default) when not known. lb-core
     * reads no clock: the transport gives it.
     */
    default long acceptedAtMillis() {
        return -1;
    }

    /** The local address the request arrived on ({@code %fi}); null (the default) when not known. */
    default @Nullable InetAddress localAddress() {
        return null;
    }

    /**
     * The process's count of requests and TCP sessions before this one ({@code %rt}, from 0), as the transport counts
     * them; -1 (the default) when not known.
     */
    default long requestCounter() {
        return -1;
    }

    /**
     * The request's unique ID, made from the frontend's {@code unique-id-format} when it was routed ({@code %ID},
     * the {@code unique-id} fetch); null (the default) when the frontend has none.
     */
    default @Nullable String uniqueId() {
        return null;
    }

    /** Builds {@link RequestHead} values; not thread-safe. */
    interface Builder {
        /** The method token; default {@code GET}. */
        Builder method(String method);

        /** The request target, path and optional query ({@code /a/b?c=d}); default {@code /}. */
        Builder uri(String uri);

        /** The protocol version; default {@code HTTP/1.1}. */
        Builder version(String version);

        /** Adds a header (repeat to add several values, in order). */
        Builder header(String name, String value);

        /** Adds every header of {@code headers}, in the map's order. */
        Builder headers(Map<String, String> headers);

        /** The client's address, an IPv4 or IPv6 literal (never resolved), and port; default 127.0.0.1:0. */
        Builder client(String address, int port);

        /** The client's address and port; default 127.0.0.1:0. */
        Builder client(InetAddress address, int port);

        /** The local port the request arrived on; default 80. */
        Builder localPort(int port);

        /** The bytes held for {@code tcp-request content} inspection; default {@link RequestContent#NONE}. */
        Builder content(RequestContent content);

        /** The TLS handshake of the connection; default null (not TLS). */
        Builder tls(@Nullable ClientTls tls);

        /** When the request was accepted ({@link RequestHead#acceptedAtMillis()}); default -1, not known. */
        Builder acceptedAtMillis(long millis);

        /** The local address the request arrived on, an IP literal ({@code %fi}); default null, not known. */
        Builder localAddress(String address);

        /** The process's count of requests before this one ({@code %rt}); default -1, not known. */
        Builder requestCounter(long counter);

        RequestHead build();
    }
}
