package dev.fjord.lb.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Validates configuration values as builders receive them, throwing {@link ConfigException} as
 * {@code context: keyword value (expected: rule)}, e.g. {@code backend 'app': server 'web1': weight 300 (expected:
 * 0-256)}. Each method returns the value it accepted.
 */
final class Require {
    private Require() {}

    static int range(String context, String keyword, int value, int min, int max) {
        if (value < min || value > max) {
            throw new ConfigException(prefix(context) + keyword + ' ' + value + " (expected: " + min + '-' + max + ')');
        }
        return value;
    }

    /** A {@code :}-separated list of names (ciphers, suites, curves): not blank, printable, no spaces. */
    static String nameList(String context, String keyword, String list) {
        Objects.requireNonNull(list, keyword);
        if (list.isBlank() || list.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
            throw new ConfigException(
                    prefix(context) + keyword + " '" + list + "' (expected: names separated by ':', without spaces)");
        }
        return list;
    }

    static int atLeast(String context, String keyword, int value, int min) {
        if (value < min) {
            throw new ConfigException(prefix(context) + keyword + ' ' + value + " (expected: >= " + min + ')');
        }
        return value;
    }

    static Duration positive(String context, String keyword, Duration value) {
        Objects.requireNonNull(value, keyword);
        if (value.isNegative() || value.isZero()) {
            throw new ConfigException(prefix(context) + keyword + ' ' + value + " (expected: > 0)");
        }
        return value;
    }

    static Duration notNegative(String context, String keyword, Duration value) {
        Objects.requireNonNull(value, keyword);
        if (value.isNegative()) {
            throw new ConfigException(prefix(context) + keyword + ' ' + value + " (expected: >= 0)");
        }
        return value;
    }

    static String name(String context, String what, String name) {
        Objects.requireNonNull(name, what);
        if (name.isEmpty() || !name.chars().allMatch(Require::isNameChar)) {
            throw new ConfigException(
                    prefix(context) + what + " '" + name + "' (expected: letters, digits, '-', '_', '.' and ':')");
        }
        return name;
    }

    /** A server's persistence cookie value: what HAProxy's cookie rewriting can carry. */
    static String cookieValue(String context, String value) {
        Objects.requireNonNull(value, "cookie");
        if (value.isEmpty()
                || value.chars()
                        .anyMatch(c -> c <= ' ' || c >= 0x7f || c == ';' || c == ',' || c == '"' || c == '\\'
                                || c == '|' || c == '~')) {
            throw new ConfigException(prefix(context) + "cookie '" + value
                    + "' (expected: a non-empty cookie value without spaces, quotes, ';', ',', '\\', '|' or '~')");
        }
        return value;
    }

    /** An IP address or host name, without spaces. */
    static String host(String context, String keyword, String address) {
        Objects.requireNonNull(address, keyword);
        if (address.isEmpty() || address.chars().anyMatch(c -> c <= ' ')) {
            throw new ConfigException(
                    prefix(context) + keyword + " '" + address + "' (expected: an IP address or host name)");
        }
        return address;
    }

    static String prefix(String context) {
        return context.isEmpty() ? "" : context + ": ";
    }

    /** HAProxy's rule for proxy, server and ACL names. */
    private static boolean isNameChar(int c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '_'
                || c == '.'
                || c == ':';
    }
}
