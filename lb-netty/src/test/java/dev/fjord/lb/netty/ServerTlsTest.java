package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.CheckResult;
import dev.fjord.lb.core.CheckStatus;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/** {@code server ... ssl}: TLS to servers, verified or not, with SNI, client certificates, checks and reuse. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServerTlsTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    /** A MockWebServer over TLS with {@code pem}'s certificate, answering 200 {@code tls-ok} to everything. */
    private MockWebServer tlsServer(String pem, boolean requireClientCertificate) throws Exception {
        MockWebServer web = fjord.mockServer();
        PemBundle bundle = PemBundle.read(TlsFixtures.file(pem));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", bundle.key(), new char[0], bundle.chain().toArray(new X509Certificate[0]));
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance("PKIX");
        keyManagers.init(keys, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry(
                "ca", PemBundle.caCertificates(TlsFixtures.file("ca.pem")).get(0));
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        web.useHttps(context.getSocketFactory());
        if (requireClientCertificate) {
            web.requireClientAuth();
        }
        web.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return new MockResponse.Builder().body("tls-ok").build();
            }
        });
        return web;
    }

    private FjordProxy proxy(MockWebServer web, String serverOptions) {
        return fjord.start("""
                defaults
                    mode http
                    option http-keep-alive
                    timeout connect 2s
                    timeout client 5s
                    timeout server 5s
                frontend main
                    bind 127.0.0.1:0
                    default_backend app
                backend app
                    option httpchk GET /health
                    server web1 %s %s
                """.formatted(ProxyExtension.address(web), serverOptions));
    }

    private static String get(FjordProxy proxy, String host) throws Exception {
        try (RawClient client = new RawClient(proxy.address("main"))) {
            return client.send("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .readUntilClose();
        }
    }

    @Test
    void verifyRequiredWithTheCaAndSniReachesTheServerAndSendsTheSni() throws Exception {
        MockWebServer web = tlsServer("site-ecdsa.pem", false);
        FjordProxy proxy =
                proxy(web, "ssl verify required ca-file " + TlsFixtures.path("ca.pem") + " sni str(localhost)");

        assertThat(get(proxy, "x")).startsWith("HTTP/1.1 200").endsWith("tls-ok");
        RecordedRequest request = web.takeRequest(5, TimeUnit.SECONDS);
        assertThat(request.getHandshakeServerNames()).containsExactly("localhost");
        assertThat(request.getHandshake().tlsVersion().javaName()).isEqualTo("TLSv1.3");
    }

    @Test
    void verifyRequiredRefusesAnUntrustedServerOrOneWhoseNameIsNotTheSni() throws Exception {
        String ca = TlsFixtures.path("ca.pem");
        FjordProxy untrusted =
                proxy(tlsServer("self-signed.pem", false), "ssl verify required ca-file " + ca + " sni str(localhost)");
        FjordProxy wrongName =
                proxy(tlsServer("site-ecdsa.pem", false), "ssl verify required ca-file " + ca + " sni str(other.test)");

        assertThat(get(untrusted, "x")).startsWith("HTTP/1.1 503");
        assertThat(get(wrongName, "x")).startsWith("HTTP/1.1 503");
    }

    @Test
    void ciphersAndVersionsFromTheServerLineOrTheGlobalSslDefaultServerLines() throws Exception {
        MockWebServer own = tlsServer("site-ecdsa.pem", false);
        FjordProxy proxy = proxy(own, "ssl verify none ssl-max-ver TLSv1.2 ciphers ECDHE-ECDSA-AES128-GCM-SHA256");
        assertThat(get(proxy, "x")).endsWith("tls-ok");
        assertThat(own.takeRequest(5, TimeUnit.SECONDS)
                        .getHandshake()
                        .cipherSuite()
                        .javaName())
                .isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");

        MockWebServer defaults = tlsServer("site-ecdsa.pem", false);
        FjordProxy fromGlobal = fjord.start("""
                global
                    ssl-default-server-ciphers ECDHE-ECDSA-CHACHA20-POLY1305
                    ssl-default-server-options no-tlsv13 no-tls-tickets
                defaults
                    mode http
                frontend main
                    bind 127.0.0.1:0
                    default_backend app
                backend app
                    default-server verify none
                    server web1 %s ssl
                """.formatted(ProxyExtension.address(defaults)));
        assertThat(get(fromGlobal, "x")).endsWith("tls-ok");
        var handshake = defaults.takeRequest(5, TimeUnit.SECONDS).getHandshake();
        assertThat(handshake.tlsVersion().javaName()).isEqualTo("TLSv1.2");
        assertThat(handshake.cipherSuite().javaName()).isEqualTo("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
    }

    @Test
    void verifyNoneTakesAnyCertificate() throws Exception {
        FjordProxy proxy = proxy(tlsServer("self-signed.pem", false), "ssl verify none");
        assertThat(get(proxy, "x")).startsWith("HTTP/1.1 200").endsWith("tls-ok");
    }

    @Test
    void aClientCertificateIsPresentedWithCrt() throws Exception {
        String ca = TlsFixtures.path("ca.pem");
        MockWebServer web = tlsServer("site-ecdsa.pem", true);
        FjordProxy with = proxy(web, "ssl ca-file " + ca + " crt " + TlsFixtures.path("client.pem"));
        FjordProxy without = proxy(tlsServer("site-ecdsa.pem", true), "ssl ca-file " + ca);

        assertThat(get(with, "x")).startsWith("HTTP/1.1 200");
        X509Certificate presented = (X509Certificate) web.takeRequest(5, TimeUnit.SECONDS)
                .getHandshake()
                .peerCertificates()
                .get(0);
        assertThat(TlsFixtures.cn(presented)).isEqualTo("fjord-client");
        assertThat(get(without, "x")).doesNotStartWith("HTTP/1.1 200");
    }

    @Test
    void sniFromTheHostHeaderAndPooledConnectionsReusedOnlyForTheSameSni() throws Exception {
        MockWebServer web = tlsServer("site-ecdsa.pem", false);
        FjordProxy proxy = proxy(web, "ssl ca-file " + TlsFixtures.path("ca.pem") + " sni req.hdr(host)");

        assertThat(get(proxy, "a.example.test:8443")).startsWith("HTTP/1.1 200");
        assertThat(get(proxy, "a.example.test")).startsWith("HTTP/1.1 200");
        assertThat(get(proxy, "b.example.test")).startsWith("HTTP/1.1 200");
        RecordedRequest first = web.takeRequest(5, TimeUnit.SECONDS);
        RecordedRequest second = web.takeRequest(5, TimeUnit.SECONDS);
        RecordedRequest third = web.takeRequest(5, TimeUnit.SECONDS);
        assertThat(first.getHandshakeServerNames()).containsExactly("a.example.test");
        assertThat(second.getConnectionIndex()).isEqualTo(first.getConnectionIndex()); // reused
        assertThat(third.getHandshakeServerNames()).containsExactly("b.example.test");
        assertThat(third.getConnectionIndex()).isNotEqualTo(first.getConnectionIndex());
    }

    @Test
    void healthChecksGoOverTlsAndFailOnAnUntrustedServer() throws Exception {
        String ca = TlsFixtures.path("ca.pem");
        FjordProxy good = proxy(
                tlsServer("site-ecdsa.pem", false), "ssl ca-file " + ca + " check-sni localhost check inter 100ms");
        FjordProxy bad = proxy(
                tlsServer("self-signed.pem", false), "ssl ca-file " + ca + " sni str(localhost) check inter 100ms");

        assertThat(awaitCheck(good).status()).isEqualTo(CheckStatus.L7OK);
        CheckResult refused = awaitCheck(bad);
        assertThat(refused.status()).isEqualTo(CheckStatus.L6RSP);
    }

    private static CheckResult awaitCheck(FjordProxy proxy) throws InterruptedException {
        var server = proxy.router().backend("app").requireServer("web1");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            CheckResult last = proxy.healthChecks().lastCheck(server);
            if (last != null) {
                return last;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no check within 10 s");
    }
}
