package dev.fjord.lb.netty;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.jspecify.annotations.Nullable;

/**
 * The test certificates of {@code src/test/resources/tls} (see its README) and JDK clients that trust the test CA,
 * for TLS tests. Static.
 */
final class TlsFixtures {
    private TlsFixtures() {}

    /** The path of test file {@code name}, e.g. {@code site-ecdsa.pem}. */
    static Path file(String name) {
        try {
            return Path.of(TlsFixtures.class.getResource("/tls/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("no test file tls/" + name, e);
        }
    }

    /** {@link #file} as a string for a haproxy.cfg. */
    static String path(String name) {
        return file(name).toString();
    }

    /** A client context trusting the test CA, presenting {@code clientPem} when not null. */
    static SSLContext client(@Nullable String clientPem) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (X509Certificate ca : PemBundle.caCertificates(file("ca.pem"))) {
                trust.setCertificateEntry("ca" + i++, ca);
            }
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
            trustManagers.init(trust);
            KeyManagerFactory keyManagers = null;
            if (clientPem != null) {
                PemBundle bundle = PemBundle.read(file(clientPem));
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry(
                        "client", bundle.key(), new char[0], bundle.chain().toArray(new X509Certificate[0]));
                keyManagers = KeyManagerFactory.getInstance("PKIX");
                keyManagers.init(keys, new char[0]);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(
                    keyManagers == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A handshaken socket to {@code address} sending {@code sni} (null: none) with {@code protocols} enabled (none:
     * the JDK's defaults); the caller closes it.
     */
    static SSLSocket handshake(SSLContext context, InetSocketAddress address, @Nullable String sni, String... protocols)
            throws IOException {
        Socket plain = new Socket();
        plain.connect(address, 5000);
        plain.setSoTimeout((int) TimeUnit.SECONDS.toMillis(5));
        SSLSocket socket = (SSLSocket)
                context.getSocketFactory().createSocket(plain, address.getHostString(), address.getPort(), true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
        if (protocols.length > 0) {
            parameters.setProtocols(protocols);
        }
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    /** {@link #handshake} offering {@code alpn} by ALPN. */
    static SSLSocket handshakeOffering(SSLContext context, InetSocketAddress address, String sni, String[] alpn)
            throws IOException {
        Socket plain = new Socket();
        plain.connect(address, 5000);
        plain.setSoTimeout(5000);
        SSLSocket socket = (SSLSocket)
                context.getSocketFactory().createSocket(plain, address.getHostString(), address.getPort(), true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(sni)));
        parameters.setApplicationProtocols(alpn);
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    /** The certificate the server presented on {@code socket}. */
    static X509Certificate served(SSLSocket socket) throws IOException {
        return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }

    /** The CN of {@code certificate}'s subject. */
    static String cn(X509Certificate certificate) {
        String cn = DistinguishedNames.commonName(certificate.getSubjectX500Principal());
        return cn == null ? "" : cn;
    }
}
