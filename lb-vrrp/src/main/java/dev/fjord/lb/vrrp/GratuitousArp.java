package dev.fjord.lb.vrrp;

import java.net.Inet4Address;
import java.nio.ByteBuffer;

/**
 * The gratuitous ARP a new master broadcasts for each virtual address, as keepalived sends it: an ARP request
 * whose sender and target are both the virtual address, from the interface's MAC, so that neighbours and switches
 * update their tables at once. A pure encoder; thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc5798#section-6.4.1">RFC 5798 6.4.1</a>
 */
public final class GratuitousArp {
    private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};

    private GratuitousArp() {}

    /**
     * The whole Ethernet frame (42 bytes) announcing {@code address} at {@code mac}.
     *
     * @throws IllegalArgumentException when {@code mac} is not 6 bytes
     */
    public static byte[] frame(byte[] mac, Inet4Address address) {
        if (mac.length != 6) {
            throw new IllegalArgumentException("mac: " + mac.length + " bytes (expected: 6)");
        }
        byte[] ip = address.getAddress();
        return ByteBuffer.allocate(42)
                .put(BROADCAST)
                .put(mac)
                .putShort((short) 0x0806) // Ethernet: to all, ARP
                .putShort((short) 1)
                .putShort((short) 0x0800)
                .put((byte) 6)
                .put((byte) 4) // Ethernet/IPv4
                .putShort((short) 1) // request
                .put(mac)
                .put(ip) // sender: us, the VIP
                .put(BROADCAST)
                .put(ip) // target: the VIP
                .array();
    }

    /** Parses {@code 02:00:c6:12:00:01}. */
    public static byte[] mac(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 6) {
            throw new IllegalArgumentException("mac: '" + text + "' (expected: six hex bytes like 02:00:c6:12:00:01)");
        }
        byte[] mac = new byte[6];
        for (int i = 0; i < 6; i++) {
            mac[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return mac;
    }
}
