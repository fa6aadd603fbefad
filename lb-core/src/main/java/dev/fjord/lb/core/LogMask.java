package dev.fjord.lb.core;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Masks client addresses in access logs, as HAProxy's {@code %[src,ipmask(24,64)]}: only the network part is kept,
 * so logs can be kept without identifying a person. Immutable.
 *
 * @param ipv4Bits leading bits of IPv4 addresses kept, 0-32 (32 keeps the whole address)
 * @param ipv6Bits leading bits of IPv6 addresses kept, 0-128
 */
public record LogMask(int ipv4Bits, int ipv6Bits) {
    /** Keeps addresses whole. */
    public static final LogMask NONE = new LogMask(32, 128);

    public LogMask {
        Require.range("log mask", "ipv4 bits", ipv4Bits, 0, 32);
        Require.range("log mask", "ipv6 bits", ipv6Bits, 0, 128);
    }

    /** {@code address} with the bits beyond the mask set to zero. */
    public InetAddress apply(InetAddress address) {
        byte[] bytes = address.getAddress();
        int keep = bytes.length == 4 ? ipv4Bits : ipv6Bits;
        if (keep == bytes.length * 8) {
            return address;
        }
        for (int i = 0; i < bytes.length; i++) {
            int bits = Math.max(0, Math.min(8, keep - i * 8));
            bytes[i] &= (byte) (0xff00 >>> bits);
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen: 4 or 16 bytes
        }
    }
}
