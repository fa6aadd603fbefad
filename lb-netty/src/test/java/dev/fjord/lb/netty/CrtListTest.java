package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.fjord.lb.core.Address;
import dev.fjord.lb.core.CrtList;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.TlsBind;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;

/**
 * {@code bind ... ssl crt-list FILE}: each line's certificate served for its SNI filters with the options in its
 * brackets, relative paths from {@code crt-base}, the key in a file of its own.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CrtListTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @TempDir
    Path dir;

    private final SSLContext trusting = TlsFixtures.client(null);

    /**
     * The default certificate offers h2; a.example.test only TLS 1.3 and HTTP/1.1; the wildcard line (RSA, no ALPN)
     * all of example.test but secure.example.test; split.example.test the RSA certificate with its key apart, both
     * named relative to {@code crt-base}.
     */
    private InetSocketAddress proxy(MockWebServer web) throws IOException {
        String rsa = Files.readString(TlsFixtures.file("site-rsa.pem"));
        int key = rsa.indexOf("-----BEGIN PRIVATE KEY-----");
        Files.writeString(dir.resolve("split.pem"), rsa.substring(0, key));
        Files.writeString(dir.resolve("split.key"), rsa.substring(key));
        Path list = dir.resolve("certs.list");
        Files.writeString(list, """
                # the first line is the default certificate
                %s [alpn h2,http/1.1] *
                %s [ alpn http/1.1 ssl-min-ver TLSv1.3 ] a.example.test

                %s [no-alpn] *.example.test !secure.example.test
                split.pem [key split.key] split.example.test
                """.formatted(
                TlsFixtures.path("site-ecdsa.pem"), TlsFixtures.path("a-rsa.pem"), TlsFixtures.path("site-rsa.pem")));
        return fjord.start("""
                        global
                            crt-base %s
                        defaults
                            mode http
                            timeout connect 2s
                            timeout client 5s
                            timeout server 5s
                        frontend main
                            bind 127.0.0.1:0 ssl crt-list certs.list
                            http-request return status 200 content-type text/plain string no-alpn \\
                                if { path /alpn } !{ ssl_fc_alpn h2 } !{ ssl_fc_alpn http/1.1 }
                            default_backend app
                        backend app
                            server web1 %s
                        """.formatted(dir, ProxyExtension.address(web))).address("main");
    }

    @Test
    void eachNameGetsItsLinesCertificateAndTheFirstLineIsTheDefault() throws Exception {
        InetSocketAddress address = proxy(fjord.mockServer());

        assertThat(served(address, "a.example.test", null)).isEqualTo("a.example.test RSA");
        assertThat(served(address, "b.example.test", null)).isEqualTo("localhost RSA"); // the wildcard line
        assertThat(served(address, "secure.example.test", null)).isEqualTo("localhost EC"); // excluded: the default
        assertThat(served(address, "localhost", null)).isEqualTo("localhost EC"); // '*' replaces its own names
        assertThat(served(address, null, null)).isEqualTo("localhost EC");
        assertThat(served(address, "split.example.test", null)).isEqualTo("localhost RSA"); // key from split.key
    }

    @Test
    void aLinesOptionsApplyToItsCertificateOnly() throws Exception {
        MockWebServer web = fjord.mockServer();
        web.enqueue(new MockResponse.Builder().body("from web1").build());
        InetSocketAddress address = proxy(web);

        // ssl-min-ver TLSv1.3 on a.example.test's line, the bind's TLS 1.2 elsewhere
        assertThatThrownBy(() -> served(address, "a.example.test", "TLSv1.2")).isInstanceOf(SSLException.class);
        assertThat(served(address, "localhost", "TLSv1.2")).isEqualTo("localhost EC");
        // alpn: h2 on the default's line (HTTP/2 spoken then), http/1.1 on a.example.test's, none on the wildcard's
        String[] both = {"h2", "http/1.1"};
        try (SSLSocket socket = TlsFixtures.handshakeOffering(trusting, address, "localhost", both)) {
            assertThat(socket.getApplicationProtocol()).isEqualTo("h2");
        }
        try (SSLSocket socket =
                TlsFixtures.handshakeOffering(TlsFixtures.client(null), address, "a.example.test", both)) {
            assertThat(socket.getApplicationProtocol()).isEqualTo("http/1.1");
            assertThat(TlsTerminationTest.exchange(socket))
                    .startsWith("HTTP/1.1 200")
                    .endsWith("from web1");
        }
        try (SSLSocket socket =
                TlsFixtures.handshakeOffering(TlsFixtures.client(null), address, "b.example.test", both)) {
            assertThat(socket.getApplicationProtocol()).isEmpty();
            assertThat(TlsTerminationTest.exchange(socket, "/alpn")).endsWith("no-alpn");
        }
    }

    @Test
    void aWrongLineStopsTheStartNamingTheFileAndLine() throws Exception {
        Path list = dir.resolve("bad.list");
        Files.writeString(
                list,
                TlsFixtures.path("site-ecdsa.pem") + "\n" + TlsFixtures.path("a-rsa.pem")
                        + " [ocsp-update on] a.example.test\n");

        assertThatThrownBy(() -> fjord.start("frontend main\n    bind 127.0.0.1:0 ssl crt-list " + list
                        + "\n    default_backend app\nbackend app\n    server web1 127.0.0.1:1\n"))
                .hasMessageContaining("crt-list " + list + ":2: option 'ocsp-update' is not supported yet"
                        + " (supported in [...]: alpn, no-alpn, ssl-min-ver, ssl-max-ver, ciphers, ciphersuites,"
                        + " curves, ca-file, verify, key)");
    }

    @Test
    void aSessionResumesOnlyUnderTheSettingsItWasMadeUnder() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed (/usr/bin/openssl)");
        MockWebServer web = fjord.mockServer();
        web.enqueue(new MockResponse.Builder().body("from web1").build()); // BoringSSL sends the ticket with it
        int port = proxy(web).getPort();
        String session = dir.resolve("session.pem").toString();
        CommandRun made = CommandRun.run(dir, 1000, openssl(port, "localhost", "-sess_out", session));
        assertThat(made.out()).as(made.err()).contains("New, TLSv1.3");

        // offered for a name another line serves (openssl sends the SNI asked, Java's client the session's), the
        // session is refused: a full handshake with that line's certificate and options (its verify, its versions)
        CommandRun other = CommandRun.run(dir, 300, openssl(port, "a.example.test", "-sess_in", session));
        assertThat(other.out()).as(other.err()).contains("New, TLSv1.3").contains("CN = a.example.test");
        // offered again for its own name, it resumes
        CommandRun same = CommandRun.run(dir, 300, openssl(port, "localhost", "-sess_in", session));
        assertThat(same.out()).as(same.err()).contains("Reused, TLSv1.3");
        // each line's settings have a session ID context of their own; certificates served alike share one
        TlsBind bind = ProxyConfig.builder()
                .frontend(
                        "main",
                        f -> f.bind(
                                        "127.0.0.1:0",
                                        o -> o.ssl(t -> t.crt("site.pem").alpn("h2", "http/1.1")))
                                .defaultBackend("app"))
                .backend("app", b -> b.server("web1", "127.0.0.1:1"))
                .build()
                .frontends()
                .get("main")
                .bindOptions(Address.parse("127.0.0.1:0"))
                .tls();
        byte[] bindContext = FrontendTls.sessionIdContext(bind);
        assertThat(bindContext).hasSize(32);
        assertThat(FrontendTls.sessionIdContext(settings(bind, "a.example.test")))
                .isEqualTo(bindContext);
        assertThat(FrontendTls.sessionIdContext(settings(bind, "[alpn http/1.1]")))
                .isNotEqualTo(bindContext);
        assertThat(FrontendTls.sessionIdContext(settings(bind, "[ssl-min-ver TLSv1.3]")))
                .isNotEqualTo(bindContext);
    }

    private static String[] openssl(int port, String sni, String... more) {
        List<String> options = new ArrayList<>(List.of("-tls1_3"));
        options.addAll(List.of(more));
        return CommandRun.sClient(port, sni, options.toArray(new String[0]));
    }

    private static TlsBind settings(TlsBind bind, String line) {
        return bind.settingsOf(
                CrtList.parse("test", List.of("other.pem " + line), null, null).get(0));
    }

    /** The CN and key algorithm of the certificate served for {@code sni}, over {@code protocol} (null: any). */
    private static String served(InetSocketAddress address, @Nullable String sni, @Nullable String protocol)
            throws IOException {
        SSLContext fresh = TlsFixtures.client(null); // resumes no session
        try (SSLSocket socket = protocol == null
                ? TlsFixtures.handshake(fresh, address, sni)
                : TlsFixtures.handshake(fresh, address, sni, protocol)) {
            var certificate = TlsFixtures.served(socket);
            return TlsFixtures.cn(certificate) + " "
                    + certificate.getPublicKey().getAlgorithm();
        }
    }
}
