package dev.fjord.lb.netty.reactor;

import java.util.Objects;

import dev.fjord.lb.netty.EventLoops;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;

import reactor.netty.resources.LoopResources;

/**
 * Runs a {@code FjordProxy} on a Reactor Netty application's own event loops, so that the process has one set of
 * I/O threads: the proxy accepts on the loops' selector group, serves on their worker group and connects to servers
 * from there, with the channel classes the loops need (epoll channels on native loops, NIO ones otherwise, as Reactor
 * Netty itself chooses them). The proxy leaves the loops running when it closes; dispose them as usual.
 *
 * <pre>{@code
 * LoopResources loops = HttpResources.get();                 // or LoopResources.create("app")
 * FjordProxy proxy = FjordProxy.builder(router).eventLoops(ReactorEventLoops.of(loops)).start();
 * }</pre>
 */
public final class ReactorEventLoops {
    private ReactorEventLoops() {}

    /** The loops of {@code loops}, native where available (Reactor Netty's default). */
    public static EventLoops of(LoopResources loops) {
        return of(loops, true);
    }

    /** The loops of {@code loops}; {@code preferNative} false takes the NIO ones even where epoll is available. */
    public static EventLoops of(LoopResources loops, boolean preferNative) {
        Objects.requireNonNull(loops, "loops");
        EventLoopGroup acceptor = loops.onServerSelect(preferNative);
        EventLoopGroup workers = loops.onServer(preferNative);
        return EventLoops.of(
                acceptor,
                workers,
                loops.onChannelClass(ServerSocketChannel.class, acceptor),
                loops.onChannelClass(SocketChannel.class, workers));
    }
}
