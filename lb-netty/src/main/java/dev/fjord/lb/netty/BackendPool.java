package dev.fjord.lb.netty;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.IdlePool;
import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.Server;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * Connections to one server: new ones on the caller's event loop (so a client connection and its server
 * connection share a thread and never lock), and idle keep-alive ones kept per event loop for reuse, as the server's
 * {@link IdlePool} says ({@code pool-max-conn}, {@code pool-purge-delay}): every purge delay, each loop closes half
 * of its idle connections beyond the most it needed at once lately (HAProxy's estimate: the peak of connections in use
 * over the last period, decaying by half each period), oldest first.
 *
 * <p>Thread-safe: each event loop touches only its own idle connections.
 */
final class BackendPool {
    static final String CODEC = "fjord.server.codec";

    private final Server server;
    private final Mode mode;
    private final Map<EventLoop, LoopIdle> idle = new ConcurrentHashMap<>();
    private final Map<EventLoop, Bootstrap> bootstraps = new ConcurrentHashMap<>();
    /** Idle connections over all loops, for {@code pool-max-conn}. */
    private final AtomicInteger idleTotal = new AtomicInteger();

    private final InetSocketAddress address;
    /** Set once by {@link #retire()}. */
    private volatile boolean retired;

    private final Class<? extends SocketChannel> channelType;

    /** Connections to {@code server} at {@code port} (its own, or the client's for a server without one). */
    BackendPool(Server server, int port, Mode mode, Class<? extends SocketChannel> channelType) {
        this.server = server;
        this.mode = mode;
        this.channelType = channelType;
        // resolved once, at start: never a DNS lookup on an event loop
        this.address = new InetSocketAddress(server.config().address().host(), port);
    }

    /** Whether the server moved or left ({@link #retire()}): its connections are not kept. */
    boolean retired() {
        return retired;
    }

    /** Whether the connections carry HTTP (with the server codec) or TCP. */
    Mode mode() {
        return mode;
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
        LoopIdle state = idle.get(loop);
        if (state == null) {
            return null;
        }
        boolean tls = server.config().tls() != null; // plain connections have no SNI to match
        for (Iterator<Channel> newest = state.channels.descendingIterator(); newest.hasNext(); ) {
            Channel channel = newest.next();
            if (!channel.isActive()) {
                newest.remove();
                leftIdle();
            } else if (!tls || Objects.equals(ServerTlsHandshake.sni(channel), sni)) {
                newest.remove();
                leftIdle();
                state.noteInUse();
                if (mode == Mode.HTTP) {
                    ServerCodec.of(channel).idle(false);
                }
                return channel;
            }
        }
        return null;
    }

    /**
     * Keeps {@code channel} for the next request of its event loop; closes it instead when the server's
     * {@code pool-max-conn} idle ones are kept already (or its purge delay is zero), or when the server sent bytes
     * beyond the response just relayed (they would be read as the next response). Call on its event loop.
     */
    void offerIdle(Channel channel) {
        IdlePool settings = server.config().idlePool();
        ServerCodec codec = mode == Mode.HTTP ? ServerCodec.of(channel) : null;
        if (!channel.isActive()
                || retired
                || !settings.keepsAny()
                || (codec != null && codec.bufferedBytes() > 0)
                || !enterIdle(settings.maxConn())) {
            channel.close();
            return;
        }
        if (codec != null) {
            codec.idle(true);
        }
        LoopIdle state = state(channel.eventLoop());
        state.channels.addLast(channel);
        if (state.purge == null) {
            state.purge = channel.eventLoop()
                    .schedule(() -> purge(state), settings.purgeDelay().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** Counts one more idle connection, unless {@code max} (-1: no limit) are idle already. */
    private boolean enterIdle(int max) {
        for (int now = idleTotal.get(); max < 0 || now < max; now = idleTotal.get()) {
            if (idleTotal.compareAndSet(now, now + 1)) {
                return true;
            }
        }
        return false;
    }

    private void leftIdle() {
        idleTotal.decrementAndGet();
    }

    /**
     * One purge period of a loop, HAProxy's {@code srv_cleanup_idle_conns}: closes half (rounded up) of the
     * connections beyond the most needed lately, then lowers the estimate towards what this period used.
     */
    private void purge(LoopIdle state) {
        state.purge = null;
        int idleNow = state.channels.size();
        if (idleNow == 0) {
            return;
        }
        int used = state.open - idleNow;
        int exceeding = used + idleNow - Math.max(state.mostUsed, state.neededEstimate);
        state.neededEstimate = Math.max((state.neededEstimate + state.mostUsed) / 2, state.mostUsed);
        state.mostUsed = used;
        for (int close = Math.min(idleNow, exceeding / 2 + (exceeding & 1)); close > 0; close--) {
            Channel oldest = state.channels.pollFirst();
            leftIdle();
            oldest.close();
        }
        if (!state.channels.isEmpty()) {
            Duration delay = server.config().idlePool().purgeDelay();
            Channel any = state.channels.peekFirst();
            state.purge = any.eventLoop().schedule(() -> purge(state), delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private LoopIdle state(EventLoop loop) {
        return idle.computeIfAbsent(loop, l -> new LoopIdle());
    }

    /** One event loop's idle connections and the use it has made of the server lately; on that loop only. */
    private static final class LoopIdle {
        final ArrayDeque<Channel> channels = new ArrayDeque<>();
        /** Connections of this loop open to the server, idle or in use. */
        int open;
        /** The most in use at once since the last purge. */
        int mostUsed;
        /** HAProxy's {@code est_need_conns}: a decaying estimate of the connections this loop needs. */
        int neededEstimate;

        @Nullable
        ScheduledFuture<?> purge;

        void noteInUse() {
            mostUsed = Math.max(mostUsed, open - channels.size());
        }
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
                .option(ChannelOption.RECVBUF_ALLOCATOR, ChannelFactories.RECEIVE)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (mode == Mode.HTTP) {
                            ServerCodec.add(ch, limits);
                            ServerConnectionHandler.add(ch);
                        }
                        LoopIdle state = state(loop);
                        state.open++;
                        state.noteInUse();
                        // once per connection: an idle one that closes leaves the pool
                        ch.closeFuture().addListener(f -> {
                            state.open--;
                            if (state.channels.remove(ch)) {
                                leftIdle();
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
        idle.forEach((loop, state) -> {
            if (!loop.isShuttingDown()) {
                io.netty.util.concurrent.Future<List<Channel>> copy = loop.submit(() -> List.copyOf(state.channels));
                if (copy.awaitUninterruptibly(1000) && copy.isSuccess()) {
                    all.addAll(copy.getNow());
                }
            }
        });
        return all;
    }

    /**
     * Keeps no connection from now on (the server moved or left): the idle ones close, each on its own event loop,
     * and those in use close when they are offered back. Returns at once; any thread.
     */
    void retire() {
        retired = true;
        idle.forEach((loop, state) -> {
            if (!loop.isShuttingDown()) {
                loop.execute(() -> List.copyOf(state.channels).forEach(Channel::close));
            }
        });
    }

    /** Closes the idle connections, each on its own event loop. */
    void closeIdle() {
        idle.forEach((loop, state) -> {
            if (!loop.isShuttingDown()) {
                loop.submit(() -> List.copyOf(state.channels).forEach(Channel::close))
                        .awaitUninterruptibly(1000);
            }
        });
    }
}
