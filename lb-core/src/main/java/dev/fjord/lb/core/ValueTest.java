package dev.fjord.lb.core;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.Acl.Match;
import dev.fjord.lb.core.internal.InetAddresses;
import dev.fjord.lb.core.internal.IpNetwork;

/**
 * The pattern half of an {@link AclMatcher}: tests one fetched value against an ACL's patterns under its match
 * method ({@code -m str|beg|end|sub|dir|reg|int|ip|bin|found|bool}). Patterns are parsed once, at compile time, and
 * a bad one fails there with the criterion, the pattern and what was expected. Immutable and thread-safe.
 */
@FunctionalInterface
interface ValueTest {

    /** Whether {@code value} matches; a null value (nothing fetched) never matches. */
    boolean test(@Nullable Object value);

    /** The test of {@code acl}'s patterns under its match method, patterns parsed once. */
    static ValueTest of(Acl acl) {
        List<String> patterns = acl.patterns();
        boolean ignoreCase = acl.isIgnoreCase();
        String criterion = acl.displayName();
        return switch (acl.match()) {
            case FOUND -> value -> value != null;
            case BOOL -> value -> value instanceof Number n ? n.longValue() != 0 : value != null;
            case INT -> {
                long[] ranges = ranges(criterion, patterns, acl.fetch() == AclFetch.SSL_VER);
                yield value -> value != null && inRanges(ranges, value);
            }
            case IP -> {
                IpNetwork[] networks = networks(criterion, patterns);
                yield value -> value != null && inNetworks(networks, value);
            }
            case BIN -> {
                byte[][] binaries = binaries(criterion, patterns);
                yield value -> value != null && anyEqual(binaries, value);
            }
            case REG -> {
                Pattern[] regexes = regexes(criterion, patterns, ignoreCase);
                yield value -> {
                    if (value == null) {
                        return false;
                    }
                    for (Pattern regex : regexes) {
                        if (regex.matcher(value.toString()).find()) {
                            return true;
                        }
                    }
                    return false;
                };
            }
            case STR, BEG, END, SUB, DIR, DOM -> {
                String[] texts = patterns.toArray(new String[0]);
                Match match = acl.match();
                yield value -> {
                    if (value == null) {
                        return false;
                    }
                    String text = value.toString();
                    for (String pattern : texts) {
                        if (matches(match, text, pattern, ignoreCase)) {
                            return true;
                        }
                    }
                    return false;
                };
            }
        };
    }

    static boolean matches(Match match, String value, String pattern, boolean ignoreCase) {
        int vl = value.length();
        int pl = pattern.length();
        return switch (match) {
            case STR -> ignoreCase ? value.equalsIgnoreCase(pattern) : value.equals(pattern);
            case BEG -> value.regionMatches(ignoreCase, 0, pattern, 0, pl);
            case END -> vl >= pl && value.regionMatches(ignoreCase, vl - pl, pattern, 0, pl);
            case SUB -> indexOf(value, pattern, 0, ignoreCase) >= 0;
            case DIR -> containsWord(value, pattern, ignoreCase, "/?");
            case DOM -> containsWord(value, pattern, ignoreCase, "/?.:");
            default -> throw new AssertionError(match);
        };
    }

    private static int indexOf(String value, String pattern, int from, boolean ignoreCase) {
        if (!ignoreCase) {
            return value.indexOf(pattern, from);
        }
        for (int i = from, last = value.length() - pattern.length(); i <= last; i++) {
            if (value.regionMatches(true, i, pattern, 0, pattern.length())) {
                return i;
            }
        }
        return -1;
    }

    /**
     * HAProxy's {@code -m dir} and {@code -m dom}: the pattern, without the delimiters it starts or ends with, occurs
     * delimited by one of {@code delimiters} or the ends of the value.
     */
    private static boolean containsWord(String value, String pattern, boolean ignoreCase, String delimiters) {
        String trimmed = trim(pattern, delimiters);
        if (trimmed.isEmpty()) {
            return value.isEmpty() || value.chars().anyMatch(c -> delimiters.indexOf(c) >= 0);
        }
        for (int i = indexOf(value, trimmed, 0, ignoreCase); i >= 0; i = indexOf(value, trimmed, i + 1, ignoreCase)) {
            int end = i + trimmed.length();
            if ((i == 0 || delimiters.indexOf(value.charAt(i - 1)) >= 0)
                    && (end == value.length() || delimiters.indexOf(value.charAt(end)) >= 0)) {
                return true;
            }
        }
        return false;
    }

    private static String trim(String pattern, String delimiters) {
        int start = 0;
        int end = pattern.length();
        while (start < end && delimiters.indexOf(pattern.charAt(start)) >= 0) {
            start++;
        }
        while (end > start && delimiters.indexOf(pattern.charAt(end - 1)) >= 0) {
            end--;
        }
        return pattern.substring(start, end);
    }

