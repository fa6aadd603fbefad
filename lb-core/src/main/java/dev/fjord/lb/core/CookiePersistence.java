package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.internal.Cookies;

/**
 * Cookie persistence of one backend: reads the request's cookie, says which server it names and how the request's
 * cookie must change before forwarding, and writes the {@code Set-Cookie} for a newly pinned server.
 *
 * <p>With {@code maxidle} or {@code maxlife} an inserted value is {@code SERVER|LAST|FIRST}: the dates the cookie
 * was last seen and first set, in seconds since the epoch written in base 32 (HAProxy also stores dates in the
 * value; its encoding differs, so cookies set by HAProxy with dates are treated as invalid and re-pinned once).
 */
final class CookiePersistence {
    private final Cookie cookie;
    private final LiveBackend backend;
    /** {@code Set-Cookie} values without dates or domain, by server cookie value: made once, not per request. */
    private final Map<String, String> plainSetCookies = new ConcurrentHashMap<>();

    CookiePersistence(Cookie cookie, LiveBackend backend) {
        this.cookie = cookie;
        this.backend = backend;
    }

    /** What the request's cookie said. */
    record Reading(
            CookieStatus status,
            @Nullable Server server,
            @Nullable HeaderEdit requestEdit,
            long firstSeen) {}

    Reading read(RequestHead request, long nowSeconds) {
        String value = request.cookie(cookie.name());
        if (value == null) {
            return new Reading(CookieStatus.NONE, null, null, -1);
        }
        HeaderEdit edit = null;
        String serverValue = value;
        long firstSeen = -1;
        CookieStatus dated = null;
        switch (cookie.kind()) {
            case PREFIX -> {
                int tilde = value.indexOf('~');
                if (tilde < 0) {
                    return new Reading(CookieStatus.INVALID, null, null, -1);
                }
                serverValue = value.substring(0, tilde);
                edit = replaceCookie(request, value.substring(tilde + 1));
            }
            case INSERT -> {
                if (cookie.isIndirect()) {
                    edit = removeCookie(request);
                }
                int bar = value.indexOf('|');
                if (bar >= 0) {
                    serverValue = value.substring(0, bar);
                    long[] dates = dates(value.substring(bar + 1));
                    if (dates == null) {
                        return new Reading(CookieStatus.INVALID, null, edit, -1);
                    }
                    firstSeen = dates[1];
                    if (cookie.maxLife() != null
                            && nowSeconds - dates[1] > cookie.maxLife().toSeconds()) {
                        dated = CookieStatus.OLD;
                    } else if (cookie.maxIdle() != null
                            && nowSeconds - dates[0] > cookie.maxIdle().toSeconds()) {
                        dated = CookieStatus.EXPIRED;
                    }
                }
            }
            case REWRITE, PASSIVE -> {}
        }
        LiveServer server = backend.serverByCookie(serverValue);
        if (server == null) {
            return new Reading(CookieStatus.INVALID, null, edit, -1);
        }
        if (dated != null) {
            return new Reading(dated, null, edit, -1);
        }
        if (!server.acceptsPersistent()) {
            return new Reading(CookieStatus.DOWN, null, edit, -1);
        }
        return new Reading(CookieStatus.VALID, server, edit, firstSeen);
    }

    /**
     * The {@code Set-Cookie} value pinning the client to {@code server}, or null when none is to be sent: the
     * cookie is not inserted by Fjord, the server has no cookie value, a valid cookie needs no refresh, or the
     * request is not a POST under {@code postonly}.
     */
    @Nullable
    String setCookie(RequestHead request, Server server, Reading reading, long nowSeconds) {
        String value = server.config().cookie();
        if (cookie.kind() != Cookie.Kind.INSERT
                || value == null
                || (cookie.isPostOnly() && !request.method().equals("POST"))) {
            return null;
        }
        boolean dated = cookie.maxIdle() != null || cookie.maxLife() != null;
        if (reading.status() == CookieStatus.VALID && !dated) {
            return null;
        }
        if (!dated && cookie.domains().isEmpty()) {
            return plainSetCookies.computeIfAbsent(value, v -> format(v, null, null)); // the same for every request
        }
        String dates = null;
        if (dated) {
            long first = reading.status() == CookieStatus.VALID && reading.firstSeen() >= 0
                    ? reading.firstSeen()
                    : nowSeconds;
            dates = Long.toString(nowSeconds, 32) + '|' + Long.toString(first, 32);
        }
        return format(value, dates, cookie.domains().isEmpty() ? null : domain(request.header("Host")));
    }

