package dev.fjord.lb.core;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A response the proxy sends itself instead of forwarding the request: a deny, a redirect, a {@code return}, a 503
 * when no server is available, or a 401 from the stats page.
 *
 * @param status the HTTP status code
 * @param headers headers to send, in order, besides {@code Content-Length}
 * @param body the body, UTF-8
 * @param reason the reason phrase of the status line; {@link #reason(int)} by default
 */
public record LocalResponse(int status, List<Map.Entry<String, String>> headers, String body, String reason) {

    public LocalResponse {
        Require.range("response", "status", status, 100, 999);
        headers = List.copyOf(headers);
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(reason, "reason");
    }

    /** A response with the usual reason phrase of {@code status}. */
    public LocalResponse(int status, List<Map.Entry<String, String>> headers, String body) {
        this(status, headers, body, reason(status));
    }

    /** The first value of header {@code name} (case-insensitive), or null. */
    public @org.jspecify.annotations.Nullable String header(String name) {
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
    }

    /** HAProxy's small HTML error page for {@code status}, e.g. {@code 503 Service Unavailable}. */
    public static LocalResponse error(int status) {
        String reason = reason(status);
        String body = "<html><body><h1>" + status + ' ' + reason + "</h1>\n" + message(status) + "\n</body></html>\n";
        return new LocalResponse(
                status, List.of(Map.entry("Content-Type", "text/html"), Map.entry("Cache-Control", "no-cache")), body);
    }

    /** The usual reason phrase of {@code status}, e.g. {@code Not Found}; a generic one for codes it does not know. */
    public static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 303 -> "See Other";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 410 -> "Gone";
            case 413 -> "Payload Too Large";
            case 414 -> "URI Too Long";
            case 425 -> "Too Early";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            default -> status < 300 ? "OK" : status < 400 ? "Redirect" : status < 500 ? "Client Error" : "Server Error";
        };
    }

    private static String message(int status) {
        return switch (status) {
            case 400 -> "Your browser sent an invalid request.";
            case 401 -> "You need a valid user and password to access this content.";
            case 403 -> "Request forbidden by administrative rules.";
            case 408 -> "Your browser didn't send a complete request in time.";
            case 503 -> "No server is available to handle this request.";
            case 504 -> "The server didn't respond in time.";
            default -> reason(status) + '.';
        };
    }
}
