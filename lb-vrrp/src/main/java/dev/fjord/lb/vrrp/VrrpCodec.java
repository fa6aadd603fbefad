package dev.fjord.lb.vrrp;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Encodes and decodes VRRP advertisements as pure functions. v3 checksums cover the IPv4 pseudo-header (RFC 5798
 * section 5.2.8, what keepalived sends and requires); on receive both that form and the message-only one (RFC 3768,
 * and some v3 implementations) are accepted. Thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc5798#section-5">RFC 5798 section 5: packet format</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc3768#section-5">RFC 3768 section 5: packet format</a>
 */
public final class VrrpCodec {
    /** IP protocol number of VRRP. */
    public static final int PROTOCOL = 112;
    /** The VRRP multicast group, 224.0.0.18. */
    public static final Inet4Address GROUP = address(new byte[] {(byte) 224, 0, 0, 18});

    private VrrpCodec() {}

    /** A received advertisement with what its IPv4 header said. */
    public record Received(Advertisement advertisement, Inet4Address source, Inet4Address destination, int ttl) {}

    /**
     * The VRRP message (without IP header) for {@code advertisement} sent from {@code source} to {@code destination}.
     */
    public static byte[] encode(Advertisement advertisement, Inet4Address source, Inet4Address destination) {
        boolean v2 = advertisement.version() == 2;
        int length = 8 + 4 * advertisement.addresses().size() + (v2 ? 8 : 0);
        ByteBuffer out = ByteBuffer.allocate(length);
        out.put((byte) (advertisement.version() << 4 | 1));
        out.put((byte) advertisement.vrid());
        out.put((byte) advertisement.priority());
        out.put((byte) advertisement.addresses().size());
        if (v2) {
            out.put((byte) (advertisement.password().isEmpty() ? 0 : 1));
            out.put((byte) advertisement.interval().toSeconds());
        } else {
            out.putShort((short) (advertisement.interval().toMillis() / 10 & 0x0fff));
        }
        out.putShort((short) 0); // checksum, filled below
        for (Inet4Address address : advertisement.addresses()) {
            out.put(address.getAddress());
        }
        if (v2) {
            byte[] password = Arrays.copyOf(advertisement.password().getBytes(StandardCharsets.US_ASCII), 8);
            out.put(password);
        }
        byte[] message = out.array();
        int checksum = v2 ? checksum(message, null, null) : checksum(message, source, destination);
        message[6] = (byte) (checksum >>> 8);
        message[7] = (byte) checksum;
        return message;
    }

    /**
     * Decodes an IPv4 packet carrying VRRP, checking what RFC 5798 section 7.1 requires: protocol 112, TTL 255 for
     * multicast, a known version and type, consistent lengths and a valid checksum.
     *
     * @throws VrrpException naming the reason to discard it
     */
    public static Received decode(byte[] packet) throws VrrpException {
        if (packet.length < 20 || (packet[0] >> 4 & 0xf) != 4) {
            throw new VrrpException("not an IPv4 packet");
        }
        int headerLength = (packet[0] & 0xf) * 4;
        int totalLength = (packet[2] & 0xff) << 8 | (packet[3] & 0xff);
        if (headerLength < 20 || totalLength > packet.length || totalLength < headerLength + 8) {
            throw new VrrpException(
                    "IPv4 lengths: header " + headerLength + ", total " + totalLength + ", received " + packet.length);
        }
        if ((packet[9] & 0xff) != PROTOCOL) {
            throw new VrrpException("IP protocol " + (packet[9] & 0xff) + " (expected: 112)");
        }
        int ttl = packet[8] & 0xff;
        Inet4Address source = address(Arrays.copyOfRange(packet, 12, 16));
        Inet4Address destination = address(Arrays.copyOfRange(packet, 16, 20));
        if (destination.equals(GROUP) && ttl != 255) {
            throw new VrrpException("TTL " + ttl + " (expected: 255)");
        }
        byte[] message = Arrays.copyOfRange(packet, headerLength, totalLength);
        return new Received(decodeMessage(message, source, destination), source, destination, ttl);
    }

    static Advertisement decodeMessage(byte[] m, Inet4Address source, Inet4Address destination) throws VrrpException {
        int version = m[0] >> 4 & 0xf;
        int type = m[0] & 0xf;
        if (version != 2 && version != 3) {
            throw new VrrpException("version " + version + " (expected: 2 or 3)");
        }
        if (type != 1) {
            throw new VrrpException("type " + type + " (expected: 1, advertisement)");
        }
        int count = m[3] & 0xff;
        int expected = 8 + 4 * count + (version == 2 ? 8 : 0);
        if (count == 0 || m.length < expected) {
            throw new VrrpException("length " + m.length + " for " + count + " addresses (expected: " + expected + ")");
        }
        byte[] message = Arrays.copyOf(m, expected);
        boolean valid =
                checksum(message, null, null) == 0 || (version == 3 && checksum(message, source, destination) == 0);
        if (!valid) {
            throw new VrrpException("bad checksum");
        }
        List<Inet4Address> addresses = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            addresses.add(address(Arrays.copyOfRange(message, 8 + 4 * i, 12 + 4 * i)));
        }
        Duration interval;
        String password = "";
        if (version == 2) {
            interval = Duration.ofSeconds(message[5] & 0xff);
            int authType = message[4] & 0xff;
            if (authType == 1) {
                byte[] raw = Arrays.copyOfRange(message, 8 + 4 * count, 16 + 4 * count);
                int end = 0;
                while (end < raw.length && raw[end] != 0) {
                    end++;
                }
                password = new String(raw, 0, end, StandardCharsets.US_ASCII);
            } else if (authType != 0) {
                throw new VrrpException("authentication type " + authType + " (expected: 0 or 1)");
            }
        } else {
            interval = Duration.ofMillis(10L * ((message[4] & 0x0f) << 8 | (message[5] & 0xff)));
        }
        try {
            return new Advertisement(version, message[1] & 0xff, message[2] & 0xff, interval, addresses, password);
        } catch (IllegalArgumentException e) {
            throw new VrrpException(String.valueOf(e.getMessage()));
        }
    }

    /**
     * The Internet checksum of {@code message}, over the IPv4 pseudo-header too when {@code source} and {@code
     * destination} are given; a
     * message whose checksum field is right sums to 0.
     */
    static int checksum(byte[] message, @Nullable Inet4Address source, @Nullable Inet4Address destination) {
        long sum = 0;
        if (source != null && destination != null) {
            byte[] s = source.getAddress();
            byte[] d = destination.getAddress();
            sum += (s[0] & 0xff) << 8 | (s[1] & 0xff);
            sum += (s[2] & 0xff) << 8 | (s[3] & 0xff);
            sum += (d[0] & 0xff) << 8 | (d[1] & 0xff);
            sum += (d[2] & 0xff) << 8 | (d[3] & 0xff);
            sum += PROTOCOL;
            sum += message.length;
        }
        for (int i = 0; i < message.length; i += 2) {
            int high = message[i] & 0xff;
            int low = i + 1 < message.length ? message[i + 1] & 0xff : 0;
            sum += high << 8 | low;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    static Inet4Address address(byte[] bytes) {
        try {
            return (Inet4Address) InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
