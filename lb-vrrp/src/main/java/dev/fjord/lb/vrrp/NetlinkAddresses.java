package dev.fjord.lb.vrrp;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import com.sun.jna.LastErrorException;

import dev.fjord.lb.vrrp.internal.Ifreq;
import dev.fjord.lb.vrrp.internal.LibC;

/**
 * Adds and removes addresses with rtnetlink ({@code RTM_NEWADDR}, {@code RTM_DELADDR}), as keepalived does: no child
 * process, so a JVM given CAP_NET_ADMIN (even through {@code setcap}) can use it, and a change takes microseconds
 * rather than a process start. The socket is opened in the network namespace of the thread that makes the object;
 * {@link Vrrp} closes it with itself. Thread-safe: one request at a time.
 */
public final class NetlinkAddresses implements VirtualAddresses, AutoCloseable {
    private static final short RTM_NEWADDR = 20;
    private static final short RTM_DELADDR = 21;
    private static final short NLMSG_ERROR = 2;
    private static final short NLM_F_REQUEST = 0x1;
    private static final short NLM_F_ACK = 0x4;
    private static final short NLM_F_EXCL = 0x200;
    private static final short NLM_F_CREATE = 0x400;
    private static final short IFA_ADDRESS = 1;
    private static final short IFA_LOCAL = 2;
    private static final int EEXIST = 17;
    private static final int EADDRNOTAVAIL = 99;
    /** Messages read while waiting for the answer; the socket joins no group, so the answer comes first. */
    private static final int MAX_READS = 16;

    private final int fd;
    private int sequence;
    private boolean closed;

    private NetlinkAddresses(int fd) {
        this.fd = fd;
    }

    /** Opens the rtnetlink socket in the calling thread's network namespace. */
    public static NetlinkAddresses open() throws IOException {
        LibC c = LibC.INSTANCE;
        int fd;
        try {
            fd = c.socket(LibC.AF_NETLINK, LibC.SOCK_RAW, LibC.NETLINK_ROUTE);
        } catch (LastErrorException e) {
            throw new IOException("socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE): errno " + e.getErrorCode(), e);
        }
        byte[] timeout = ByteBuffer.allocate(16)
                .order(ByteOrder.nativeOrder())
                .putLong(5)
                .putLong(0)
                .array();
        try {
            c.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, timeout, timeout.length);
        } catch (LastErrorException e) {
            c.close(fd);
            throw new IOException("setting up the netlink socket: errno " + e.getErrorCode(), e);
        }
        return new NetlinkAddresses(fd);
    }

    @Override
    public void add(Inet4Address address, int prefixLength, String interfaceName) throws IOException {
        request(RTM_NEWADDR, address, prefixLength, interfaceName);
    }

    @Override
    public void remove(Inet4Address address, int prefixLength, String interfaceName) throws IOException {
        request(RTM_DELADDR, address, prefixLength, interfaceName);
    }

    private synchronized void request(short type, Inet4Address address, int prefixLength, String interfaceName)
            throws IOException {
        if (closed) {
            throw new IOException("the netlink socket is closed");
        }
        int index = interfaceIndex(interfaceName);
        String what = (type == RTM_NEWADDR ? "adding " : "removing ") + address.getHostAddress() + "/" + prefixLength
                + " on " + interfaceName;
        if (index == 0) {
            throw new IOException(what + ": no such interface");
        }
        int seq = ++sequence;
        byte[] message = message(type, seq, address, prefixLength, index);
        byte[] kernel = ByteBuffer.allocate(12)
                .order(ByteOrder.nativeOrder())
                .putShort((short) LibC.AF_NETLINK)
                .array();
        byte[] answer = new byte[1024];
        try {
            LibC.INSTANCE.sendto(fd, message, message.length, 0, kernel, kernel.length);
            for (int read = 0; read < MAX_READS; read++) {
                long length = LibC.INSTANCE.recv(fd, answer, answer.length, 0);
                ByteBuffer in = ByteBuffer.wrap(answer, 0, (int) length).order(ByteOrder.nativeOrder());
                if (length < 20 || in.getShort(4) != NLMSG_ERROR || in.getInt(8) != seq) {
                    continue; // not the answer to this request
                }
                int errno = -in.getInt(16);
                if (errno == 0
                        || (type == RTM_NEWADDR && errno == EEXIST)
                        || (type == RTM_DELADDR && errno == EADDRNOTAVAIL)) {
                    return; // done, or already as wanted
                }
                throw new IOException(
                        what + ": errno " + errno + (errno == LibC.EPERM ? " (the process needs CAP_NET_ADMIN)" : ""));
            }
            throw new IOException(what + ": no answer to request " + seq + " among " + MAX_READS + " messages");
        } catch (LastErrorException e) {
            throw new IOException(
                    what + ": errno " + e.getErrorCode()
                            + (e.getErrorCode() == LibC.EAGAIN ? " (no answer from the kernel in 5 s)" : ""),
                    e);
        }
    }

    /** The interface's index in the socket's namespace (SIOCGIFINDEX), 0 when there is none. */
    private int interfaceIndex(String interfaceName) {
        byte[] request = Ifreq.named(interfaceName);
        try {
            LibC.INSTANCE.ioctl(fd, LibC.SIOCGIFINDEX, request);
        } catch (LastErrorException e) {
            return 0;
        }
        return ByteBuffer.wrap(request, Ifreq.DATA, 4)
                .order(ByteOrder.nativeOrder())
                .getInt();
    }

    /** The RTM_NEWADDR or RTM_DELADDR message: nlmsghdr, ifaddrmsg, IFA_LOCAL and IFA_ADDRESS. */
    static byte[] message(short type, int seq, Inet4Address address, int prefixLength, int interfaceIndex) {
        short flags = (short) (NLM_F_REQUEST | NLM_F_ACK | (type == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_EXCL : 0));
        ByteBuffer out = ByteBuffer.allocate(40).order(ByteOrder.nativeOrder());
        out.putInt(40).putShort(type).putShort(flags).putInt(seq).putInt(0); // nlmsghdr; pid 0: the kernel assigns
        out.put((byte) LibC.AF_INET)
                .put((byte) prefixLength)
                .put((byte) 0)
                .put((byte) 0)
                .putInt(interfaceIndex);
        out.putShort((short) 8).putShort(IFA_LOCAL).put(address.getAddress());
        out.putShort((short) 8).putShort(IFA_ADDRESS).put(address.getAddress());
        return out.array();
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            LibC.INSTANCE.close(fd);
        }
    }
}
