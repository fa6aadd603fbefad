package dev.fjord.lb.netty;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.ClientTls;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;

/**
 * The {@link ClientTls} of a client connection, read from its {@link SslHandler} once its handshake is done and kept
 * on the channel. Static; call on the connection's event loop.
 */
final class ClientTlsFacts {
    private static final AttributeKey<ClientTls> FACTS = AttributeKey.valueOf("fjord.tls.facts");

    private ClientTlsFacts() {}

    /** The handshake's facts; null on a plain connection, or before the handshake is done. */
    static @Nullable ClientTls of(Channel client) {
        ClientTls known = client.hasAttr(FACTS) ? client.attr(FACTS).get() : null;
        if (known != null) {
            return known;
        }
        SslHandler ssl = client.pipeline().get(SslHandler.class);
        if (ssl == null || !ssl.handshakeFuture().isSuccess()) {
            return null;
        }
        SSLSession session = ssl.engine().getSession();
        X509Certificate peer = null;
        try {
            Certificate[] certificates = session.getPeerCertificates();
            if (certificates.length > 0 && certificates[0] instanceof X509Certificate x509) {
                peer = x509;
            }
        } catch (SSLPeerUnverifiedException e) {
            // no client certificate
        }
        String alpn = ssl.applicationProtocol();
        ClientTls facts = new ClientTls(
                session.getProtocol(),
                TlsProvider.openSslCipherName(session.getCipherSuite()),
                SniSelector.sni(client),
                alpn == null || alpn.isEmpty() ? null : alpn,
                peer != null,
                0,
                peer == null ? null : DistinguishedNames.oneLine(peer.getSubjectX500Principal()));
        client.attr(FACTS).set(facts);
        return facts;
    }
}
