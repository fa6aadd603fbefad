package dev.fjord.lb.examples.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** The checks of the compatibility set's TLS files: HTTPS clients trusting the set's test CA ({@code ca.pem}). */
final class TlsChecks {
    private static final String GET = "GET / HTTP/1.1\r\nHost: www.example.com\r\nConnection: close\r\n\r\n";

    private TlsChecks() {}

    static Map<String, CompatCheck> all() {
        Map<String, CompatCheck> checks = new LinkedHashMap<>();
        checks.put(
                "31-mozilla-intermediate-tls.cfg",
                CompatCheck.of(
                        "HTTPS (TLS 1.3, or 1.2 with a cipher of the list) answered with HSTS, plain HTTP redirected",
                        run -> {
                            List<InetSocketAddress> binds = run.proxy().addresses("www");
                            for (String version : List.of("TLSv1.3", "TLSv1.2")) {
                                try (SSLSocket socket = https(binds.get(0), version)) {
                                    assertThat(socket.getSession().getProtocol())
                                            .isEqualTo(version);
                                    if (version.equals("TLSv1.2")) {
                                        assertThat(socket.getSession().getCipherSuite())
                                                .startsWith("TLS_ECDHE_ECDSA_WITH_");
                                    }
                                    HttpReply reply = HttpReply.parse(exchange(socket));
                                    assertThat(reply.status()).isEqualTo(200);
                                    assertThat(reply.header("Strict-Transport-Security"))
                                            .isEqualTo("max-age=63072000");
                                }
                            }
                            try (Socket plain = new Socket()) {
                                plain.connect(binds.get(1), 10_000);
                                plain.setSoTimeout(10_000);
                                HttpReply reply = HttpReply.parse(exchange(plain));
                                assertThat(reply.status()).isEqualTo(301);
                                assertThat(reply.header("Location")).isEqualTo("https://www.example.com/");
                            }
                        }));
        return checks;
    }

    /** A handshake with {@code address} over {@code version}, SNI {@code localhost}, offering HTTP/1.1 by ALPN. */
    private static SSLSocket https(InetSocketAddress address, String version) throws Exception {
        SSLSocket socket = (SSLSocket) trustingTheSetsCa().getSocketFactory().createSocket();
        socket.connect(address, 10_000);
        socket.setSoTimeout(10_000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName("localhost")));
        parameters.setProtocols(new String[] {version});
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    private static byte[] exchange(Socket socket) throws Exception {
        socket.getOutputStream().write(GET.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return CompatRun.readToEnd(socket);
    }

    private static SSLContext trustingTheSetsCa() throws Exception {
        Path ca = Path.of(Objects.requireNonNull(TlsChecks.class.getResource("/compat/ca.pem"), "ca.pem")
                .toURI());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(ca)) {
            trust.setCertificateEntry(
                    "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers.getTrustManagers(), null);
        return context;
    }
}