    private static Pattern[] regexes(String criterion, List<String> patterns, boolean ignoreCase) {
        Pattern[] regexes = new Pattern[patterns.size()];
        for (int i = 0; i < regexes.length; i++) {
            try {
                regexes[i] = Pattern.compile(patterns.get(i), ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
            } catch (PatternSyntaxException e) {
                throw new ConfigException(
                        criterion + ": pattern '" + patterns.get(i) + "' (expected: a regular expression; "
                                + e.getDescription() + " at index " + e.getIndex() + ")");
            }
        }
        return regexes;
    }

    private static IpNetwork[] networks(String criterion, List<String> patterns) {
        IpNetwork[] networks = new IpNetwork[patterns.size()];
        for (int i = 0; i < networks.length; i++) {
            try {
                networks[i] = IpNetwork.parse(patterns.get(i));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(criterion + ": pattern " + e.getMessage());
            }
        }
        return networks;
    }

    private static boolean inNetworks(IpNetwork[] networks, Object value) {
        InetAddress address;
        if (value instanceof InetAddress inet) {
            address = inet;
        } else if (InetAddresses.isLiteral(value.toString())) {
            address = InetAddresses.parseLiteral(value.toString());
        } else {
            return false;
        }
        for (IpNetwork network : networks) {
            if (network.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** {@code -m bin} patterns: hexadecimal digits, two per byte. */
    private static byte[][] binaries(String criterion, List<String> patterns) {
        byte[][] binaries = new byte[patterns.size()][];
        for (int i = 0; i < binaries.length; i++) {
            try {
                binaries[i] = java.util.HexFormat.of().parseHex(patterns.get(i));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(criterion + ": pattern '" + patterns.get(i)
                        + "' (expected: hexadecimal digits, two per byte, e.g. 160301)");
            }
        }
        return binaries;
    }

    private static boolean anyEqual(byte[][] binaries, Object value) {
        byte[] bytes = value instanceof ContentSample.Bytes b
                ? b.bytes()
                : value.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        for (byte[] binary : binaries) {
            if (java.util.Arrays.equals(binary, bytes)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Integer patterns as {@code [low0, high0, low1, high1, ...]}, inclusive; {@code dotted}: versions as
     * {@code req.ssl_ver} reads them, {@code MAJOR.MINOR} for {@code (MAJOR << 16) | MINOR}, ranges also with
     * {@code -}.
     */
    private static long[] ranges(String criterion, List<String> patterns, boolean dotted) {
        List<long[]> ranges = new ArrayList<>();
        List<String> words = new ArrayList<>();
        patterns.forEach(pattern -> words.addAll(List.of(pattern.strip().split("\\s+"))));
        for (int i = 0; i < words.size(); i++) {
            String pattern = words.get(i);
            String operator = pattern.toLowerCase(Locale.ROOT);
            if (operator.matches("eq|ge|gt|le|lt") && i + 1 < words.size()) {
                long n = number(criterion, dotted, words.get(++i));
                ranges.add(
                        switch (operator) {
                            case "eq" -> new long[] {n, n};
                            case "ge" -> new long[] {n, Long.MAX_VALUE};
                            case "gt" -> new long[] {n + 1, Long.MAX_VALUE};
                            case "le" -> new long[] {Long.MIN_VALUE, n};
                            default -> new long[] {Long.MIN_VALUE, n - 1};
                        });
            } else {
                int colon = pattern.indexOf(':');
                if (colon < 0 && dotted) {
                    colon = pattern.indexOf('-');
                }
                if (colon < 0) {
                    long n = number(criterion, dotted, pattern);
                    ranges.add(new long[] {n, n});
                } else {
                    String low = pattern.substring(0, colon);
                    String high = pattern.substring(colon + 1);
                    ranges.add(new long[] {
                        low.isEmpty() ? Long.MIN_VALUE : number(criterion, dotted, low),
                        high.isEmpty() ? Long.MAX_VALUE : number(criterion, dotted, high)
                    });
                }
            }
        }
        long[] flat = new long[ranges.size() * 2];
        for (int i = 0; i < ranges.size(); i++) {
            flat[2 * i] = ranges.get(i)[0];
            flat[2 * i + 1] = ranges.get(i)[1];
        }
        return flat;
    }

    private static long number(String criterion, boolean dotted, String text) {
        return dotted ? version(criterion, text) : integer(criterion, text);
    }

    /** HAProxy's {@code strl2llrc_dotted}: {@code 3.1} is {@code (3 << 16) | 1}, {@code 3} is {@code 3 << 16}. */
    private static long version(String criterion, String text) {
        int dot = text.indexOf('.');
        try {
            long major = Long.parseLong(dot < 0 ? text : text.substring(0, dot));
            long minor = dot < 0 ? 0 : Long.parseLong(text.substring(dot + 1));
            if (major >= 0 && major < 65536 && minor >= 0 && minor < 65536) {
                return (major << 16) | minor;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(criterion + ": pattern '" + text
                + "' (expected: a version MAJOR.MINOR such as 3.3, a range 3.1:3.3, or eq|ge|gt|le|lt 3.1)");
    }

    private static long integer(String criterion, String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new ConfigException(
                    criterion + ": pattern '" + text + "' (expected: an integer, a range A:B, or eq|ge|gt|le|lt N)");
        }
    }

    private static boolean inRanges(long[] ranges, Object value) {
        long n;
        if (value instanceof Number number) {
            n = number.longValue();
        } else {
            try {
                n = Long.parseLong(value.toString().strip());
            } catch (NumberFormatException e) {
                return false;
            }
        }
        for (int i = 0; i < ranges.length; i += 2) {
            if (n >= ranges[i] && n <= ranges[i + 1]) {
                return true;
            }
        }
        return false;
    }
}
