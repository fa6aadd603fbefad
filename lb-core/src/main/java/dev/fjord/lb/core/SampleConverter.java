package dev.fjord.lb.core;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.internal.InetAddresses;

/**
 * One converter of a sample expression, as HAProxy names it: {@code lower}, {@code upper}, {@code
 * ipmask(BITS4[,BITS6])}, {@code base64}, {@code regsub(REGEX,SUBST[,FLAGS])} (the first match, or every one with
 * flag {@code g}, replaced by SUBST with {@code \1}... for its groups; flag {@code i} ignores case) and the map
 * converters {@code map(FILE[,DEFAULT])}, {@code map_METHOD[_OUTPUT](FILE[,DEFAULT])} ({@link MapFile}). Samples are a
 * String, an InetAddress or a Number; a converter that cannot apply to its input gives no sample (null). Immutable and
 * thread-safe.
 */
final class SampleConverter {
    private final String name;
    private final int bits4;
    private final int bits6;
    private final java.util.regex.@Nullable Pattern regex;
    /** regsub's substitution in {@link java.util.regex.Matcher#appendReplacement} syntax. */
    private final String replacement;

    private final boolean global;
    /** The map of a {@code map_*} converter; null for the others. */
    private final @Nullable MapFile map;
    /** A {@code map_*} converter's default value, and its output type ({@code str}, {@code int} or {@code ip}). */
    private final @Nullable String fallback;

    private final String output;
    /** A {@link TextConverters} converter's name then arguments; empty for the others. */
    private final List<String> words;

    private SampleConverter(String name, int bits4, int bits6) {
        this(name, bits4, bits6, null, "", false);
    }

    private SampleConverter(List<String> words) {
        this(words.get(0), 0, 0, null, "", false, List.copyOf(words));
    }

    private SampleConverter(MapFile map, @Nullable String fallback, String output) {
        this.name = "map";
        this.bits4 = 0;
        this.bits6 = 0;
        this.regex = null;
        this.replacement = "";
        this.global = false;
        this.map = map;
        this.fallback = fallback;
        this.output = output;
        this.words = List.of();
    }

    private SampleConverter(
            String name,
            int bits4,
            int bits6,
            java.util.regex.@Nullable Pattern regex,
            String replacement,
            boolean global) {
        this(name, bits4, bits6, regex, replacement, global, List.of());
    }

    private SampleConverter(
            String name,
            int bits4,
            int bits6,
            java.util.regex.@Nullable Pattern regex,
            String replacement,
            boolean global,
            List<String> words) {
        this.name = name;
        this.bits4 = bits4;
        this.bits6 = bits6;
        this.regex = regex;
        this.replacement = replacement;
        this.global = global;
        this.map = null;
        this.fallback = null;
        this.output = "str";
        this.words = words;
    }

    /**
     * The converter {@code words} names: its name then its arguments.
     *
     * @throws ConfigException naming the converter of {@code text} that is wrong and what was expected
     */
    static SampleConverter parse(String text, List<String> words) {
        String name = words.get(0);
        switch (name) {
            case "lower", "upper", "base64" -> {
                if (words.size() > 1) {
                    throw new ConfigException("sample '" + text + "': " + name + " takes no argument");
                }
                return new SampleConverter(name, 0, 0);
            }
            case "ipmask" -> {
                if (words.size() < 2 || words.size() > 3) {
                    throw new ConfigException("sample '" + text + "': ipmask takes BITS4[,BITS6]");
                }
                int bits4 = mask(text, words.get(1), 32);
                int bits6 = words.size() == 3 ? mask(text, words.get(2), 128) : 128;
                return new SampleConverter(name, bits4, bits6);
            }
            case "regsub" -> {
                return regsub(text, words);
            }
            default -> {
                if (TextConverters.NAMES.contains(name)) {
                    TextConverters.check(text, words);
                    return new SampleConverter(words);
                }
                if (name.equals("map") || name.startsWith("map_")) {
                    return map(text, words);
                }
            }
        }
        throw new ConfigException("sample '" + text + "': converter '" + name + "' is not supported yet "
                + "(expected: lower, upper, base64, ipmask(BITS4[,BITS6]), regsub(REGEX,SUBST[,FLAGS]), "
                + "field(INDEX,DELIMITERS[,COUNT]), word(INDEX,DELIMITERS[,COUNT]), length, url_dec, ltrim(CHARS), "
                + "rtrim(CHARS), hex, sha1, sha2([BITS]), json or "
                + "map[_str|_beg|_end|_sub|_dir|_dom|_reg|_int|_ip][_str|_int|_ip](FILE[,DEFAULT]))");
    }

    /** {@code map(FILE[,DEFAULT])} and {@code map_<method>[_<output>](FILE[,DEFAULT])}: the file read now. */
    private static SampleConverter map(String text, List<String> words) {
        String[] parts = words.get(0).split("_", -1);
        String method = parts.length > 1 ? parts[1] : "str";
        String output = parts.length > 2 ? parts[2] : "str";
        Acl.Match match = MapFile.METHODS.stream()
                .filter(m -> m.keyword.equals(method))
                .findFirst()
                .orElse(null);
        if (match == null || parts.length > 3 || !List.of("str", "int", "ip").contains(output)) {
            throw new ConfigException("sample '" + text + "': converter '" + words.get(0) + "' (expected: map or "
                    + "map_METHOD[_OUTPUT], METHOD one of str, beg, end, sub, dir, dom, reg, int, ip, OUTPUT one of "
                    + "str, int, ip)");
        }
        if (words.size() < 2 || words.size() > 3 || words.get(1).isEmpty()) {
            throw new ConfigException("sample '" + text + "': " + words.get(0) + " takes FILE[,DEFAULT]");
        }
        return new SampleConverter(
                MapFile.read("sample '" + text + "'", words.get(1), match),
                words.size() == 3 ? words.get(2) : null,
                output);
    }

