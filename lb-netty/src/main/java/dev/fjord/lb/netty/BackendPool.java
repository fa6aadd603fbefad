package dev.fjord.lb.netty;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.Server;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;

/**
 * Connections to one server: new ones on the caller's event loop (so a client connection and its server
 * connection share a thread and never lock), and idle keep-alive ones kept per event loop for reuse.
 *
 * <p>Thread-safe: each event loop touches only its own idle deque.
 */
final class BackendPool {
    static final String CODEC = "fjord.server.codec";
    /**
     * Idle connections kept per event loop and server: enough for a burst of HTTP/2 streams (64 clients of 10 streams
     * want 640); beyond it a connection closes instead of waiting. At 64, the TLS benchmark's HTTP/2 run connected
     * anew for most streams (82 us of CPU per request; 54 at 1024). HAProxy keeps them all and purges idle ones
     * every {@code pool-purge-delay}.
     */
    private static final int MAX_IDLE_PER_LOOP = 1024;

    private final Mode mode;
    private final Map<EventLoop, ArrayDeque<Channel>> idle = new ConcurrentHashMap<>();
    private final Map<EventLoop, Bootstrap> bootstraps = new ConcurrentHashMap<>();
    private final InetSocketAddress address;
    private final Class<? extends SocketChannel> channelType;

    /** Connections to {@code server} at {@code port} (its own, or the client's for a server without one). */
    BackendPool(Server server, int port, Mode mode, Class<? extends SocketChannel> channelType) {
        this.mode = mode;
        this.channelType = channelType;
        // resolved once, at start: never a DNS lookup on an event loop
        this.address = new InetSocketAddress(server.config().address().host(), port);
    }

    /** An idle keep-alive connection of {@code loop} still open, or null. Call on {@code loop}. */
    @Nullable
    Channel pollIdle(EventLoop loop) {
        return pollIdle(loop, null);
    }

    /**
     * An idle keep-alive connection of {@code loop} still open whose TLS handshake sent {@code sni} (null: none, or a
     * plain connection), or null. Call on {@code loop}.
     */
    @Nullable
    Channel pollIdle(EventLoop loop, @Nullable String sni) {
        ArrayDeque<Channel> channels = idle.get(loop);
        if (channels == null) {
            return null;
        }
        for (java.util.Iterator<Channel> newest = channels.descendingIterator(); newest.hasNext(); ) {
            Channel channel = newest.next();
            if (!channel.isActive()) {
                newest.remove();
            } else if (java.util.Objects.equals(ServerTlsHandshake.sni(channel), sni)) {
                newest.remove();
                if (mode == Mode.HTTP) {
                    ServerCodec.of(channel).idle(false);
                }
                return channel;
            }
        }
        return null;
    }

    /**
     * Keeps {@code channel} for the next request of its event loop; closes it instead when too many are idle, or
     * when the server sent bytes beyond the response just relayed (they would be read as the next response).
     */
    void offerIdle(Channel channel) {
        ArrayDeque<Channel> channels = idle.computeIfAbsent(channel.eventLoop(), l -> new ArrayDeque<>());
        if (!channel.isActive()
                || channels.size() >= MAX_IDLE_PER_LOOP
                || (mode == Mode.HTTP && ServerCodec.of(channel).bufferedBytes() > 0)) {
            channel.close();
            return;
        }
        if (mode == Mode.HTTP) {
            ServerCodec.of(channel).idle(true);
        }
        channels.addLast(channel);
    }

    /** Connects to the server on {@code loop}, with the HTTP codec in HTTP mode. */
    ChannelFuture connect(EventLoop loop, @Nullable Duration connectTimeout, HttpLimits limits) {
        Bootstrap bootstrap = bootstraps.computeIfAbsent(loop, l -> bootstrap(l, connectTimeout, limits));
        return bootstrap.connect(address);
    }

    private Bootstrap bootstrap(EventLoop loop, @Nullable Duration connectTimeout, HttpLimits limits) {
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channelFactory(ChannelFactories.client(channelType, address)) // TCP_NODELAY: Netty's default
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (mode == Mode.HTTP) {
                            ch.pipeline()
                                    .addLast(CODEC, new ServerCodec(limits))
                                    .addLast(ServerConnectionHandler.NAME, new ServerConnectionHandler());
                        }
                        // once per connection: an idle one that closes leaves the pool
                        ch.closeFuture().addListener(f -> {
                            ArrayDeque<Channel> channels = idle.get(loop);
                            if (channels != null) {
                                channels.remove(ch);
                            }
                        });
                    }
                });
        if (connectTimeout != null) {
            bootstrap.option(
                    ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
        }
        return bootstrap;
    }

    /** The idle connections now, gathered on their event loops (for stats and tests; waits up to 1 s per loop). */
    List<Channel> idleChannels() {
        List<Channel> all = new java.util.ArrayList<>();
        idle.forEach((loop, channels) -> {
            if (!loop.isShuttingDown()) {
                io.netty.util.concurrent.Future<List<Channel>> copy = loop.submit(() -> List.copyOf(channels));
                if (copy.awaitUninterruptibly(1000) && copy.isSuccess()) {
                    all.addAll(copy.getNow());
                }
            }
        });
        return all;
    }

    /** Closes the idle connections, each on its own event loop. */
    void closeIdle() {
        idle.forEach((loop, channels) -> {
            if (!loop.isShuttingDown()) {
                loop.submit(() -> List.copyOf(channels).forEach(Channel::close)).awaitUninterruptibly(1000);
            }
        });
    }
}
