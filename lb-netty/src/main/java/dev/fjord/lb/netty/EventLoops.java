package dev.fjord.lb.netty;

import java.util.Objects;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
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
public record EventLoops(EventLoopGroup acceptor, EventLoopGroup workers,
        Class<? extends ServerSocketChannel> serverChannelType, Class<? extends SocketChannel> channelType) {

    public EventLoops {
        Objects.requireNonNull(acceptor, "acceptor");
        Objects.requireNonNull(workers, "workers");
        Objects.requireNonNull(serverChannelType, "serverChannelType");
        Objects.requireNonNull(channelType, "channelType");
    }

    /** A proxy's own NIO loops: one acceptor thread and {@code ioThreads} workers. */
    static EventLoops ownNio(int ioThreads) {
        return of(new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("fjord-accept"),
                NioIoHandler.newFactory()), new MultiThreadIoEventLoopGroup(ioThreads,
                new DefaultThreadFactory("fjord-io"), NioIoHandler.newFactory()),
                NioServerSocketChannel.class, NioSocketChannel.class);
    }

    /** The loops and channel types, as the record's fields say. */
    public static EventLoops of(EventLoopGroup acceptor, EventLoopGroup workers,
            Class<? extends ServerSocketChannel> serverChannelType, Class<? extends SocketChannel> channelType) {
        return new EventLoops(acceptor, workers, serverChannelType, channelType);
    }
}
