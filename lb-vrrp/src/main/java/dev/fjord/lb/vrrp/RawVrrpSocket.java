package dev.fjord.lb.vrrp;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

import com.sun.jna.LastErrorException;

import dev.fjord.lb.vrrp.internal.Ifreq;
import dev.fjord.lb.vrrp.internal.LibC;

/**
 * A raw IPv4 socket for VRRP (protocol 112) on one interface, through JNA: joined to 224.0.0.18, sending with TTL
 * 255 and TOS 0xc0 as keepalived does, receiving whole IP packets with a short timeout so a reading thread notices
 * {@link #close()} promptly. Needs CAP_NET_RAW. Thread-safe for one reader and one writer.
 */
public final class RawVrrpSocket implements AutoCloseable {
    private final int fd;
    private final Inet4Address source;
    private final String interfaceName;
    private volatile boolean closed;

    private RawVrrpSocket(int fd, Inet4Address source, String interfaceName) {
        this.fd = fd;
        this.source = source;
        this.interfaceName = interfaceName;
    }

    /**
     * Opens the socket on {@code interfaceName}, whose address is {@code source}, in the calling thread's network
     * namespace.
     *
     * @throws IOException naming the call that failed and why (e.g. CAP_NET_RAW missing)
     */
    public static RawVrrpSocket open(String interfaceName, Inet4Address source, int receiveTimeoutMillis)
            throws IOException {
        LibC c = LibC.INSTANCE;
        int fd;
        try {
            fd = c.socket(LibC.AF_INET, LibC.SOCK_RAW, VrrpCodec.PROTOCOL);
        } catch (LastErrorException e) {
            throw new IOException(
                    "socket(AF_INET, SOCK_RAW, 112): errno " + e.getErrorCode()
                            + (e.getErrorCode() == LibC.EPERM ? " (the process needs CAP_NET_RAW)" : ""),
                    e);
        }
        try {
            int index = c.if_nametoindex(interfaceName);
            byte[] device = (interfaceName + "\0").getBytes(StandardCharsets.US_ASCII);
            c.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_BINDTODEVICE, device, device.length);
            byte[] membership = ByteBuffer.allocate(12)
                    .order(ByteOrder.nativeOrder())
                    .put(VrrpCodec.GROUP.getAddress())
                    .put(source.getAddress())
                    .putInt(index)
                    .array();
            c.setsockopt(fd, LibC.IPPROTO_IP, LibC.IP_ADD_MEMBERSHIP, membership, membership.length);
            c.setsockopt(fd, LibC.IPPROTO_IP, LibC.IP_MULTICAST_IF, membership, membership.length);
            c.setsockopt(fd, LibC.IPPROTO_IP, LibC.IP_MULTICAST_TTL, new byte[] {(byte) 255}, 1);
            c.setsockopt(fd, LibC.IPPROTO_IP, LibC.IP_TTL, intBytes(255), 4);
            c.setsockopt(fd, LibC.IPPROTO_IP, LibC.IP_TOS, intBytes(0xc0), 4);
            byte[] timeout = ByteBuffer.allocate(16)
                    .order(ByteOrder.nativeOrder())
                    .putLong(receiveTimeoutMillis / 1000)
                    .putLong(receiveTimeoutMillis % 1000 * 1000L)
                    .array();
            c.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, timeout, timeout.length);
        } catch (LastErrorException e) {
            c.close(fd);
            throw new IOException("setting up the VRRP socket on " + interfaceName + ": errno " + e.getErrorCode(), e);
        }
        return new RawVrrpSocket(fd, source, interfaceName);
    }

    /** Sends {@code advertisement} to {@code destination} (the group, or a unicast peer). */
    public void send(Advertisement advertisement, Inet4Address destination) throws IOException {
        byte[] message = VrrpCodec.encode(advertisement, source, destination);
        byte[] address = ByteBuffer.allocate(16)
                .order(ByteOrder.nativeOrder())
                .putShort((short) LibC.AF_INET)
                .order(ByteOrder.BIG_ENDIAN)
                .putShort((short) 0)
                .put(destination.getAddress())
                .array();
        try {
            LibC.INSTANCE.sendto(fd, message, message.length, 0, address, address.length);
        } catch (LastErrorException e) {
            throw new IOException("sendto " + destination.getHostAddress() + ": errno " + e.getErrorCode(), e);
        }
    }

    /**
     * The next advertisement received, or null when the receive timeout passed first or the socket was closed.
     *
     * @throws VrrpException for a packet to discard, with the reason
     */
    public VrrpCodec.@Nullable Received receive() throws IOException, VrrpException {
        byte[] buffer = new byte[1500];
        long length;
        try {
            length = LibC.INSTANCE.recv(fd, buffer, buffer.length, 0);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.EAGAIN || closed) {
                return null;
            }
            throw new IOException("recv: errno " + e.getErrorCode(), e);
        }
        byte[] packet = new byte[(int) length];
        System.arraycopy(buffer, 0, packet, 0, packet.length);
        return VrrpCodec.decode(packet);
    }

    /**
     * Whether the socket's interface is up with a carrier (IFF_UP and IFF_RUNNING, read with SIOCGIFFLAGS in the
     * socket's namespace); false when it is gone.
     */
    public boolean interfaceRunning() {
        byte[] request = Ifreq.named(interfaceName);
        try {
            LibC.INSTANCE.ioctl(fd, LibC.SIOCGIFFLAGS, request);
        } catch (LastErrorException e) {
            return false;
        }
        int flags = ByteBuffer.wrap(request, Ifreq.DATA, 2)
                        .order(ByteOrder.nativeOrder())
                        .getShort()
                & 0xffff;
        int wanted = LibC.IFF_UP | LibC.IFF_RUNNING;
        return (flags & wanted) == wanted;
    }

    /** The interface the socket is bound to. */
    public String interfaceName() {
        return interfaceName;
    }

    private static byte[] intBytes(int value) {
        return ByteBuffer.allocate(4)
                .order(ByteOrder.nativeOrder())
                .putInt(value)
                .array();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.INSTANCE.close(fd);
        }
    }
}
