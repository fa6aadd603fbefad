package dev.fjord.lb.core;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.jspecify.annotations.Nullable;

/**
 * HAProxy's {@code replace-header} and {@code replace-value}: a value in which the regular expression finds a match
 * (case-sensitively) is replaced whole by the replacement, where {@code \1} to {@code \9} stand for the groups,
 * {@code \xHH} for a byte and {@code \c} for {@code c}.
 */
final class HeaderRewrite {
    private HeaderRewrite() {}

    /** Compiles {@code regex}, naming {@code context} and the error when it is not a regular expression. */
    static Pattern compile(String context, String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new ConfigException(context + ": regex '" + regex + "' (expected: a regular expression; "
                    + e.getDescription() + " at index " + e.getIndex() + ")");
        }
    }

    /** Checks that {@code replacement} ends with no lone backslash and that its {@code \x} escapes are complete. */
    static String requireReplacement(String context, String replacement) {
        for (int i = 0; i < replacement.length(); i++) {
            if (replacement.charAt(i) != '\\') {
                continue;
            }
            boolean hex = i + 1 < replacement.length() && replacement.charAt(i + 1) == 'x';
            boolean complete = hex
                    ? i + 3 < replacement.length()
                            && isHex(replacement.charAt(i + 2))
                            && isHex(replacement.charAt(i + 3))
                    : i + 1 < replacement.length();
            if (!complete) {
                throw new ConfigException(context + ": replacement '" + replacement
                        + "' has an incomplete escape (expected: \\1-\\9, \\xHH or \\ before a character)");
            }
            i += hex ? 3 : 1;
        }
        return replacement;
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    /** {@code value} replaced when {@code regex} finds a match in it; null when it does not. */
    static @Nullable String replace(Pattern regex, String replacement, String value) {
        Matcher matcher = regex.matcher(value);
        if (!matcher.find()) {
            return null;
        }
        StringBuilder out = new StringBuilder(replacement.length() + 16);
        for (int i = 0; i < replacement.length(); i++) {
            char c = replacement.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char next = replacement.charAt(++i);
            if (next >= '0' && next <= '9') {
                int group = next - '0';
                if (group <= matcher.groupCount() && matcher.start(group) >= 0) {
                    out.append(value, matcher.start(group), matcher.end(group));
                }
            } else if (next == 'x') {
                out.append((char) Integer.parseInt(replacement.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.append(next);
            }
        }
        return out.toString();
    }

    /**
     * {@code header} with each comma-separated value in which {@code regex} finds a match replaced, the whitespace
     * around a replaced value dropped as HAProxy drops it; null when no value matched.
     */
    static @Nullable String replaceValues(Pattern regex, String replacement, String header) {
        String[] items = header.split(",", -1);
        boolean changed = false;
        for (int i = 0; i < items.length; i++) {
            String replaced = replace(regex, replacement, items[i].strip());
            if (replaced != null) {
                items[i] = replaced;
                changed = true;
            }
        }
        return changed ? String.join(",", items) : null;
    }
}
