package dev.fjord.lb.netty;

import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;

/**
 * The open client connections of a proxy, to retire or close them: each is added once admitted and removed when it
 * closes, by the one close listener {@link Admission} gives it (Netty's {@code DefaultChannelGroup} would add a
 * second: a listener array more per connection). Thread-safe.
 */
final class ClientConnections implements Iterable<Channel> {
    private final Set<Channel> open = ConcurrentHashMap.newKeySet();

    void add(Channel connection) {
        open.add(connection);
    }

    void remove(Channel connection) {
        open.remove(connection);
    }

    /** The connections open now (weakly consistent: those added or closed meanwhile may or may not show). */
    @Override
    public Iterator<Channel> iterator() {
        return open.iterator();
    }

    /** Closes every connection and waits up to {@code timeoutMillis} for them to be closed. */
    void closeAll(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        ChannelFuture[] closing = open.stream().map(Channel::close).toArray(ChannelFuture[]::new);
        for (ChannelFuture future : closing) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !future.awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
                return;
            }
        }
    }
}
