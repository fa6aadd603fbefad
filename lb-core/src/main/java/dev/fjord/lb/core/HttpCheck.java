package dev.fjord.lb.core;

import java.util.Objects;

/**
 * HTTP health checks of a backend's servers, as HAProxy's {@code option httpchk [METHOD] [URI] [VERSION]}: a
 * server passes when it answers 2xx or 3xx. Servers are checked only when their line says {@code check}.
 *
 * <pre>{@code
 * backend.httpCheck(HttpCheck.get("/health_check.php"));
 * }</pre>
 *
 * @param method the request method; HAProxy's default {@code OPTIONS}
 * @param uri the request target; default {@code /}
 * @param version the protocol version; default {@code HTTP/1.0}
 */
public record HttpCheck(String method, String uri, String version) {

    public HttpCheck {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(version, "version");
        if (method.isEmpty() || !method.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
            throw new ConfigException("httpchk: method '" + method + "' (expected: an HTTP method)");
        }
        if (!uri.startsWith("/") || uri.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
            throw new ConfigException("httpchk: uri '" + uri + "' (expected: a path starting with '/')");
        }
        if (!version.equals("HTTP/1.0") && !version.equals("HTTP/1.1")) {
            throw new ConfigException("httpchk: version '" + version + "' (expected: HTTP/1.0 or HTTP/1.1)");
        }
    }

    /** {@code option httpchk}: {@code OPTIONS / HTTP/1.0}. */
    public static HttpCheck defaults() {
        return new HttpCheck("OPTIONS", "/", "HTTP/1.0");
    }

    /** {@code option httpchk GET URI}: {@code GET uri HTTP/1.0}. */
    public static HttpCheck get(String uri) {
        return new HttpCheck("GET", uri, "HTTP/1.0");
    }

    /** {@code option httpchk METHOD URI}. */
    public static HttpCheck of(String method, String uri) {
        return new HttpCheck(method, uri, "HTTP/1.0");
    }

    /** The same check sent as {@code version}. */
    public HttpCheck version(String version) {
        return new HttpCheck(method, uri, version);
    }
}
