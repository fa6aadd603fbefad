package dev.fjord.lb.core.haproxy;

import java.time.Duration;

import dev.fjord.lb.core.haproxy.Lines.Line;

/** HAProxy's value syntaxes: times ({@code 10s}, {@code 100ms}, bare milliseconds) and sizes ({@code 200k}). */
final class Values {
    private Values() {}

    /**
     * A time: digits then {@code us}, {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}; milliseconds when
     * there is no unit.
     *
     * @throws IllegalArgumentException naming the text and the expected form
     */
    static Duration time(String text) {
        int end = 0;
        while (end < text.length() && Character.isDigit(text.charAt(end))) {
            end++;
        }
        if (end == 0 || end > 12) {
            throw invalidTime(text);
        }
        long amount = Long.parseLong(text.substring(0, end));
        return switch (text.substring(end)) {
            case "", "ms" -> Duration.ofMillis(amount);
            case "us" -> Duration.ofNanos(amount * 1000);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> throw invalidTime(text);
        };
    }

    /** The time in word {@code index} of {@code line}. */
    static Duration time(Line line, int index) {
        if (index >= line.size()) {
            throw new IllegalArgumentException("missing time (expected: e.g. 10s)");
        }
        return time(line.arg(index));
    }

    private static IllegalArgumentException invalidTime(String text) {
        return new IllegalArgumentException("'" + text + "' (expected: a time such as 100ms, 10s or 1m)");
    }

    /** A size: digits then an optional {@code k}, {@code m} or {@code g} (powers of 1024). */
    static long size(String text) {
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        long factor = 1;
        String digits = lower;
        if (lower.endsWith("k") || lower.endsWith("m") || lower.endsWith("g")) {
            factor = lower.endsWith("k") ? 1024 : lower.endsWith("m") ? 1024 * 1024 : 1024L * 1024 * 1024;
            digits = lower.substring(0, lower.length() - 1);
        }
        if (digits.isEmpty() || digits.length() > 12 || !digits.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("'" + text + "' (expected: a size such as 1000, 200k or 1m)");
        }
        return Long.parseLong(digits) * factor;
    }

    /** A whole number. */
    static int integer(String text) {
        if (text.isEmpty() || text.length() > 9 || !text.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("'" + text + "' (expected: a whole number)");
        }
        return Integer.parseInt(text);
    }

    /** A whole number, perhaps negative ({@code pool-max-conn -1}). */
    static int signedInteger(String text) {
        return text.startsWith("-") ? -integer(text.substring(1)) : integer(text);
    }
}
