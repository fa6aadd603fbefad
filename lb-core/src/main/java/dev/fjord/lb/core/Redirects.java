package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The responses of {@code redirect} rules, built as HAProxy builds them. */
final class Redirects {
    private Redirects() {}

    /**
     * The {@code Location} of a redirect of {@code request}: {@code location} exactly; {@code prefix} followed by
     * the request URI (nothing before it when the prefix is {@code /}); {@code scheme}, {@code ://}, the first
     * {@code Host} (empty when none) and the URI. The URI of the last two loses its query with {@code drop-query} and
     * is {@code /} for {@code *}; {@code append-slash} adds a {@code /} to a location not ending with one.
     */
    /**
     * Checks a redirect's target: non-empty text without spaces, a log-format when it holds {@code %}.
     *
     * @throws ConfigException naming the redirect and what is wrong
     */
    static void checkTarget(HttpRequestRule.RedirectType type, String value) {
        String kind = type.name().toLowerCase(java.util.Locale.ROOT);
        if (value.isEmpty() || value.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
            throw new ConfigException(
                    "http-request redirect: " + kind + " '" + value + "' (expected: non-empty text without spaces)");
        }
        if (value.indexOf('%') >= 0) { // a log-format: %[sample], %ci..., %% for %
            HeaderValue.check("http-request redirect " + kind, value);
        }
    }

    static String location(
            HttpRequestRule.RedirectType type, String value, RedirectOptions options, RequestHead request) {
        if (type == HttpRequestRule.RedirectType.LOCATION) {
            return value;
        }
        String uri = options.dropQuery() ? request.path() : request.uri();
        if (uri.isEmpty() || uri.equals("*")) {
            uri = "/";
        }
        String location;
        if (type == HttpRequestRule.RedirectType.PREFIX) {
            location = value.equals("/") ? uri : value + uri;
        } else {
            String host = request.header("Host");
            location = value + "://" + (host == null ? "" : host) + uri;
        }
        if (options.appendSlash() && !location.isEmpty() && !location.endsWith("/")) {
            location += '/';
        }
        return location;
    }

    /**
     * The redirect response: {@code Location}, {@code Cache-Control: no-cache} for the temporary codes (302, 303,
     * 307), the option's {@code Set-Cookie}, no body.
     */
    static LocalResponse response(String location, int code, RedirectOptions options) {
        List<Map.Entry<String, String>> headers = new ArrayList<>(3);
        headers.add(Map.entry("Location", location));
        if (code == 302 || code == 303 || code == 307) {
            headers.add(Map.entry("Cache-Control", "no-cache"));
        }
        if (options.setCookie() != null) {
            headers.add(Map.entry("Set-Cookie", options.setCookie()));
        }
        return new LocalResponse(code, headers, "");
    }
}
