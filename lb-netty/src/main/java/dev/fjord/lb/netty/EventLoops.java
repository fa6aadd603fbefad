package dev.fjord.lb.netty;

import java.util.Objects;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Event loops that a {@link FjordProxy} runs on without owning them: the host application's own (for instance a
 * Reactor Netty {@code LoopResources}, adapted by {@code dev.fjord.lb.netty.reactor.ReactorEventLoops}), so that one
 * process has one set of I/O threads. The proxy never shuts these loops down; whoever made them does.
 *
 * <p>The channel types must suit the loops' I/O handler: NIO channels on NIO loops, epoll channels on epoll loops.
 * Immutable and thread-safe.
 *
 * <pre>{@code
 * FjordProxy proxy = FjordProxy.builder(router)
 *     .eventLoops(EventLoops.of(boss, workers, NioServerSocketChannel.class, NioSocketChannel.class))
 *     .start();
 * }</pre>
 *
 * @param acceptor accepts client connections
 * @param workers carry client and server connections, health checks and timers
 * @param serverChannelType the listening channels' type, matching {@code acceptor}
 * @param channelType the type of connections to servers and of health checks, matching {@code workers}
 */
public record EventLoops(
        EventLoopGroup acceptor,
        EventLoopGroup workers,
        Class<? extends ServerSocketChannel> serverChannelType,
        Class<? extends SocketChannel> channelType) {

    public EventLoops {
        Objects.requireNonNull(acceptor, "acceptor");
        Objects.requireNonNull(workers, "workers");
        Objects.requireNonNull(serverChannelType, "serverChannelType");
        Objects.requireNonNull(channelType, "channelType");
    }

    /**
     * A proxy's own loops: {@code ioThreads} of them on {@code transport}, which also accept connections, as
     * HAProxy's threads do (no acceptor thread handing each connection over to another).
     */
    static EventLoops own(Transport transport, int ioThreads) {
        Transport resolved = transport.resolve();
        EventLoopGroup loops =
                new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory("fjord-io"), resolved.ioHandlers());
        return of(loops, loops, resolved.serverChannelType(), resolved.channelType());
    }

    /** The loops and channel types, as the record's fields say. */
    public static EventLoops of(
            EventLoopGroup acceptor,
            EventLoopGroup workers,
            Class<? extends ServerSocketChannel> serverChannelType,
            Class<? extends SocketChannel> channelType) {
        return new EventLoops(acceptor, workers, serverChannelType, channelType);
    }
}
