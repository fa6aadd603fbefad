package dev.fjord.lb.vrrp;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import com.sun.jna.LastErrorException;

import dev.fjord.lb.vrrp.internal.Ifreq;
import dev.fjord.lb.vrrp.internal.LibC;

/**
 * Sends gratuitous ARPs on one interface through an AF_PACKET socket (JNA), from the interface's own MAC, read with
 * SIOCGIFHWADDR in the namespace the socket was opened in. Needs CAP_NET_RAW. Thread-safe.
 */
public final class GratuitousArpSender implements AddressKeeper.Announcer, AutoCloseable {
    private final int fd;
    private final int ifindex;
    private final byte[] mac;

    private GratuitousArpSender(int fd, int ifindex, byte[] mac) {
        this.fd = fd;
        this.ifindex = ifindex;
        this.mac = mac;
    }

    /** Opens the socket on {@code interfaceName} in the calling thread's network namespace. */
    public static GratuitousArpSender open(String interfaceName) throws IOException {
        LibC c = LibC.INSTANCE;
        int protocol = Short.reverseBytes((short) LibC.ETH_P_ARP) & 0xffff;
        int fd;
        try {
            fd = c.socket(LibC.AF_PACKET, LibC.SOCK_RAW, protocol);
        } catch (LastErrorException e) {
            throw new IOException(
                    "socket(AF_PACKET, SOCK_RAW, ETH_P_ARP): errno " + e.getErrorCode()
                            + (e.getErrorCode() == LibC.EPERM ? " (the process needs CAP_NET_RAW)" : ""),
                    e);
        }
        try {
            byte[] request = Ifreq.named(interfaceName);
            c.ioctl(fd, LibC.SIOCGIFHWADDR, request);
            // ifr_hwaddr is a sockaddr: 2 bytes of family, then the MAC
            return new GratuitousArpSender(
                    fd, c.if_nametoindex(interfaceName), Arrays.copyOfRange(request, Ifreq.DATA + 2, Ifreq.DATA + 8));
        } catch (LastErrorException e) {
            c.close(fd);
            throw new IOException("reading the MAC of " + interfaceName + ": errno " + e.getErrorCode(), e);
        }
    }

    /** The interface's MAC, the sender of the announcements. */
    public byte[] mac() {
        return mac.clone();
    }

    /** Broadcasts one gratuitous ARP for {@code address}. */
    @Override
    public void announce(Inet4Address address) throws IOException {
        byte[] frame = GratuitousArp.frame(mac, address);
        byte[] target = ByteBuffer.allocate(20)
                .order(ByteOrder.nativeOrder())
                .putShort((short) LibC.AF_PACKET)
                .order(ByteOrder.BIG_ENDIAN)
                .putShort((short) LibC.ETH_P_ARP)
                .order(ByteOrder.nativeOrder())
                .putInt(ifindex)
                .putShort((short) 1) // ARPHRD_ETHER
                .put((byte) 0)
                .put((byte) 6)
                .put(new byte[] {-1, -1, -1, -1, -1, -1, 0, 0})
                .array();
        try {
            LibC.INSTANCE.sendto(fd, frame, frame.length, 0, target, target.length);
        } catch (LastErrorException e) {
            throw new IOException("sending a gratuitous ARP: errno " + e.getErrorCode(), e);
        }
    }

    @Override
    public void close() {
        LibC.INSTANCE.close(fd);
    }
}