    private static SampleConverter regsub(String text, List<String> words) {
        if (words.size() < 3 || words.size() > 4) {
            throw new ConfigException("sample '" + text + "': regsub takes REGEX,SUBST[,FLAGS]");
        }
        String flags = words.size() == 4 ? words.get(3) : "";
        if (!flags.chars().allMatch(c -> c == 'g' || c == 'i')) {
            throw new ConfigException("sample '" + text + "': regsub flags '" + flags + "' (expected: g, i)");
        }
        java.util.regex.Pattern regex;
        try {
            regex = java.util.regex.Pattern.compile(
                    words.get(1), flags.indexOf('i') >= 0 ? java.util.regex.Pattern.CASE_INSENSITIVE : 0);
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new ConfigException("sample '" + text + "': regsub regex '" + words.get(1)
                    + "' (expected: a regular expression; " + e.getDescription() + ")");
        }
        StringBuilder replacement = new StringBuilder();
        String subst = words.get(2);
        for (int i = 0; i < subst.length(); i++) {
            char c = subst.charAt(i);
            if (c == '\\' && i + 1 < subst.length() && Character.isDigit(subst.charAt(i + 1))) {
                replacement.append('$').append(subst.charAt(++i)); // \1: the first group
            } else {
                replacement.append(c == '$' || c == '\\' ? "\\" + c : String.valueOf(c));
            }
        }
        return new SampleConverter("regsub", 0, 0, regex, replacement.toString(), flags.indexOf('g') >= 0);
    }

    private static int mask(String text, String bits, int max) {
        try {
            int n = Integer.parseInt(bits);
            if (n >= 0 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException("sample '" + text + "': ipmask '" + bits + "' (expected: 0 to " + max + " bits)");
    }

    /** A map's value as its output type says: the text, an integer, an address; null when it is not one. */
    private @Nullable Object typed(@Nullable String value) {
        if (value == null || output.equals("str")) {
            return value;
        }
        if (output.equals("ip")) {
            return address(value);
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {@code sample} converted; null when it cannot be. */
    @Nullable
    Object apply(Object sample) {
        if (!words.isEmpty()) {
            return TextConverters.apply(words, sample);
        }
        return switch (name) {
            case "lower" -> text(sample).toLowerCase(Locale.ROOT);
            case "upper" -> text(sample).toUpperCase(Locale.ROOT);
            case "base64" -> Base64.getEncoder().encodeToString(bytes(sample));
            case "regsub" -> {
                java.util.regex.Matcher matcher =
                        java.util.Objects.requireNonNull(regex, "regex").matcher(text(sample));
                try {
                    yield global ? matcher.replaceAll(replacement) : matcher.replaceFirst(replacement);
                } catch (IndexOutOfBoundsException e) {
                    yield null; // a group the regex does not have
                }
            }
            case "map" -> {
                String value = java.util.Objects.requireNonNull(map, "map").lookup(sample);
                yield typed(value != null ? value : fallback);
            }
            default -> ipmask(sample);
        };
    }

    private @Nullable InetAddress ipmask(Object sample) {
        InetAddress address = sample instanceof InetAddress a ? a : address(text(sample));
        if (address == null) {
            return null;
        }
        byte[] bytes = address.getAddress();
        int bits = bytes.length == 4 ? bits4 : bits6;
        for (int i = 0; i < bytes.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - 8 * i));
            bytes[i] &= (byte) (0xff00 >>> keep);
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A sample as text: an address as its literal, a number in decimal. */
    static String text(Object sample) {
        if (sample instanceof byte[] binary) {
            return new String(binary, StandardCharsets.ISO_8859_1); // a digest: its bytes, as HAProxy casts them
        }
        return sample instanceof InetAddress address ? InetAddresses.toText(address) : sample.toString();
    }

    /** A sample as HAProxy casts it to binary: an address's bytes, an integer's 8 bytes, a string's bytes. */
    static byte[] bytes(Object sample) {
        if (sample instanceof InetAddress address) {
            return address.getAddress();
        }
        if (sample instanceof Number number) {
            return ByteBuffer.allocate(Long.BYTES).putLong(number.longValue()).array();
        }
        if (sample instanceof byte[] binary) {
            return binary;
        }
        return sample.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** An address as RFC 7239 writes it, an IPv4 one optionally followed by {@code :port}; null when not one. */
    static @Nullable InetAddress address(@Nullable String value) {
        if (value == null) {
            return null;
        }
        String text = value;
        int colon = text.indexOf(':');
        if (colon > 0 && text.indexOf(':', colon + 1) < 0 && text.indexOf('.') > 0) {
            text = text.substring(0, colon); // 192.0.2.1:8080
        }
        return InetAddresses.isLiteral(text) ? InetAddresses.parseLiteral(text) : null;
    }

    @Override
    public String toString() {
        return name;
    }
}
