package dev.fjord.lb.netty;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fjord.lb.core.BindSocket;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;

/**
 * A bind's socket options ({@link BindSocket}) on its listening socket, as HAProxy sets them: {@code IPV6_V6ONLY}
 * for {@code v6only} (1) and {@code v4v6} (0) on an IPv6 address, {@code TCP_DEFER_ACCEPT} of one second,
 * {@code TCP_FASTOPEN} with the backlog as its queue, {@code IP_TRANSPARENT}, and {@code TCP_USER_TIMEOUT} on each
 * accepted connection. They need the epoll transport; on another the listener binds without them and says so once.
 * Stateless.
 */
final class ListenerSockets {
    private static final Logger log = LoggerFactory.getLogger(ListenerSockets.class);

    /** {@code setsockopt(IPPROTO_IPV6, IPV6_V6ONLY)}: Netty has no named option for it. */
    static final IntegerUnixChannelOption IPV6_V6ONLY = new IntegerUnixChannelOption("IPV6_V6ONLY", 41, 26);

    private ListenerSockets() {}

    /** Applies {@code socket} to {@code bootstrap}, the listener of {@code address} ({@code context} names it). */
    static void apply(
            ServerBootstrap bootstrap,
            BindSocket socket,
            InetSocketAddress address,
            Class<?> channelType,
            int backlog,
            String context) {
        if (!socket.needsLinux()) {
            return;
        }
        if (channelType != EpollServerSocketChannel.class) {
            log.warn(
                    "{}: defer-accept, tfo, transparent, tcp-ut, v4v6 and v6only need the epoll transport; "
                            + "bound without them",
                    context);
            return;
        }
        if (address.getAddress() instanceof Inet6Address && (socket.v6only() || socket.v4v6())) {
            bootstrap.option(IPV6_V6ONLY, socket.v6only() ? 1 : 0);
        }
        if (socket.deferAccept()) {
            bootstrap.option(EpollChannelOption.TCP_DEFER_ACCEPT, 1);
        }
        if (socket.fastOpen()) {
            bootstrap.option(io.netty.channel.ChannelOption.TCP_FASTOPEN, backlog);
        }
        if (socket.transparent()) {
            bootstrap.option(EpollChannelOption.IP_TRANSPARENT, true);
        }
        Duration userTimeout = socket.userTimeout();
        if (userTimeout != null) {
            bootstrap.childOption(EpollChannelOption.TCP_USER_TIMEOUT, (int) userTimeout.toMillis());
        }
    }
}
