package dev.fjord.lb.core.haproxy;

import java.util.List;

import org.jspecify.annotations.Nullable;

/** Reads the variable actions of {@code http-request} and {@code http-response} lines. Stateless. */
final class Variables {
    private Variables() {}

    /** A {@code set-var(NAME) EXPR}, {@code set-var-fmt(NAME) FORMAT} or {@code unset-var(NAME)} action. */
    record Action(String name, String value, boolean format, boolean unset) {}

    /** The variable action {@code words} (the action and its arguments) say; null when it is another action. */
    static @Nullable Action action(List<String> words) {
        String word = words.isEmpty() ? "" : words.get(0);
        String kind;
        if (word.startsWith("set-var(")) {
            kind = "set-var";
        } else if (word.startsWith("set-var-fmt(")) {
            kind = "set-var-fmt";
        } else if (word.startsWith("unset-var(")) {
            kind = "unset-var";
        } else {
            return null;
        }
        if (!word.endsWith(")")) {
            throw new IllegalArgumentException("'" + word + "' (expected: " + kind + "(NAME))");
        }
        String name = word.substring(kind.length() + 1, word.length() - 1);
        if (name.contains(",")) {
            throw new IllegalArgumentException("'" + word + "': conditions on " + kind
                    + " (ifexists, ifnotempty...) are " + "not supported yet (expected: " + kind + "(NAME))");
        }
        if (kind.equals("unset-var")) {
            if (words.size() != 1) {
                throw new IllegalArgumentException("expected: unset-var(NAME) and no value");
            }
            return new Action(name, "", false, true);
        }
        if (words.size() != 2) {
            throw new IllegalArgumentException("expected: " + kind + "(NAME) "
                    + (kind.equals("set-var") ? "EXPRESSION (one word: FETCH,CONVERTER...)" : "\"FORMAT\""));
        }
        return new Action(name, words.get(1), kind.equals("set-var-fmt"), false);
    }
}
