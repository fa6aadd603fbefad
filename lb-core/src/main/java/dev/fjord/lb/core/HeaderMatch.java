package dev.fjord.lb.core;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How {@code del-header NAME -m METHOD} matches header names, case-insensitively: the whole name ({@code str}, the
 * default), its beginning, end, a part of it, or a regular expression that finds a match in it.
 */
public enum HeaderMatch {
    STR,
    BEG,
    END,
    SUB,
    REG;

    /** The method as HAProxy writes it after {@code -m}. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The method called {@code keyword} ({@code str}, {@code beg}, {@code end}, {@code sub}, {@code reg}). */
    public static HeaderMatch of(String keyword) {
        for (HeaderMatch match : values()) {
            if (match.keyword().equals(keyword)) {
                return match;
            }
        }
        throw new ConfigException("del-header -m " + keyword + " (expected: str, beg, end, sub or reg)");
    }

    /** Whether header {@code name} matches {@code pattern}; {@code regex} is {@code pattern} compiled, for REG. */
    boolean matches(String name, String pattern, Pattern regex) {
        return switch (this) {
            case STR -> name.equalsIgnoreCase(pattern);
            case BEG -> name.regionMatches(true, 0, pattern, 0, pattern.length());
            case END ->
                name.length() >= pattern.length()
                        && name.regionMatches(true, name.length() - pattern.length(), pattern, 0, pattern.length());
            case SUB -> name.toLowerCase(Locale.ROOT).contains(pattern.toLowerCase(Locale.ROOT));
            case REG -> regex.matcher(name).find();
        };
    }
}
