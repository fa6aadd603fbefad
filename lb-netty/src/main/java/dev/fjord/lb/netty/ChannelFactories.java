package dev.fjord.lb.netty;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;

import io.netty.channel.ChannelFactory;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * Channels of the address family of the address they serve: an IPv4 address gets an {@code AF_INET} socket, as
 * HAProxy opens them, rather than the dual-stack {@code AF_INET6} socket Netty opens by default (which costs an
 * {@code IPV6_V6ONLY} option on every socket, and IPv4-mapped addresses). Other transports and other addresses get
 * the type's default constructor. Stateless.
 */
final class ChannelFactories {
    /**
     * The receive buffer sizing of every connection, shared (each channel's handle keeps its own guess): Netty gives
     * each channel its own, 32 bytes of each of thousands of idle connections.
     */
    static final io.netty.channel.RecvByteBufAllocator RECEIVE = new io.netty.channel.AdaptiveRecvByteBufAllocator();

    private ChannelFactories() {}

    static ChannelFactory<ServerSocketChannel> server(
            Class<? extends ServerSocketChannel> type, InetSocketAddress address) {
        if (isIpv4(address)) {
            if (type == EpollServerSocketChannel.class) {
                return () -> new EpollServerSocketChannel(SocketProtocolFamily.INET);
            }
            if (type == NioServerSocketChannel.class) {
                return () -> new NioServerSocketChannel(SelectorProvider.provider(), SocketProtocolFamily.INET);
            }
        }
        return new ReflectiveChannelFactory<>(type);
    }

    static ChannelFactory<SocketChannel> client(Class<? extends SocketChannel> type, InetSocketAddress address) {
        if (isIpv4(address)) {
            if (type == EpollSocketChannel.class) {
                return () -> new EpollSocketChannel(SocketProtocolFamily.INET);
            }
            if (type == NioSocketChannel.class) {
                return () -> new NioSocketChannel(SelectorProvider.provider(), SocketProtocolFamily.INET);
            }
        }
        return new ReflectiveChannelFactory<>(type);
    }

    private static boolean isIpv4(InetSocketAddress address) {
        return address.getAddress() instanceof Inet4Address;
    }
}
