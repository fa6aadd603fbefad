package dev.fjord.lb.core.internal;

import java.net.InetAddress;

/**
 * An IPv4 or IPv6 network: an address and a prefix length, parsed from {@code 10.0.0.0/8},
 * {@code 10.0.0.0/255.0.0.0}, {@code 2001:db8::/32} or a single address. Immutable and thread-safe.
 */
public final class IpNetwork {
    private final byte[] network;
    private final int prefix;
    private final String text;

    private IpNetwork(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /**
     * Parses a network or a single address.
     *
     * @throws IllegalArgumentException when {@code text} is neither
     */
    public static IpNetwork parse(String text) {
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes;
        try {
            bytes = InetAddresses.parseLiteral(host).getAddress();
        } catch (IllegalArgumentException e) {
            throw invalid(text);
        }
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String length = text.substring(slash + 1);
            if (length.chars().allMatch(c -> c >= '0' && c <= '9') && !length.isEmpty() && length.length() <= 3) {
                prefix = Integer.parseInt(length);
            } else if (bytes.length == 4 && InetAddresses.isLiteral(length) && length.indexOf(':') < 0) {
                prefix = maskLength(InetAddresses.parseLiteral(length).getAddress(), text);
            } else {
                throw invalid(text);
            }
            if (prefix > bits) {
                throw invalid(text);
            }
        }
        byte[] network = bytes.clone();
        for (int i = 0; i < network.length; i++) {
            network[i] &= mask(prefix, i);
        }
        return new IpNetwork(network, prefix, text);
    }

    /** Whether {@code address} is inside this network (an IPv4 network never contains an IPv6 address). */
    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != network.length) {
            return false;
        }
        for (int i = 0; i < bytes.length && i * 8 < prefix; i++) {
            if ((bytes[i] & mask(prefix, i)) != network[i]) {
                return false;
            }
        }
        return true;
    }

    /** The network's prefix length: 32 (IPv4) or 128 (IPv6) for a single address. */
    public int prefix() {
        return prefix;
    }

    /** Whether this is an IPv4 network. */
    public boolean isIpv4() {
        return network.length == 4;
    }

    private static byte mask(int prefix, int byteIndex) {
        int bits = Math.max(0, Math.min(8, prefix - byteIndex * 8));
        return (byte) (0xff00 >>> bits);
    }

    private static int maskLength(byte[] mask, String text) {
        int value = ((mask[0] & 0xff) << 24) | ((mask[1] & 0xff) << 16) | ((mask[2] & 0xff) << 8) | (mask[3] & 0xff);
        int length = Integer.bitCount(value);
        if (value != (length == 0 ? 0 : -1 << (32 - length))) {
            throw invalid(text);
        }
        return length;
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("'" + text + "' (expected: an IPv4 or IPv6 address or CIDR network)");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpNetwork other
                && prefix == other.prefix
                && java.util.Arrays.equals(network, other.network);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(network) * 31 + prefix;
    }

    /** The text it was parsed from. */
    @Override
    public String toString() {
        return text;
    }
}
