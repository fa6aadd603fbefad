package dev.fjord.lb.core.internal;

/**
 * RFC 9110 tokens: the syntax of field names, methods and cookie names. A plain loop, as field names are checked per
 * request where rules edit headers. Stateless.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9110#section-5.6.2">RFC 9110 section 5.6.2: tokens</a>
 */
public final class Tokens {
    private static final String DELIMITERS = "\"(),/:;<=>?@[\\]{}";
    /** Bit {@code c} set for each token character {@code c} below 64, then 64 to 127: two words, no search. */
    private static final long LOW = mask(0);

    private static final long HIGH = mask(64);

    private Tokens() {}

    /** Whether {@code text} is one or more visible ASCII characters other than the delimiters. */
    public static boolean isToken(String text) { // the usual case: a String's chars read directly, no interface call
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (!isTokenChar(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code text} is one or more visible ASCII characters other than the delimiters. */
    public static boolean isToken(CharSequence text) {
        if (text.length() == 0) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (!isTokenChar(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code c} may be part of a token. */
    public static boolean isTokenChar(char c) {
        return c < 64 ? (LOW & (1L << c)) != 0 : c < 128 && (HIGH & (1L << (c - 64))) != 0;
    }

    private static long mask(int from) {
        long bits = 0;
        for (int c = Math.max(from, '!'); c < from + 64 && c < 0x7f; c++) {
            if (DELIMITERS.indexOf(c) < 0) {
                bits |= 1L << (c - from);
            }
        }
        return bits;
    }
}
