package dev.fjord.lb.core;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * The PROXY protocol (HAProxy's, versions 1 and 2) a server connection starts with, telling the server the client's
 * address: {@code send-proxy} and {@code send-proxy-v2} on a {@code server} line. Immutable.
 *
 * <pre>{@code
 * ProxyProtocol.V1.header(client, frontend)   // "PROXY TCP4 198.18.0.7 127.0.0.1 51234 8080\r\n"
 * ProxyProtocol.V2.header(null, null)         // a LOCAL header: a connection of the proxy's own (health checks)
 * }</pre>
 */
public enum ProxyProtocol {
    /** No header (the default). */
    NONE,
    /** The text header: {@code PROXY TCP4|TCP6 SRC DST SPORT DPORT\r\n}, or {@code PROXY UNKNOWN\r\n}. */
    V1,
    /** The binary header: a 16-byte prefix, then the addresses; a {@code LOCAL} command for the proxy's own. */
    V2;

    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    /**
     * The header for a connection relayed for a client at {@code source} that connected to {@code destination}; with
     * either null, or of different address families, the header of a connection of the proxy's own (v1
     * {@code UNKNOWN}, v2 {@code LOCAL}), as health checks send.
     *
     * @throws IllegalStateException for {@link #NONE}
     */
    public byte[] header(@Nullable InetSocketAddress source, @Nullable InetSocketAddress destination) {
        if (this == NONE) {
            throw new IllegalStateException("ProxyProtocol.NONE has no header");
        }
        InetAddress from = source == null ? null : source.getAddress();
        InetAddress to = destination == null ? null : destination.getAddress();
        if (source == null || destination == null || from == null || to == null || ipv4(from) != ipv4(to)) {
            return this == V1 ? "PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII) : v2Local();
        }
        if (this == V1) {
            return ("PROXY " + (ipv4(from) ? "TCP4 " : "TCP6 ") + from.getHostAddress() + ' ' + to.getHostAddress()
                            + ' ' + source.getPort() + ' ' + destination.getPort() + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
        }
        return v2(from, to, source.getPort(), destination.getPort());
    }

    private static boolean ipv4(InetAddress address) {
        return address instanceof Inet4Address;
    }

    private static byte[] v2(InetAddress from, InetAddress to, int sourcePort, int destinationPort) {
        boolean v4 = ipv4(from);
        byte[] src = v4 ? from.getAddress() : v6(from);
        byte[] dst = v4 ? to.getAddress() : v6(to);
        ByteArrayOutputStream out = new ByteArrayOutputStream(52);
        out.writeBytes(V2_SIGNATURE);
        out.write(0x21); // version 2, PROXY
        out.write(v4 ? 0x11 : 0x21); // AF_INET or AF_INET6, STREAM
        int length = 2 * src.length + 4;
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.writeBytes(src);
        out.writeBytes(dst);
        out.write(sourcePort >> 8);
        out.write(sourcePort & 0xFF);
        out.write(destinationPort >> 8);
        out.write(destinationPort & 0xFF);
        return out.toByteArray();
    }

    private static byte[] v6(InetAddress address) {
        if (address instanceof Inet6Address) {
            return address.getAddress();
        }
        throw new IllegalArgumentException("not an IPv6 address: " + address);
    }

    private static byte[] v2Local() {
        byte[] header = new byte[16];
        System.arraycopy(V2_SIGNATURE, 0, header, 0, V2_SIGNATURE.length);
        header[12] = 0x20; // version 2, LOCAL
        header[13] = 0x00; // AF_UNSPEC, no address
        return header; // length 0
    }
}
