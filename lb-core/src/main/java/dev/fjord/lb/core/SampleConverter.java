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
 * One converter of a sample expression, as HAProxy names it: {@code lower}, {@code upper},
 * {@code ipmask(BITS4[,BITS6])} and {@code base64}. Samples are a String, an InetAddress or a Number; a converter
 * that cannot apply to its input gives no sample (null). Immutable and thread-safe.
 */
final class SampleConverter {
    private final String name;
    private final int bits4;
    private final int bits6;

    private SampleConverter(String name, int bits4, int bits6) {
        this.name = name;
        this.bits4 = bits4;
        this.bits6 = bits6;
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
            default ->
                throw new ConfigException("sample '" + text + "': converter '" + name
                        + "' is not supported yet (expected: lower, upper, base64 or ipmask(BITS4[,BITS6]))");
        }
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

    /** {@code sample} converted; null when it cannot be. */
    @Nullable
    Object apply(Object sample) {
        return switch (name) {
            case "lower" -> text(sample).toLowerCase(Locale.ROOT);
            case "upper" -> text(sample).toUpperCase(Locale.ROOT);
            case "base64" -> Base64.getEncoder().encodeToString(bytes(sample));
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
        return sample instanceof InetAddress address ? InetAddresses.toText(address) : sample.toString();
    }

    /** A sample as HAProxy casts it to binary: an address's bytes, an integer's 8 bytes, a string's bytes. */
    private static byte[] bytes(Object sample) {
        if (sample instanceof InetAddress address) {
            return address.getAddress();
        }
        if (sample instanceof Number number) {
            return ByteBuffer.allocate(Long.BYTES).putLong(number.longValue()).array();
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
