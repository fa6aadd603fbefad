package dev.fjord.lb.vrrp.internal;

import java.nio.charset.StandardCharsets;

/** Linux's {@code struct ifreq} for the SIOCGIF* ioctls: the interface name, then 24 bytes the call fills in. */
public final class Ifreq {
    /** Offset of the union the kernel fills (flags, index, hardware address). */
    public static final int DATA = 16;

    private Ifreq() {}

    /** A request naming {@code interfaceName} (cut to IFNAMSIZ - 1 = 15 bytes, NUL-terminated). */
    public static byte[] named(String interfaceName) {
        byte[] request = new byte[40];
        byte[] name = interfaceName.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, request, 0, Math.min(name.length, 15));
        return request;
    }
}
