package dev.fjord.lb.core.internal;

/**
 * RFC 9110 tokens: the syntax of field names, methods and cookie names. A plain loop, as field names are checked per
 * request where rules edit headers. Stateless.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9110#section-5.6.2">RFC 9110 section 5.6.2: tokens</a>
 */
public final class Tokens {
    private static final String DELIMITERS = "\"(),/:;<=>?@[\\]{}";

    private Tokens() {}

    /** Whether {@code text} is one or more visible ASCII characters other than the delimiters. */
    public static boolean isToken(CharSequence text) {
        if (text.length() == 0) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c >= 0x7f || DELIMITERS.indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }
}
