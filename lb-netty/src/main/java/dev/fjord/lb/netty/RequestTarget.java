package dev.fjord.lb.netty;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Checks a request target (RFC 9112 section 3.2) and gives the form the proxy forwards, so that what ACL fetches see
 * is exactly what the server receives. Accepted: origin-form ({@code /path?query}); absolute-form
 * ({@code http://authority/path?query}), forwarded in origin-form with its authority checked against {@code Host};
 * asterisk-form with {@code OPTIONS}. Refused with 400: a fragment ({@code #}), bytes outside RFC 3986's visible set
 * ({@code "<>\`} and anything not printable ASCII), a {@code %} not followed by two hex digits, a dot segment
 * ({@code .} or {@code ..}, also percent-encoded or behind an encoded slash: servers that normalise paths would see
 * another path than the ACLs did), userinfo in an authority, and authority-form outside {@code CONNECT};
 * {@code CONNECT} itself is not implemented (501): a reverse proxy opens no tunnels to where clients ask. A pure
 * function; thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9112#section-3.2">RFC 9112 3.2: request target</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc3986#section-3.3">RFC 3986 3.3: path</a>
 */
final class RequestTarget {
    /** Visible ASCII refused anywhere in a target: not in RFC 3986 and never sent by browsers unencoded. */
    private static final String REFUSED = "#\"<>\\`";

    private RequestTarget() {}

    /**
     * A checked target.
     *
     * @param forwarded what the server receives and ACLs see: origin-form, or {@code *}
     * @param authority the authority of an absolute-form target, lower-cased; null for the other forms
     * @param https whether an absolute-form target's scheme is {@code https}
     */
    record Checked(String forwarded, @Nullable String authority, boolean https) {
        /** Whether {@code host} (a {@code Host} value) names this target's authority, default ports omitted. */
        boolean matchesHost(String host) {
            return authority == null
                    || withoutDefaultPort(authority, https)
                            .equals(withoutDefaultPort(host.toLowerCase(Locale.ROOT), https));
        }
    }

    /** Checks {@code target} of a {@code method} request. */
    static Checked check(String method, String target) throws RequestHeadParser.Rejection {
        if (method.equals("CONNECT")) {
            if (target.indexOf('/') < 0 && target.indexOf(':') > 0) {
                throw new RequestHeadParser.Rejection(501, "CONNECT is not supported");
            }
            throw new RequestHeadParser.Rejection(400, "CONNECT target '" + target + "' (expected: host:port)");
        }
        characters(target);
        if (target.equals("*")) {
            if (!method.equals("OPTIONS")) {
                throw new RequestHeadParser.Rejection(400, "'*' target with " + method + " (expected: OPTIONS)");
            }
            return new Checked(target, null, false);
        }
        if (target.charAt(0) == '/') {
            dotSegments(target);
            return new Checked(target, null, false);
        }
        String lower = target.toLowerCase(Locale.ROOT);
        int authorityStart = lower.startsWith("http://") ? 7 : lower.startsWith("https://") ? 8 : -1;
        if (authorityStart < 0) {
            throw new RequestHeadParser.Rejection(
                    400, "request target '" + target + "' (expected: /path, an absolute http URI, or * with OPTIONS)");
        }
        int authorityEnd = authorityStart;
        while (authorityEnd < target.length()
                && target.charAt(authorityEnd) != '/'
                && target.charAt(authorityEnd) != '?') {
            authorityEnd++;
        }
        String authority = lower.substring(authorityStart, authorityEnd);
        if (authority.isEmpty() || authority.indexOf('@') >= 0) {
            throw new RequestHeadParser.Rejection(
                    400, "authority '" + authority + "' in the request target (expected: host[:port], no userinfo)");
        }
        String rest = target.substring(authorityEnd);
        String forwarded = rest.isEmpty() ? "/" : rest.charAt(0) == '?' ? "/" + rest : rest;
        dotSegments(forwarded);
        return new Checked(forwarded, authority, authorityStart == 8);
    }

    private static String withoutDefaultPort(String authority, boolean https) {
        String suffix = https ? ":443" : ":80";
        return authority.endsWith(suffix) ? authority.substring(0, authority.length() - suffix.length()) : authority;
    }

    private static void characters(String target) throws RequestHeadParser.Rejection {
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new RequestHeadParser.Rejection(
                        400, "byte 0x" + Integer.toHexString(c) + " in the request target");
            }
            if (REFUSED.indexOf(c) >= 0) {
                throw new RequestHeadParser.Rejection(
                        400, (c == '#' ? "fragment" : "'" + c + "'") + " in the request target");
            }
            if (c == '%'
                    && (i + 2 >= target.length()
                            || Character.digit(target.charAt(i + 1), 16) < 0
                            || Character.digit(target.charAt(i + 2), 16) < 0)) {
                throw new RequestHeadParser.Rejection(400, "'%' not followed by two hex digits in the request target");
            }
        }
    }

    /** Refuses {@code .} and {@code ..} path segments, also as {@code %2e} and behind {@code %2f} or {@code %5c}. */
    private static void dotSegments(String originForm) throws RequestHeadParser.Rejection {
        int query = originForm.indexOf('?');
        int end = query < 0 ? originForm.length() : query;
        int segmentStart = 0;
        int dots = 0;
        boolean other = false;
        for (int i = 0; i <= end; i++) {
            char c = i < end ? originForm.charAt(i) : '/';
            int step = 1;
            if (c == '%') {
                char high = originForm.charAt(i + 1);
                char low = Character.toLowerCase(originForm.charAt(i + 2));
                c = high == '2' && low == 'e'
                        ? '.'
                        : (high == '2' && low == 'f') || (high == '5' && low == 'c') ? '/' : '%';
                step = 3;
            }
            if (c == '/') {
                if (i > segmentStart && !other && (dots == 1 || dots == 2)) {
                    throw new RequestHeadParser.Rejection(
                            400, "dot segment in the request path '" + originForm.substring(0, end) + "'");
                }
                dots = 0;
                other = false;
                segmentStart = i + step;
            } else if (c == '.') {
                dots++;
            } else {
                other = true;
            }
            i += step - 1;
        }
    }
}
