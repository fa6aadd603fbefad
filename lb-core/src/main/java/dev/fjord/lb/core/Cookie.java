package dev.fjord.lb.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.internal.Tokens;

/**
 * Cookie-based persistence of a backend, as HAProxy's {@code cookie NAME [insert|rewrite|prefix] [options]}: a client
 * that comes back with the cookie goes to the server whose {@link ServerConfig#cookie()} value it names, as long as
 * that server {@linkplain Server#acceptsPersistent() accepts persistent traffic} (a draining server still does; a DOWN
 * or MAINT one does not, and the client is balanced to another server and re-pinned).
 *
 * <p>An immutable value; each modifier returns a copy.
 *
 * <pre>{@code
 * backend.cookie(Cookie.insert("SERVERID").indirect().noCache());
 * }</pre>
 *
 * @param name the cookie's name
 * @param kind how the cookie gets to the client
 * @param isIndirect {@code insert}: the cookie is removed from requests before they reach the server, and not sent
 *     again to a client that already has a valid one
 * @param isNoCache responses carrying an inserted cookie get {@code Cache-Control: private}
 * @param isPostOnly insert the cookie only into responses to POST requests
 * @param isPreserve leave the cookie alone when the server sets it itself
 * @param isHttpOnly the inserted cookie gets the {@code HttpOnly} attribute
 * @param isSecure the inserted cookie gets the {@code Secure} attribute
 * @param domains the inserted cookie gets a {@code Domain} attribute for each of these
 * @param maxIdle a cookie unused for longer is ignored; null: no limit
 * @param maxLife a cookie older than this is ignored; null: no limit
 */
public record Cookie(
        String name,
        Kind kind,
        boolean isIndirect,
        boolean isNoCache,
        boolean isPostOnly,
        boolean isPreserve,
        boolean isHttpOnly,
        boolean isSecure,
        List<String> domains,
        @Nullable Duration maxIdle,
        @Nullable Duration maxLife) {

    /** How the persistence cookie reaches the client. */
    public enum Kind {
        /** Fjord adds {@code Set-Cookie: NAME=VALUE; path=/} to responses ({@code insert}). */
        INSERT,
        /** The server sets the cookie; Fjord rewrites its value to the server's ({@code rewrite}). */
        REWRITE,
        /** The server's own cookie gets the server's value as prefix, {@code VALUE~original} ({@code prefix}). */
        PREFIX,
        /**
         * The application sets the cookie to a server's {@code cookie} value itself; Fjord only reads it and changes
         * nothing ({@code cookie NAME} without insert, rewrite or prefix).
         */
        PASSIVE
    }

    public Cookie {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        domains = List.copyOf(domains);
        String context = "cookie '" + name + "'";
        if (!Tokens.isToken(name)) {
            throw new ConfigException("cookie: name '" + name + "' (expected: an RFC 6265 cookie name)");
        }
        if (kind != Kind.INSERT) {
            requireInsert(context, "postonly", isPostOnly);
            requireInsert(context, "maxidle", maxIdle != null);
            requireInsert(context, "maxlife", maxLife != null);
        }
        if (isPreserve && kind != Kind.INSERT && !isIndirect) {
            throw new ConfigException(context + ": preserve (expected: with insert or indirect)");
        }
        if (maxIdle != null) {
            Require.positive(context, "maxidle", maxIdle);
        }
        if (maxLife != null) {
            Require.positive(context, "maxlife", maxLife);
        }
        for (String domain : domains) {
            if (domain.isEmpty() || domain.chars().anyMatch(c -> c <= ' ' || c == ';' || c == ',')) {
                throw new ConfigException(context + ": domain '" + domain + "' (expected: a domain name)");
            }
        }
    }

    /** {@code cookie NAME insert}: Fjord sets the cookie. */
    public static Cookie insert(String name) {
        return new Cookie(name, Kind.INSERT, false, false, false, false, false, false, List.of(), null, null);
    }

    /** {@code cookie NAME rewrite}: the server sets the cookie, Fjord rewrites its value. */
    public static Cookie rewrite(String name) {
        return new Cookie(name, Kind.REWRITE, false, false, false, false, false, false, List.of(), null, null);
    }

    /**
     * {@code cookie NAME} alone: the application sets the cookie to a server's value; requests carrying it go to that
     * server, and neither they nor the responses are changed.
     */
    public static Cookie passive(String name) {
        return new Cookie(name, Kind.PASSIVE, false, false, false, false, false, false, List.of(), null, null);
    }

    /** {@code cookie NAME prefix}: the server's cookie {@code NAME} carries the server's value as a prefix. */
    public static Cookie prefix(String name) {
        return new Cookie(name, Kind.PREFIX, false, false, false, false, false, false, List.of(), null, null);
    }

    /** With {@code indirect}. */
    public Cookie indirect() {
        return new Cookie(
                name, kind, true, isNoCache, isPostOnly, isPreserve, isHttpOnly, isSecure, domains, maxIdle, maxLife);
    }

    /** With {@code nocache}. */
    public Cookie noCache() {
        return new Cookie(
                name, kind, isIndirect, true, isPostOnly, isPreserve, isHttpOnly, isSecure, domains, maxIdle, maxLife);
    }

    /** With {@code postonly}. */
    public Cookie postOnly() {
        return new Cookie(
                name, kind, isIndirect, isNoCache, true, isPreserve, isHttpOnly, isSecure, domains, maxIdle, maxLife);
    }

    /** With {@code preserve}. */
    public Cookie preserve() {
        return new Cookie(
                name, kind, isIndirect, isNoCache, isPostOnly, true, isHttpOnly, isSecure, domains, maxIdle, maxLife);
    }

    /** With {@code httponly}. */
    public Cookie httpOnly() {
        return new Cookie(
                name, kind, isIndirect, isNoCache, isPostOnly, isPreserve, true, isSecure, domains, maxIdle, maxLife);
    }

    /** With {@code secure}. */
    public Cookie secure() {
        return new Cookie(
                name, kind, isIndirect, isNoCache, isPostOnly, isPreserve, isHttpOnly, true, domains, maxIdle, maxLife);
    }

    /** With one more {@code domain}. */
    public Cookie domain(String domain) {
        List<String> more = new ArrayList<>(domains);
        more.add(Objects.requireNonNull(domain, "domain"));
        return new Cookie(
                name,
                kind,
                isIndirect,
                isNoCache,
                isPostOnly,
                isPreserve,
                isHttpOnly,
                isSecure,
                more,
                maxIdle,
                maxLife);
    }

    /** With {@code maxidle}. */
    public Cookie maxIdle(Duration maxIdle) {
        return new Cookie(
                name,
                kind,
                isIndirect,
                isNoCache,
                isPostOnly,
                isPreserve,
                isHttpOnly,
                isSecure,
                domains,
                Objects.requireNonNull(maxIdle, "maxIdle"),
                maxLife);
    }

    /** With {@code maxlife}. */
    public Cookie maxLife(Duration maxLife) {
        return new Cookie(
                name,
                kind,
                isIndirect,
                isNoCache,
                isPostOnly,
                isPreserve,
                isHttpOnly,
                isSecure,
                domains,
                maxIdle,
                Objects.requireNonNull(maxLife, "maxLife"));
    }

    private static void requireInsert(String context, String option, boolean set) {
        if (set) {
            throw new ConfigException(context + ": " + option + " (expected: only with insert)");
        }
    }
}
