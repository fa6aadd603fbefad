package dev.fjord.lb.core.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** IP address literals, parsed without ever touching DNS. */
public final class InetAddresses {
    public static final InetAddress LOOPBACK_V4 = parseLiteral("127.0.0.1");

    private InetAddresses() {}

    /**
     * Parses an IPv4 dotted quad or an IPv6 literal (brackets allowed) into an address, never resolving a name.
     *
     * @throws IllegalArgumentException when {@code text} is not an IP literal
     */
    public static InetAddress parseLiteral(String text) {
        String literal = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (!isLiteral(literal)) {
            throw new IllegalArgumentException("address: '" + text + "' (expected: an IPv4 or IPv6 literal)");
        }
        try {
            return InetAddress.getByName(literal); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("address: '" + text + "' (expected: an IPv4 or IPv6 literal)", e);
        }
    }

    /** Whether {@code text} is an IPv4 dotted quad or an IPv6 literal (no brackets). */
    public static boolean isLiteral(String text) {
        return isIpv4(text) || isIpv6(text);
    }

    private static boolean isIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty()
                    || part.length() > 3
                    || !part.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpv6(String text) {
        if (text.indexOf(':') < 0) {
            return false;
        }
        int percent = text.indexOf('%');
        String address = percent < 0 ? text : text.substring(0, percent);
        return !address.isEmpty()
                && address.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')
                && address.length() <= 45;
    }

    /** The address as text without brackets or scope: dotted quad, or IPv6 with the longest zero run as {@code ::}. */
    public static String toText(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + '.' + (b[2] & 0xff) + '.' + (b[3] & 0xff);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
