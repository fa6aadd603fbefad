package dev.fjord.lb.core;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The options of a {@code redirect} rule besides its target and code, as HAProxy names them: {@code drop-query} and
 * {@code append-slash} (for {@code prefix} and {@code scheme} redirects), and the {@code Set-Cookie} header that
 * {@code set-cookie NAME[=VALUE]} or {@code clear-cookie NAME[=]} adds. Immutable.
 *
 * @param dropQuery the location ends before the request's query string ({@code drop-query})
 * @param appendSlash a location that does not end with {@code /} gets one ({@code append-slash})
 * @param setCookie the {@code Set-Cookie} value to send, e.g. {@code SEEN=1; path=/;}; null: none
 */
public record RedirectOptions(
        boolean dropQuery, boolean appendSlash, @Nullable String setCookie) {
    /** No option. */
    public static final RedirectOptions NONE = new RedirectOptions(false, false, null);

    public RedirectOptions {
        if (setCookie != null) {
            HeaderEdit.requireHeader("redirect", "Set-Cookie", setCookie);
        }
    }

    /** {@code drop-query}. */
    public RedirectOptions withDropQuery() {
        return new RedirectOptions(true, appendSlash, setCookie);
    }

    /** {@code append-slash}. */
    public RedirectOptions withAppendSlash() {
        return new RedirectOptions(dropQuery, true, setCookie);
    }

    /** {@code set-cookie NAME[=VALUE]}: a session cookie for the whole site, as HAProxy writes it. */
    public RedirectOptions withSetCookie(String cookie) {
        return new RedirectOptions(dropQuery, appendSlash, requireCookie("set-cookie", cookie) + "; path=/;");
    }

    /** {@code clear-cookie NAME[=]}: the same cookie expired at once ({@code Max-Age=0}). */
    public RedirectOptions withClearCookie(String cookie) {
        return new RedirectOptions(
                dropQuery, appendSlash, requireCookie("clear-cookie", cookie) + "; path=/; Max-Age=0;");
    }

    private static String requireCookie(String option, String cookie) {
        Objects.requireNonNull(cookie, "cookie");
        if (cookie.isEmpty() || cookie.startsWith("=") || cookie.chars().anyMatch(c -> c <= ' ' || c == ';')) {
            throw new ConfigException(
                    "redirect " + option + " '" + cookie + "' (expected: NAME or NAME=VALUE without spaces or ';')");
        }
        return cookie;
    }
}
