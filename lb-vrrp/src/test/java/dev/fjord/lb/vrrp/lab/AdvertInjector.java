package dev.fjord.lb.vrrp.lab;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import dev.fjord.lb.vrrp.Advertisement;
import dev.fjord.lb.vrrp.VrrpCodec;
import dev.fjord.lb.vrrp.internal.LibC;

/**
 * A third VRRP speaker on the client's eth0 that sends crafted adverts to 224.0.0.18 with a chosen IP TTL, to show
 * what the peers accept. Opened in the client namespace; not thread-safe.
 */
public final class AdvertInjector implements AutoCloseable {
    private final int fd;
    private final Inet4Address source;

    private AdvertInjector(int fd, Inet4Address source) {
        this.fd = fd;
        this.source = source;
    }

    /** Opens a raw protocol-112 socket in the client namespace of {@code lab}. */
    public static AdvertInjector open(NetnsLab lab) throws Exception {
        Inet4Address source = (Inet4Address) InetAddress.getByName(NetnsLab.address("client"));
        return lab.in("client", () -> {
            int fd = LibC.INSTANCE.socket(LibC.AF_INET, LibC.SOCK_RAW, VrrpCodec.PROTOCOL);
            byte[] request = ByteBuffer.allocate(12)
                    .order(ByteOrder.nativeOrder())
                    .put(VrrpCodec.GROUP.getAddress())
                    .put(source.getAddress())
                    .putInt(LibC.INSTANCE.if_nametoindex("eth0"))
                    .array();
            LibC.INSTANCE.setsockopt(fd, LibC.IPPROTO_IP, LibC.IP_MULTICAST_IF, request, request.length);
            return new AdvertInjector(fd, source);
        });
    }

    /** Sends {@code advertisement} to the group in an IP packet with time-to-live {@code ttl}. */
    public void send(Advertisement advertisement, int ttl) {
        LibC.INSTANCE.setsockopt(fd, LibC.IPPROTO_IP, LibC.IP_MULTICAST_TTL, new byte[] {(byte) ttl}, 1);
        byte[] message = VrrpCodec.encode(advertisement, source, VrrpCodec.GROUP);
        byte[] address = ByteBuffer.allocate(16)
                .order(ByteOrder.nativeOrder())
                .putShort((short) LibC.AF_INET)
                .order(ByteOrder.BIG_ENDIAN)
                .putShort((short) 0)
                .put(VrrpCodec.GROUP.getAddress())
                .array();
        LibC.INSTANCE.sendto(fd, message, message.length, 0, address, address.length);
    }

    @Override
    public void close() {
        LibC.INSTANCE.close(fd);
    }
}
