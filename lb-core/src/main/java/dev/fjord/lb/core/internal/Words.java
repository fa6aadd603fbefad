package dev.fjord.lb.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * Splits configuration text into words as HAProxy does: on spaces and tabs, with {@code "double"} and
 * {@code 'single'} quotes grouping, and a backslash escaping a space, a quote, {@code #} or a backslash, or making
 * {@code \t}, {@code \n}, {@code \r} or {@code \xHH} (outside single quotes); before another character it stays,
 * as in {@code \1} or {@code \.}.
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
     * {@code ${NAME}}, {@code ${NAME-DEFAULT}} and {@code $NAME} inside double quotes are replaced by
     * {@code variables.apply(NAME)} (DEFAULT when it is null) when {@code variables} is given.
     *
     * @throws IllegalArgumentException when a quote or <code>${</code> is not closed, or a variable is not set
     */
    public static List<String> split(
            String text, @Nullable Function<String, @Nullable String> variables, boolean hashComments) {
        return split(text, variables, hashComments, null);
    }

    /**
     * As {@link #split(String, Function, boolean)}, but a variable that is neither set nor given a default expands to
     * nothing and is passed to {@code unset}, as HAProxy reads it, when {@code unset} is given.
     */
    public static List<String> split(
            String text,
            @Nullable Function<String, @Nullable String> variables,
            boolean hashComments,
            @Nullable Consumer<String> unset) {
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
                i = escape(text, i, word);
                inWord = true;
            } else if (quote == '"' && c == '$' && variables != null && i + 1 < text.length()) {
                i = variable(text, i, variables, unset, word);
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

    /**
     * Appends the value of the variable at {@code text[i]} ({@code $}): {@code ${NAME}}, {@code ${NAME-DEFAULT}}
     * (DEFAULT when NAME is not set) or {@code $NAME} (letters, digits and {@code _}); a {@code $} before anything
     * else stays. Returns the index of the last character used.
     */
    private static int variable(
            String text,
            int i,
            Function<String, @Nullable String> variables,
            @Nullable Consumer<String> unset,
            StringBuilder word) {
        String name;
        String fallback = null;
        int last;
        if (text.charAt(i + 1) == '{') {
            last = text.indexOf('}', i);
            if (last < 0) {
                throw new IllegalArgumentException("unclosed '${' (expected: \"${VAR}\")");
            }
            name = text.substring(i + 2, last);
            int dash = name.indexOf('-');
            if (dash >= 0) {
                fallback = name.substring(dash + 1);
                name = name.substring(0, dash);
            }
        } else {
            last = i;
            while (last + 1 < text.length() && isNameChar(text.charAt(last + 1))) {
                last++;
            }
            if (last == i || Character.isDigit(text.charAt(i + 1))) {
                word.append('$');
                return i;
            }
            name = text.substring(i + 1, last + 1);
        }
        String value = variables.apply(name);
        if (value == null) {
            value = fallback;
        }
        if (value == null && unset != null) {
            unset.accept(name);
            value = "";
        }
        if (value == null) {
            throw new IllegalArgumentException("environment variable '" + name + "' is not set");
        }
        word.append(value);
        return last;
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    /**
     * Appends what the backslash before {@code text[i]} stands for, as HAProxy reads it: the character itself after
     * {@code \\}, a space, {@code #} or a quote; a tab, LF or CR for {@code \\t}, {@code \\n}, {@code \\r}; a byte
     * for {@code \\xHH}; both the backslash and the character otherwise ({@code \\1} and {@code \\.} stay as they are,
     * for regular expressions). Returns the index of the last character used.
     */
    private static int escape(String text, int i, StringBuilder word) {
        char next = text.charAt(i);
        switch (next) {
            case ' ', '\\', '#', '\'', '"' -> word.append(next);
            case 't' -> word.append('\t');
            case 'n' -> word.append('\n');
            case 'r' -> word.append('\r');
            case 'x' -> {
                if (i + 2 < text.length()
                        && Character.digit(text.charAt(i + 1), 16) >= 0
                        && Character.digit(text.charAt(i + 2), 16) >= 0) {
                    word.append((char) Integer.parseInt(text.substring(i + 1, i + 3), 16));
                    return i + 2;
                }
                word.append('\\').append(next);
            }
            default -> word.append('\\').append(next);
        }
        return i;
    }

    /** {@code word} quoted for display when it contains spaces, quotes or backslashes, else as it is. */
    public static String quote(String word) {
        if (!word.isEmpty()
                && word.chars().noneMatch(c -> c == ' ' || c == '\t' || c == '"' || c == '\'' || c == '\\')) {
            return word;
        }
        return '\'' + word.replace("'", "'\\''") + '\'';
    }

    /** The index of the {@code ]} closing the {@code [} at {@code open}, outside parentheses; -1 when none. */
    public static int closingBracket(String format, int open) {
        int depth = 0;
        for (int i = open + 1; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            } else if (c == ']' && depth == 0) {
                return i;
            }
        }
        return -1;
    }
}
