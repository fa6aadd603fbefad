package dev.fjord.lb.core;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.internal.InetAddresses;

/**
 * Turns fetched samples into the keys of a table's type, as HAProxy casts them ({@code src} into an {@code ip}
 * table, a header into a {@code string} one), and keys into the text {@code show table} prints. Keys are small:
 * an {@link Ipv4Key} for {@code ip}, an {@link Ipv6Key} for {@code ipv6}, a Long for {@code integer}, a String for
 * {@code string}. Stateless.
 */
final class StickKeys {
    private StickKeys() {}

    /** An IPv4 key: the address's 32 bits. */
    record Ipv4Key(int address) {
        static Ipv4Key of(byte[] four) {
            return new Ipv4Key(
                    ((four[0] & 0xff) << 24) | ((four[1] & 0xff) << 16) | ((four[2] & 0xff) << 8) | (four[3] & 0xff));
        }

        @Override
        public String toString() {
            return dotted(address);
        }
    }

    /** An IPv6 key: the address's 128 bits. */
    record Ipv6Key(long high, long low) {
        static Ipv6Key of(byte[] sixteen) {
            long high = 0;
            long low = 0;
            for (int i = 0; i < 8; i++) {
                high = (high << 8) | (sixteen[i] & 0xff);
                low = (low << 8) | (sixteen[i + 8] & 0xff);
            }
            return new Ipv6Key(high, low);
        }

        /** As {@code inet_ntop} writes it: the longest zero run as {@code ::}, IPv4-mapped in dotted form. */
        @Override
        public String toString() {
            int[] words = new int[8];
            for (int i = 0; i < 4; i++) {
                words[i] = (int) (high >>> (48 - 16 * i)) & 0xffff;
                words[i + 4] = (int) (low >>> (48 - 16 * i)) & 0xffff;
            }
            if (high == 0 && (low >>> 32) == 0xffffL) {
                return "::ffff:" + dotted((int) low);
            }
            if (high == 0 && (low >>> 32) == 0 && (low & 0xffff_0000L) != 0) {
                return "::" + dotted((int) low);
            }
            byte[] bytes = new byte[16];
            for (int i = 0; i < 8; i++) {
                bytes[2 * i] = (byte) (words[i] >>> 8);
                bytes[2 * i + 1] = (byte) words[i];
            }
            try {
                return InetAddresses.toText(Inet6Address.getByAddress(null, bytes, -1));
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static String dotted(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xff) + '.' + ((address >>> 8) & 0xff) + '.'
                + (address & 0xff);
    }

    /** {@code sample} as a key of {@code table}'s type; null when it cannot be one (HAProxy then skips the rule). */
    static @Nullable Object key(StickTable table, @Nullable Object sample) {
        if (sample == null) {
            return null;
        }
        return switch (table.type()) {
            case IP -> ipv4(sample);
            case IPV6 -> ipv6(sample);
            case INTEGER -> integer(sample);
            case STRING -> {
                String text = sample instanceof InetAddress address ? InetAddresses.toText(address) : sample.toString();
                yield text.length() > table.keyLength() ? text.substring(0, table.keyLength()) : text;
            }
        };
    }

    private static @Nullable Object ipv4(Object sample) {
        InetAddress address = address(sample);
        if (address instanceof Inet4Address) {
            return Ipv4Key.of(address.getAddress());
        }
        if (address == null) {
            return null;
        }
        byte[] b = address.getAddress(); // IPv4-mapped (::ffff:a.b.c.d) or 6to4 (2002:AABB:CCDD::/48), as HAProxy
        boolean mapped = true;
        for (int i = 0; i < 10; i++) {
            mapped &= b[i] == 0;
        }
        mapped &= (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        byte[] v4 = mapped
                ? new byte[] {b[12], b[13], b[14], b[15]}
                : (b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02 ? new byte[] {b[2], b[3], b[4], b[5]} : null;
        return v4 == null ? null : Ipv4Key.of(v4);
    }

    private static @Nullable Object ipv6(Object sample) {
        InetAddress address = address(sample);
        if (address == null) {
            return null;
        }
        byte[] b = address.getAddress();
        if (b.length == 4) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(b, 0, mapped, 12, 4);
            b = mapped;
        }
        return Ipv6Key.of(b);
    }

    private static @Nullable InetAddress address(Object sample) {
        if (sample instanceof InetAddress address) {
            return address;
        }
        if (sample instanceof Number number) {
            long n = number.longValue() & 0xffff_ffffL;
            byte[] v4 = {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
            try {
                return InetAddress.getByAddress(v4);
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        String text = sample.toString().strip();
        return InetAddresses.isLiteral(text) ? InetAddresses.parseLiteral(text) : null;
    }

    private static @Nullable Object integer(Object sample) {
        if (sample instanceof Number number) {
            return number.longValue() & 0xffff_ffffL;
        }
        if (sample instanceof Inet4Address address) {
            byte[] b = address.getAddress();
            return ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
        }
        String text = sample.toString().strip();
        int end = 0;
        while (end < text.length() && (Character.isDigit(text.charAt(end)) || (end == 0 && text.charAt(0) == '-'))) {
            end++;
        }
        try {
            return end == 0 ? null : Long.parseLong(text.substring(0, end)) & 0xffff_ffffL;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {@code key} as {@code show table} prints it after {@code key=}. */
    static String text(Object key) {
        return key.toString();
    }

    /**
     * The key a runtime command names ({@code clear table T key K}), or null when {@code text} is not one of
     * {@code table}'s type.
     */
    static @Nullable Object parse(StickTable table, String text) {
        return switch (table.type()) {
            case IP, IPV6 -> InetAddresses.isLiteral(text) ? key(table, InetAddresses.parseLiteral(text)) : null;
            case INTEGER -> text.chars().allMatch(Character::isDigit) && !text.isEmpty() ? key(table, text) : null;
            case STRING -> key(table, text);
        };
    }
}
