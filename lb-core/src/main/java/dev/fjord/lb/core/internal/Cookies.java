package dev.fjord.lb.core.internal;

import org.jspecify.annotations.Nullable;

/**
 * Parsing of {@code Cookie} request headers (RFC 6265 section 5.4: {@code name=value} pairs separated by {@code ;}).
 */
public final class Cookies {
    private Cookies() {}

    /** The value of the first cookie called {@code name} in one {@code Cookie} header value, or null. */
    public static @Nullable String find(String header, String name) {
        long span = locate(header, name);
        return span < 0 ? null : header.substring((int) (span >>> 32), (int) span);
    }

    /**
     * {@code header} with the value of the first cookie called {@code name} replaced by {@code value}; the header
     * unchanged when it has no such cookie.
     */
    public static String replaceValue(String header, String name, String value) {
        long span = locate(header, name);
        return span < 0 ? header : header.substring(0, (int) (span >>> 32)) + value + header.substring((int) span);
    }

    /** The start and end of the first {@code name} cookie's value as {@code start << 32 | end}, or -1. */
    private static long locate(String header, String name) {
        int length = header.length();
        int start = 0;
        while (start < length) {
            int end = header.indexOf(';', start);
            if (end < 0) {
                end = length;
            }
            int nameStart = skipSpaces(header, start, end);
            int equals = header.indexOf('=', nameStart);
            if (equals > 0 && equals < end) {
                int nameEnd = trimEnd(header, nameStart, equals);
                if (nameEnd - nameStart == name.length() && header.regionMatches(nameStart, name, 0, name.length())) {
                    int valueStart = skipSpaces(header, equals + 1, end);
                    return ((long) valueStart << 32) | trimEnd(header, valueStart, end);
                }
            }
            start = end + 1;
        }
        return -1;
    }

    /**
     * {@code header} without the cookies called {@code name}; null when no cookie is left.
     * Other cookies keep their order and are joined with {@code "; "}.
     */
    public static @Nullable String remove(String header, String name) {
        // the usual case, the cookies kept are one run of the header already joined with "; ": one substring
        int length = header.length();
        int keptStart = -1;
        int keptEnd = -1;
        boolean removedInside = false;
        StringBuilder joined = null; // once the cookies kept are not one run of the header
        int start = 0;
        while (start < length) {
            int end = header.indexOf(';', start);
            if (end < 0) {
                end = length;
            }
            int pairStart = skipSpaces(header, start, end);
            int pairEnd = trimEnd(header, pairStart, end);
            if (pairEnd > pairStart) {
                if (isNamed(header, pairStart, pairEnd, name)) {
                    removedInside |= keptStart >= 0;
                } else if (keptStart < 0) {
                    keptStart = pairStart;
                    keptEnd = pairEnd;
                } else if (joined == null
                        && !removedInside
                        && pairStart == keptEnd + 2
                        && header.startsWith("; ", keptEnd)) {
                    keptEnd = pairEnd;
                } else { // a cookie removed between two kept, or other separators: joined anew
                    if (joined == null) {
                        joined = new StringBuilder(length).append(header, keptStart, keptEnd);
                    }
                    joined.append("; ").append(header, pairStart, pairEnd);
                }
            }
            start = end + 1;
        }
        if (keptStart < 0) {
            return null;
        }
        if (joined != null) {
            return joined.toString();
        }
        return keptStart == 0 && keptEnd == length ? header : header.substring(keptStart, keptEnd);
    }

    /** Whether the pair at {@code [pairStart, pairEnd)} of {@code header} is the cookie {@code name}. */
    private static boolean isNamed(String header, int pairStart, int pairEnd, String name) {
        int equals = header.indexOf('=', pairStart);
        int nameEnd = equals < 0 || equals > pairEnd ? pairEnd : trimEnd(header, pairStart, equals);
        return nameEnd - pairStart == name.length() && header.regionMatches(pairStart, name, 0, name.length());
    }

    private static int skipSpaces(String s, int from, int to) {
        while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
            from++;
        }
        return from;
    }

    private static int trimEnd(String s, int from, int to) {
        while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
            to--;
        }
        return to;
    }
}
