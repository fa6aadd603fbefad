package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;

/** {@code bind ... ssl crt ...}: TLS terminated by the proxy, certificates chosen by SNI, versions, ALPN, fetches. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsTerminationTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final SSLContext trusting = TlsFixtures.client(null);
    private final List<String> logged = new CopyOnWriteArrayList<>();

    /** A TLS frontend serving site-ecdsa.pem (the default) and a-rsa.pem, with {@code options} on its bind. */
    private FjordProxy proxy(MockWebServer web, String options, String rules) {
        return fjord.start(
                """
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 5s
                    timeout server 5s
                frontend main
                    bind 127.0.0.1:0 ssl crt %s crt %s %s
                    log global
                    log-format "%%ci %%sslv %%sslc %%ST"
                %s
                    default_backend app
                backend app
                    server web1 %s
                """.formatted(
                                TlsFixtures.path("site-ecdsa.pem"),
                                TlsFixtures.path("a-rsa.pem"),
                                options,
                                rules,
                                ProxyExtension.address(web)),
                b -> b.accessLog((entry, line) -> logged.add(line)));
    }

    @Test
    void aJdkHttpClientGetsTheServersAnswerOverTlsAndTheLogHasVersionAndCipher() throws Exception {
        MockWebServer web = fjord.mockServer();
        web.enqueue(new MockResponse.Builder().body("hello over tls").build());
        FjordProxy proxy = proxy(web, "", "");

        HttpClient client = HttpClient.newBuilder().sslContext(trusting).build();
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create(
                                "https://localhost:" + proxy.address("main").getPort() + "/a"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello over tls");
        assertThat(response.sslSession())
                .hasValueSatisfying(s -> assertThat(s.getProtocol()).isEqualTo("TLSv1.3"));
        assertThat(web.takeRequest(5, TimeUnit.SECONDS).getTarget()).isEqualTo("/a");
        awaitLogged();
        assertThat(logged.get(0))
                .matches("127\\.0\\.0\\.1 TLSv1\\.3 TLS_(AES_128_GCM_SHA256|AES_256_GCM_SHA384"
                        + "|CHACHA20_POLY1305_SHA256) 200");
    }

    @Test
    void sniPicksTheExactNameThenTheWildcardThenTheFirstCertificate() throws Exception {
        FjordProxy proxy = proxy(fjord.mockServer(), "", "");
        InetSocketAddress address = proxy.address("main");

        assertThat(servedFor(address, "a.example.test")).isEqualTo("a.example.test RSA");
        assertThat(servedFor(address, "b.example.test")).isEqualTo("localhost EC"); // *.example.test
        assertThat(servedFor(address, "localhost")).isEqualTo("localhost EC");
        assertThat(servedFor(address, "other.test")).isEqualTo("localhost EC"); // the first crt
        assertThat(servedFor(address, null)).isEqualTo("localhost EC");
    }

    @Test
    void strictSniRefusesAHandshakeWhoseNameNoCertificateHas() throws Exception {
        FjordProxy proxy = proxy(fjord.mockServer(), "strict-sni", "");
        InetSocketAddress address = proxy.address("main");

        assertThat(servedFor(address, "a.example.test")).isEqualTo("a.example.test RSA");
        assertThat(servedFor(address, "b.example.test")).isEqualTo("localhost EC");
        assertThatThrownBy(() -> servedFor(address, "other.test")).isInstanceOf(SSLException.class);
        assertThatThrownBy(() -> servedFor(address, null)).isInstanceOf(SSLException.class);
    }

    @Test
    void sslMinVerRefusesOlderVersionsAndTheDefaultAcceptsTls12() throws Exception {
        InetSocketAddress strict =
                proxy(fjord.mockServer(), "ssl-min-ver TLSv1.3", "").address("main");
        InetSocketAddress usual = proxy(fjord.mockServer(), "", "").address("main");

        assertThatThrownBy(() -> TlsFixtures.handshake(trusting, strict, "localhost", "TLSv1.2")
                        .close())
                .isInstanceOf(SSLException.class);
        try (SSLSocket tls13 = TlsFixtures.handshake(trusting, strict, "localhost", "TLSv1.3")) {
            assertThat(tls13.getSession().getProtocol()).isEqualTo("TLSv1.3");
        }
        try (SSLSocket tls12 = TlsFixtures.handshake(trusting, usual, "localhost", "TLSv1.2")) {
            assertThat(tls12.getSession().getProtocol()).isEqualTo("TLSv1.2");
        }
    }

    @Test
    void theTlsFetchesSeeTheHandshake() throws Exception {
        FjordProxy proxy = proxy(fjord.mockServer(), "", """
                    http-request return status 200 content-type text/plain string sni-a \\
                        if { ssl_fc_sni a.example.test } { ssl_fc_protocol TLSv1.2 } { ssl_fc_cipher -m sub GCM }
                    http-request return status 200 content-type text/plain string no-client-cert \\
                        if { ssl_fc } !{ ssl_c_used } { ssl_c_verify 0 }
                """);
        InetSocketAddress address = proxy.address("main");

        assertThat(get(address, "a.example.test", "TLSv1.2")).endsWith("sni-a");
        assertThat(get(address, "localhost", "TLSv1.3")).endsWith("no-client-cert");
    }

    @Test
    void alpnChoosesH2WhenTheClientOffersItAndHttp11ForAnHttp1Client() throws Exception {
        FjordProxy proxy = proxy(fjord.mockServer(), "alpn h2,http/1.1", """
                    http-request return status 200 content-type text/plain string alpn-http11 \\
                        if { ssl_fc_alpn http/1.1 }
                """);
        try (SSLSocket socket = TlsFixtures.handshakeOffering(
                trusting, proxy.address("main"), "localhost", new String[] {"h2", "http/1.1"})) {
            assertThat(socket.getApplicationProtocol()).isEqualTo("h2");
        }
        try (SSLSocket socket = TlsFixtures.handshakeOffering(
                trusting, proxy.address("main"), "localhost", new String[] {"http/1.1"})) {
            assertThat(socket.getApplicationProtocol()).isEqualTo("http/1.1");
            assertThat(exchange(socket)).endsWith("alpn-http11");
        }
    }

    @Test
    void redirectSchemeHttpsSendsPlainRequestsToTls() throws Exception {
        MockWebServer web = fjord.mockServer();
        web.enqueue(new MockResponse.Builder().body("secure").build());
        FjordProxy proxy = fjord.start("""
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 5s
                    timeout server 5s
                frontend main
                    bind 127.0.0.2:0
                    bind 127.0.0.1:0 ssl crt %s
                    redirect scheme https code 301 if !{ ssl_fc }
                    default_backend app
                backend app
                    server web1 %s
                """.formatted(TlsFixtures.path("site-ecdsa.pem"), ProxyExtension.address(web)));
        InetSocketAddress plain = proxy.addresses("main").get(0);
        InetSocketAddress tls = proxy.addresses("main").get(1);

        try (RawClient client = new RawClient(plain)) {
            String response = client.send(
                            "GET /cart?x=1 HTTP/1.1\r\nHost: shop.example.test\r\nConnection: close\r\n\r\n")
                    .readUntilClose();
            assertThat(response)
                    .startsWith("HTTP/1.1 301")
                    .containsIgnoringCase("location: https://shop.example.test/cart?x=1");
        }
        try (SSLSocket socket = TlsFixtures.handshake(trusting, tls, "localhost")) {
            assertThat(exchange(socket)).startsWith("HTTP/1.1 200").endsWith("secure");
        }
    }

    /** The certificate served for {@code sni}: a fresh client each time, which resumes no session. */
    private static String servedFor(InetSocketAddress address, String sni) throws IOException {
        try (SSLSocket socket = TlsFixtures.handshake(TlsFixtures.client(null), address, sni)) {
            var served = TlsFixtures.served(socket);
            return TlsFixtures.cn(served) + " " + served.getPublicKey().getAlgorithm();
        }
    }

    private String get(InetSocketAddress address, String sni, String protocol) throws IOException {
        try (SSLSocket socket = TlsFixtures.handshake(TlsFixtures.client(null), address, sni, protocol)) {
            return exchange(socket);
        }
    }

    /** Sends a GET with Connection: close and reads the whole response. */
    static String exchange(SSLSocket socket) throws IOException {
        return exchange(socket, "/");
    }

    /** Sends a GET of {@code path} with Connection: close and reads the whole response. */
    static String exchange(SSLSocket socket, String path) throws IOException {
        socket.getOutputStream()
                .write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    private void awaitLogged() throws InterruptedException {
        for (int i = 0; i < 100 && logged.isEmpty(); i++) {
            Thread.sleep(20);
        }
        assertThat(logged).isNotEmpty();
    }
}
