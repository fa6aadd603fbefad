package dev.fjord.lb.netty;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.Mode;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * The idle server connection a client connection keeps for its next request with {@code http-reuse never}: never
 * shared with another client, closed with the client connection, when the next request goes to another server, or
 * when the server moved or left.
 * At most one per client connection, in its attributes. All calls on the client's event loop.
 */
final class PrivateConnection {
    private static final AttributeKey<PrivateConnection> KEPT = AttributeKey.valueOf("fjord.server.private");

    private final Channel channel;
    private final BackendPool pool;

    private PrivateConnection(Channel channel, BackendPool pool) {
        this.channel = channel;
        this.pool = pool;
    }

    /**
     * Keeps {@code server}, a connection of {@code pool} that just answered, for {@code client}'s next request; closes
     * it instead when the server sent bytes beyond the response (they would be read as the next one).
     */
    static void keep(Channel client, Channel server, BackendPool pool) {
        ServerCodec codec = pool.mode() == Mode.HTTP ? ServerCodec.of(server) : null;
        if (!client.isActive() || pool.retired() || (codec != null && codec.bufferedBytes() > 0)) {
            server.close();
            return;
        }
        if (codec != null) {
            codec.idle(true);
        }
        boolean first = !client.hasAttr(KEPT);
        PrivateConnection previous = client.attr(KEPT).getAndSet(new PrivateConnection(server, pool));
        if (previous != null && previous.channel != server) {
            previous.channel.close();
        }
        if (first) { // one listener per client connection, whatever it keeps over time
            client.closeFuture().addListener(f -> {
                PrivateConnection kept = client.attr(KEPT).getAndSet(null);
                if (kept != null) {
                    kept.channel.close();
                }
            });
        }
    }

    /**
     * The connection {@code client} kept, if it is to {@code pool}'s server, still open and (over TLS) made with
     * {@code sni}; else null (one kept for another server is closed: a client's connections are never shared).
     */
    static @Nullable Channel take(Channel client, BackendPool pool, boolean tls, @Nullable String sni) {
        if (!client.hasAttr(KEPT)) {
            return null;
        }
        PrivateConnection kept = client.attr(KEPT).getAndSet(null);
        if (kept == null) {
            return null;
        }
        if (kept.pool != pool
                || pool.retired()
                || !kept.channel.isActive()
                || (tls && !Objects.equals(ServerTlsHandshake.sni(kept.channel), sni))) {
            kept.channel.close();
            return null;
        }
        if (pool.mode() == Mode.HTTP) {
            ServerCodec.of(kept.channel).idle(false);
        }
        return kept.channel;
    }
}
