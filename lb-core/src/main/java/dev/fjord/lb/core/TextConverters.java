package dev.fjord.lb.core;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The converters of {@link SampleConverter} that work on text and bytes: {@code field(INDEX,DELIMITERS[,COUNT])},
 * {@code word(INDEX,DELIMITERS[,COUNT])}, {@code length}, {@code url_dec([IN_FORM])}, {@code ltrim(CHARS)},
 * {@code rtrim(CHARS)}, {@code hex}, {@code sha1},
 * {@code sha2([BITS])}, {@code json([ascii|utf8|utf8s|utf8p|utf8ps])}. A digest is binary, a {@code byte[]} sample,
 * which {@code hex} or {@code base64} then print. Stateless.
 */
final class TextConverters {
    /** The names this class converts with. */
    static final java.util.Set<String> NAMES =
            java.util.Set.of("field", "word", "length", "url_dec", "ltrim", "rtrim", "hex", "sha1", "sha2", "json");

    private TextConverters() {}

    /**
     * Checks the arguments of converter {@code words} (its name then its arguments).
     *
     * @throws ConfigException naming the converter of {@code text} and what was expected
     */
    static void check(String text, List<String> words) {
        String name = words.get(0);
        int args = words.size() - 1;
        boolean ok = switch (name) {
            case "length", "hex", "sha1" -> args == 0;
            case "json" ->
                args == 0
                        || (args == 1
                                && List.of("ascii", "utf8", "utf8s", "utf8p", "utf8ps")
                                        .contains(words.get(1)));
            case "url_dec" -> args <= 1 && (args == 0 || isInteger(words.get(1)));
            case "ltrim", "rtrim" -> args == 1 && !words.get(1).isEmpty();
            case "sha2" ->
                args == 0 || (args == 1 && List.of("224", "256", "384", "512").contains(words.get(1)));
            case "field", "word" ->
                (args == 2 || args == 3)
                        && isInteger(words.get(1))
                        && !words.get(1).equals("0")
                        && !words.get(2).isEmpty()
                        && (args == 2
                                || (isInteger(words.get(3)) && !words.get(3).startsWith("-")));
            default -> false;
        };
        if (!ok) {
            String written = args == 0 ? name : name + "(" + String.join(",", words.subList(1, words.size())) + ")";
            throw new ConfigException("sample '" + text + "': " + written + " (expected: "
                    + switch (name) {
                        case "url_dec" -> "url_dec or url_dec(IN_FORM), an integer";
                        case "ltrim", "rtrim" -> name + "(CHARS)";
                        case "sha2" -> "sha2 or sha2(224|256|384|512)";
                        case "json" -> "json or json(ascii|utf8|utf8s|utf8p|utf8ps)";
                        case "field", "word" ->
                            name + "(INDEX,DELIMITERS[,COUNT]), INDEX not 0, from the end when "
                                    + "negative, COUNT 0 or more, 0 for all the rest";
                        default -> name + " without argument";
                    }
                    + ")");
        }
    }

    /** {@code sample} converted by {@code words}; null when it cannot be (bad percent-encoding). */
    static @Nullable Object apply(List<String> words, Object sample) {
        String text = SampleConverter.text(sample);
        return switch (words.get(0)) {
            case "length" -> (long) text.length();
            case "url_dec" -> urlDecode(text, words.size() > 1 && !words.get(1).equals("0"));
            case "ltrim" -> trim(text, words.get(1), true);
            case "rtrim" -> trim(text, words.get(1), false);
            case "field", "word" ->
                cut(
                        text,
                        words.get(0).equals("word"),
                        Integer.parseInt(words.get(1)),
                        words.get(2),
                        words.size() > 3 ? Integer.parseInt(words.get(3)) : 1);
            case "hex" -> HexFormat.of().withUpperCase().formatHex(SampleConverter.bytes(sample));
            case "json" -> json(text, words.size() > 1 && words.get(1).equals("ascii"));
            case "sha1" -> digest("SHA-1", SampleConverter.bytes(sample));
            case "sha2" -> digest("SHA-" + (words.size() > 1 ? words.get(1) : "256"), SampleConverter.bytes(sample));
            default -> throw new IllegalStateException("not a text converter: " + words.get(0));
        };
    }

    private static boolean isInteger(String text) {
        return text.matches("-?[0-9]{1,9}");
    }

    private static @Nullable String urlDecode(String text, boolean form) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        boolean query = form;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length()
                        || Character.digit(text.charAt(i + 1), 16) < 0
                        || Character.digit(text.charAt(i + 2), 16) < 0) {
                    return null; // as HAProxy: a bad encoding gives no sample
                }
                out.write(Character.digit(text.charAt(i + 1), 16) * 16 + Character.digit(text.charAt(i + 2), 16));
                i += 2;
            } else if (c == '+' && query) {
                out.write(' ');
            } else {
                query |= c == '?';
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String trim(String text, String chars, boolean left) {
        int start = 0;
        int end = text.length();
        if (left) {
            while (start < end && chars.indexOf(text.charAt(start)) >= 0) {
                start++;
            }
        } else {
            while (end > start && chars.indexOf(text.charAt(end - 1)) >= 0) {
                end--;
            }
        }
        return text.substring(start, end);
    }

    /**
     * HAProxy's {@code field} and {@code word}: the INDEXth part (1 the first, -1 the last) of the text cut at any of
     * the delimiters, COUNT parts with the delimiters between them (0: to the end); empty past the last part. For
     * {@code word} ({@code words}), runs of delimiters separate one pair of words and empty parts do not count.
     */
    private static String cut(String text, boolean words, int index, String delimiters, int count) {
        List<int[]> parts = new java.util.ArrayList<>();
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || delimiters.indexOf(text.charAt(i)) >= 0) {
                if (!words || i > start) {
                    parts.add(new int[] {start, i});
                }
                start = i + 1;
            }
        }
        int first = index > 0 ? index - 1 : parts.size() + index;
        if (first < 0 || first >= parts.size()) {
            return "";
        }
        int last = count <= 0 ? parts.size() - 1 : Math.min(parts.size() - 1, first + count - 1);
        return text.substring(parts.get(first)[0], parts.get(last)[1]);
    }

    /**
     * {@code json}: the text escaped to sit inside a JSON string ({@code "}, {@code \}, control characters, and with
     * {@code ascii} every non-ASCII character, as a backslash, {@code u} and four hex digits).
     */
    private static String json(String text, boolean ascii) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || (ascii && c > 0x7e)) {
                        out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static byte[] digest(String algorithm, byte[] bytes) {
        try {
            return MessageDigest.getInstance(algorithm).digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every Java platform", e);
        }
    }
}
