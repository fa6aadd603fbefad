package dev.fjord.lb.core;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A cookie logged with each request of a frontend ({@code capture cookie NAME len LENGTH}), as HAProxy captures it:
 * the first cookie of the request whose {@code name=value} begins with {@code prefix} ({@code %CC}), and the first
 * such cookie the response sets ({@code %CS}), each as {@code name=value} truncated to {@code length} characters. A
 * prefix ending with {@code =} matches one name exactly; without it, every name that begins so (as
 * {@code ASPSESSIONID...}). Immutable.
 *
 * @param prefix what the cookie's {@code name=value} begins with
 * @param length the most characters logged, 1 to 65536
 */
public record CookieCapture(String prefix, int length) {
    public CookieCapture {
        if (prefix.isEmpty() || prefix.chars().anyMatch(c -> c <= ' ' || c == ';' || c == 0x7f)) {
            throw new ConfigException(
                    "capture cookie: name '" + prefix + "' (expected: a cookie name, without spaces or ';')");
        }
        Require.range("capture cookie " + prefix, "len", length, 1, 65536);
    }

    /** What is logged of the request's {@code Cookie} header values ({@code %CC}); null when no cookie matches. */
    public @Nullable String request(List<String> cookieHeaders) {
        for (String header : cookieHeaders) {
            int start = 0;
            while (start < header.length()) {
                int end = header.indexOf(';', start);
                if (end < 0) {
                    end = header.length();
                }
                String pair = header.substring(start, end).strip();
                if (pair.startsWith(prefix)) {
                    return truncated(pair);
                }
                start = end + 1;
            }
        }
        return null;
    }

    /** What is logged of the response's {@code Set-Cookie} header values ({@code %CS}); null when none matches. */
    public @Nullable String response(List<String> setCookieHeaders) {
        for (String header : setCookieHeaders) {
            int end = header.indexOf(';');
            String pair = (end < 0 ? header : header.substring(0, end)).strip();
            if (pair.startsWith(prefix)) {
                return truncated(pair);
            }
        }
        return null;
    }

    private String truncated(String pair) {
        return pair.length() > length ? pair.substring(0, length) : pair;
    }
}
