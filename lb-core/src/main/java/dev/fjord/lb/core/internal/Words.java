package dev.fjord.lb.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * Splits configuration text into words as HAProxy does: on spaces and tabs, with {@code "double"} and
 * {@code 'single'} quotes grouping, and a backslash escaping the next character (outside single quotes).
 */
public final class Words {
    private Words() {}

    /**
     * The words of {@code text}.
     *
     * @throws IllegalArgumentException when a quote is not closed or the text ends with a lone backslash
     */
    public static List<String> split(String text) {
        return split(text, null, false);
    }

    /**
     * The words of a haproxy.cfg line: as {@link #split(String)}, and {@code #} starts a comment outside quotes, and
     * {@code ${NAME}} inside double quotes is replaced by {@code variables.apply(NAME)} when {@code variables} is
     * given.
     *
     * @throws IllegalArgumentException when a quote or <code>${</code> is not closed, or a variable is not set
     */
    public static List<String> split(
            String text, @Nullable Function<String, @Nullable String> variables, boolean hashComments) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\\') {
                if (++i == text.length()) {
                    throw new IllegalArgumentException("'" + text + "' ends with a lone backslash");
                }
                word.append(text.charAt(i));
                inWord = true;
            } else if (quote == '"'
                    && c == '$'
                    && variables != null
                    && i + 1 < text.length()
                    && text.charAt(i + 1) == '{') {
                int close = text.indexOf('}', i);
                if (close < 0) {
                    throw new IllegalArgumentException("unclosed '${' (expected: \"${VAR}\")");
                }
                String name = text.substring(i + 2, close);
                String value = variables.apply(name);
                if (value == null) {
                    throw new IllegalArgumentException("environment variable '" + name + "' is not set");
                }
                word.append(value);
                i = close;
            } else if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (c == '#' && hashComments) {
                break;
            } else if (c == ' ' || c == '\t') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("'" + text + "' has an unclosed " + quote + " quote");
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** {@code word} quoted for display when it contains spaces, quotes or backslashes, else as it is. */
    public static String quote(String word) {
        if (!word.isEmpty()
                && word.chars().noneMatch(c -> c == ' ' || c == '\t' || c == '"' || c == '\'' || c == '\\')) {
            return word;
        }
        return '\'' + word.replace("'", "'\\''") + '\'';
    }
}
