package dev.fjord.lb.netty;

import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.ServerTls;
import dev.fjord.lb.core.TlsVerify;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;

/**
 * Starts TLS on a connection to a server (requests with {@code ssl}, checks with {@code check-ssl}): sends
 * {@code sni}, and with {@code verify required} checks the chain against the CA and the certificate's name against
 * the SNI, else {@code verifyhost}. The connection remembers its SNI, so that a pooled one is reused only for
 * requests sending the same. Static; call on the connection's event loop once it is connected, after a PROXY
 * header if any (which goes in clear before the handshake, as HAProxy sends it).
 */
final class ServerTlsHandshake {
    private static final AttributeKey<String> SNI = AttributeKey.valueOf("fjord.server.sni");

    private ServerTlsHandshake() {}

    /**
     * Puts TLS first in {@code connection}'s pipeline and starts the handshake, bounded by {@code timeout} (null:
     * Netty's 10 s); the future says when it is done or why it failed.
     */
    static Future<Channel> start(
            Channel connection, SslContext context, ServerTls tls, @Nullable String sni, @Nullable Duration timeout) {
        String peer = tls.nameToVerify(sni);
        int port = ((java.net.InetSocketAddress) connection.remoteAddress()).getPort();
        SslHandler handler = peer == null
                ? context.newHandler(connection.alloc())
                : context.newHandler(connection.alloc(), peer, port);
        SSLEngine engine = handler.engine();
        SSLParameters parameters = engine.getSSLParameters();
        if (tls.verify() == TlsVerify.REQUIRED && peer != null) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        parameters.setServerNames(sni == null ? List.of() : serverName(sni));
        engine.setSSLParameters(parameters);
        if (!tls.tickets()) {
            TlsProvider.noTickets(engine);
        }
        if (timeout != null) {
            handler.setHandshakeTimeoutMillis(Math.max(1, timeout.toMillis()));
        }
        if (sni != null) {
            connection.attr(SNI).set(sni);
        }
        connection.pipeline().addFirst(TlsNames.SSL_HANDLER, handler);
        return handler.handshakeFuture();
    }

    private static List<javax.net.ssl.SNIServerName> serverName(String sni) {
        try {
            return List.of(new SNIHostName(sni));
        } catch (IllegalArgumentException e) {
            return List.of(); // not a host name TLS can send
        }
    }

    /** The SNI {@code connection}'s handshake sent; null when none (or plain). */
    static @Nullable String sni(Channel connection) {
        return connection.hasAttr(SNI) ? connection.attr(SNI).get() : null;
    }
}
