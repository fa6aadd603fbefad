package dev.fjord.lb.core.haproxy;

import java.util.ArrayList;
import java.util.List;

/**
 * The condition of an {@code .if} or {@code .elif} line: empty (false), an integer (0 is false), a predicate
 * {@code name(ARG,...)}, or these negated with {@code !}, grouped in parentheses and combined with {@code &&} (first)
 * and {@code ||}. Blanks between terms are skipped; inside a predicate's parentheses they belong to the arguments, as
 * in HAProxy. Not thread-safe; evaluated once.
 */
final class ConditionExpression {
    /** Answers a predicate by name and arguments; throws IllegalArgumentException for an unknown one. */
    interface Predicates {
        boolean test(String name, List<String> args);
    }

    private final String text;
    private final Predicates predicates;
    private int at;

    ConditionExpression(String text, Predicates predicates) {
        this.text = text;
        this.predicates = predicates;
    }

    /**
     * The condition's value; every predicate is evaluated.
     *
     * @throws IllegalArgumentException saying what is wrong where
     */
    boolean evaluate() {
        skipBlanks();
        if (at == text.length()) {
            return false;
        }
        boolean value = or();
        skipBlanks();
        if (at < text.length()) {
            throw new IllegalArgumentException("unexpected '" + text.substring(at) + "'");
        }
        return value;
    }

    private boolean or() {
        boolean value = and();
        while (next("||")) {
            value |= and();
        }
        return value;
    }

    private boolean and() {
        boolean value = unary();
        while (next("&&")) {
            value &= unary();
        }
        return value;
    }

    private boolean unary() {
        if (next("!")) {
            return !unary();
        }
        if (next("(")) {
            boolean value = or();
            if (!next(")")) {
                throw new IllegalArgumentException("missing ')'");
            }
            return value;
        }
        return term();
    }

    private boolean term() {
        skipBlanks();
        int start = at;
        while (at < text.length() && isNameChar(text.charAt(at))) {
            at++;
        }
        String word = text.substring(start, at);
        if (word.isEmpty()) {
            throw new IllegalArgumentException(
                    at < text.length() ? "unexpected '" + text.substring(at) + "'" : "a term is missing at the end");
        }
        if (word.chars().allMatch(Character::isDigit)) {
            return !word.chars().allMatch(c -> c == '0');
        }
        if (at >= text.length() || text.charAt(at) != '(') {
            throw new IllegalArgumentException("'" + word + "' (expected: an integer or a predicate NAME(ARGS))");
        }
        int close = text.indexOf(')', at);
        if (close < 0) {
            throw new IllegalArgumentException("'" + word + "(' without ')'");
        }
        String inside = text.substring(at + 1, close);
        at = close + 1;
        List<String> args = new ArrayList<>();
        if (!inside.isEmpty()) {
            args.addAll(List.of(inside.split(",", -1)));
        }
        return predicates.test(word, args);
    }

    private boolean next(String token) {
        skipBlanks();
        if (text.startsWith(token, at)) {
            at += token.length();
            return true;
        }
        return false;
    }

    private void skipBlanks() {
        while (at < text.length() && (text.charAt(at) == ' ' || text.charAt(at) == '\t')) {
            at++;
        }
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
