package dev.fjord.lb.netty;

import java.net.InetSocketAddress;

import org.jspecify.annotations.Nullable;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * A client connection's addresses as the proxy reports them: the socket's, or those of the PROXY protocol header it
 * started with ({@code accept-proxy}). Static; the attributes are set once, before the first request is read.
 */
final class ClientAddresses {
    private static final AttributeKey<InetSocketAddress> SOURCE = AttributeKey.valueOf("fjord.client.source");
    private static final AttributeKey<InetSocketAddress> DESTINATION = AttributeKey.valueOf("fjord.client.destination");

    private ClientAddresses() {}

    /** The client's address ({@code src}, {@code src_port}) of connection {@code client}. */
    static InetSocketAddress source(Channel client) {
        InetSocketAddress told = client.hasAttr(SOURCE) ? client.attr(SOURCE).get() : null;
        return told != null ? told : (InetSocketAddress) client.remoteAddress();
    }

    /** The address the client connected to ({@code dst}, {@code dst_port}). */
    static InetSocketAddress destination(Channel client) {
        InetSocketAddress told =
                client.hasAttr(DESTINATION) ? client.attr(DESTINATION).get() : null;
        return told != null ? told : (InetSocketAddress) client.localAddress();
    }

    /** Records the addresses a PROXY header gave; null ones leave the socket's. */
    static void told(Channel client, @Nullable InetSocketAddress source, @Nullable InetSocketAddress destination) {
        if (source != null) {
            client.attr(SOURCE).set(source);
        }
        if (destination != null) {
            client.attr(DESTINATION).set(destination);
        }
    }
}
