package dev.fjord.lb.core;

import java.util.List;

import dev.fjord.lb.core.internal.Tokens;

/**
 * A header logged with each request of a frontend ({@code capture request header NAME len LENGTH}, {@code capture
 * response header ...}): the whole value of its last occurrence, truncated to {@code length} characters, empty when
 * absent. The access log writes a frontend's request captures as {@code {v1|v2}}, then its response captures, as
 * HAProxy's {@code %hr} and {@code %hs}.
 *
 * @param name the header's name, case-insensitive
 * @param length the most characters logged, 1 to 65536
 */
public record HeaderCapture(String name, int length) {
    public HeaderCapture {
        if (!Tokens.isToken(name)) {
            throw new ConfigException("capture: header name '" + name + "' (expected: an RFC 9110 field name)");
        }
        Require.range("capture header " + name, "len", length, 1, 65536);
    }

    /** What is logged of {@code values}, the header's values in order. */
    public String of(List<String> values) {
        if (values.isEmpty()) {
            return "";
        }
        String last = values.get(values.size() - 1);
        return last.length() > length ? last.substring(0, length) : last;
    }

    /**
     * The captured {@code values} as the log writes them: between braces, separated by {@code |}, with control
     * characters, non-ASCII bytes and {@code " # { | }} escaped as {@code #XX}, as HAProxy's header encoding does;
     * empty when nothing is captured.
     */
    public static String braces(List<String> values) {
        if (values.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append('|');
            }
            escape(out, values.get(i));
        }
        return out.append('}').toString();
    }

    /** {@code value} with the characters {@link #braces} escapes written {@code #XX}: a captured cookie's log form. */
    public static String escaped(String value) {
        StringBuilder out = new StringBuilder(value.length());
        escape(out, value);
        return out.toString();
    }

    private static void escape(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '#' || c == '{' || c == '|' || c == '}') {
                out.append('#').append(String.format("%02X", c & 0xff));
            } else {
                out.append(c);
            }
        }
    }
}