    /** The {@code Set-Cookie} value for the server cookie {@code value}, its {@code dates} and {@code domain}. */
    private String format(String value, @Nullable String dates, @Nullable String domain) {
        StringBuilder header =
                new StringBuilder(48).append(cookie.name()).append('=').append(value);
        if (dates != null) {
            header.append('|').append(dates);
        }
        header.append("; path=/");
        if (domain != null) {
            header.append("; domain=").append(domain);
        }
        if (cookie.isHttpOnly()) {
            header.append("; HttpOnly");
        }
        if (cookie.isSecure()) {
            header.append("; Secure");
        }
        return header.toString();
    }

    /**
     * A {@code Set-Cookie} value from {@code server}'s response as the client must get it: with {@code rewrite} the
     * value becomes the server's cookie value, with {@code prefix} it gets {@code VALUE~} in front; else (insert,
     * passive) unchanged.
     */
    static String rewriteResponseCookie(Cookie cookie, String setCookie, Server server) {
        String value = server.config().cookie();
        if (value == null || cookie.kind() == Cookie.Kind.INSERT || cookie.kind() == Cookie.Kind.PASSIVE) {
            return setCookie;
        }
        int equals = setCookie.indexOf('=');
        if (equals < 0 || !setCookie.substring(0, equals).strip().equals(cookie.name())) {
            return setCookie;
        }
        int end = setCookie.indexOf(';', equals);
        String original = (end < 0 ? setCookie.substring(equals + 1) : setCookie.substring(equals + 1, end)).strip();
        String rewritten = cookie.kind() == Cookie.Kind.REWRITE ? value : value + '~' + original;
        return cookie.name() + '=' + rewritten + (end < 0 ? "" : setCookie.substring(end));
    }

    private @Nullable String domain(@Nullable String host) {
        List<String> domains = cookie.domains();
        if (domains.isEmpty()) {
            return null;
        }
        if (host != null) {
            String lower = host.toLowerCase(Locale.ROOT);
            int colon = lower.lastIndexOf(':');
            String name = colon > 0 && lower.indexOf(']') < colon ? lower.substring(0, colon) : lower;
            for (String domain : domains) {
                String d = domain.toLowerCase(Locale.ROOT);
                if (name.endsWith(d.startsWith(".") ? d : "." + d)
                        || name.equals(d.startsWith(".") ? d.substring(1) : d)) {
                    return domain;
                }
            }
        }
        return domains.get(0);
    }

    private HeaderEdit removeCookie(RequestHead request) {
        List<String> headers = request.headers("Cookie");
        if (headers.size() == 1) { // the usual case: no list to make and join
            String rest = Cookies.remove(headers.get(0), cookie.name());
            return rest == null ? new HeaderEdit.Delete("Cookie") : new HeaderEdit.Set("Cookie", rest);
        }
        List<String> kept = new ArrayList<>(headers.size());
        for (String header : headers) {
            String rest = Cookies.remove(header, cookie.name());
            if (rest != null) {
                kept.add(rest);
            }
        }
        return kept.isEmpty() ? new HeaderEdit.Delete("Cookie") : new HeaderEdit.Set("Cookie", String.join("; ", kept));
    }

    private HeaderEdit replaceCookie(RequestHead request, String value) {
        List<String> headers = new ArrayList<>(1);
        boolean replaced = false;
        for (String header : request.headers("Cookie")) {
            if (!replaced && Cookies.find(header, cookie.name()) != null) {
                header = Cookies.replaceValue(header, cookie.name(), value);
                replaced = true;
            }
            headers.add(header);
        }
        return new HeaderEdit.Set("Cookie", String.join("; ", headers));
    }

    /** {@code [last, first]} from {@code LAST|FIRST} in base 32, or null when malformed. */
    private static long @Nullable [] dates(String text) {
        int bar = text.indexOf('|');
        if (bar < 0) {
            return null;
        }
        try {
            return new long[] {Long.parseLong(text.substring(0, bar), 32), Long.parseLong(text.substring(bar + 1), 32)};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
