package dev.fjord.lb.netty;

import java.net.InetSocketAddress;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.ClientTls;

import io.netty.channel.Channel;

/**
 * What every request of a client connection shares: its source and destination (a PROXY header's when there was one)
 * and its TLS facts, read from the channel's attributes once, at the first request, rather than at each
 * (each read is a search of the channel's attributes). Immutable.
 *
 * @param tls null on a plain connection
 */
record ClientFacts(
        InetSocketAddress source,
        InetSocketAddress destination,
        @Nullable ClientTls tls) {
    /** The facts of {@code client}, once its PROXY header and TLS handshake are done. */
    static ClientFacts of(Channel client) {
        return new ClientFacts(
                ClientAddresses.source(client), ClientAddresses.destination(client), ClientTlsFacts.of(client));
    }

    /** The local port the connection arrived on ({@code dst_port}). */
    int localPort() {
        return destination.getPort();
    }
}
