package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real clients against a TLS frontend: {@code curl --http2} (ALPN h2, an HTTP/1.1 server behind) and
 * {@code curl --http1.1} verifying the test CA, with SNI choosing the
 * certificate ({@code --resolve}); {@code openssl s_client -reconnect} resuming sessions by ticket; and HAProxy 2.6
 * serving the same certificate files beside Fjord. Each skips, saying why, when its program is missing.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TlsCommandLineClientsTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @TempDir
    Path dir;

    private static final String BIND_OPTIONS = "ssl crt " + TlsFixtures.path("site-ecdsa.pem") + " crt "
            + TlsFixtures.path("a-rsa.pem") + " ca-file " + TlsFixtures.path("ca.pem") + " verify optional";

    private int fjordPort() {
        return fjord.start("""
                        defaults
                            mode http
                            timeout client 5s
                        frontend main
                            bind 127.0.0.1:0 %s
                            http-request return status 200 content-type text/plain string fjord-tls
                        """.formatted(BIND_OPTIONS)).address("main").getPort();
    }

    @Test
    void curlSpeaksHttp2OverTlsWhenAlpnOffersH2AndTheServerSeesHttp11() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed (/usr/bin/curl)");
        mockwebserver3.MockWebServer web = fjord.mockServer();
        web.enqueue(new mockwebserver3.MockResponse.Builder()
                .body("from-http11-server")
                .build());
        int port = fjord.start("""
                        defaults
                            mode http
                            timeout connect 2s
                            timeout client 5s
                            timeout server 5s
                        frontend main
                            bind 127.0.0.1:0 ssl crt %s alpn h2,http/1.1
                            default_backend app
                        backend app
                            server web %s
                        """.formatted(TlsFixtures.path("site-ecdsa.pem"), ProxyExtension.address(web)))
                .address("main")
                .getPort();

        CommandRun h2 = run(
                "/usr/bin/curl",
                "--http2",
                "-sS",
                "-w",
                " %{http_version}",
                "--cacert",
                TlsFixtures.path("ca.pem"),
                "https://localhost:" + port + "/h2");
        assertThat(h2.out()).isEqualTo("from-http11-server 2");
        mockwebserver3.RecordedRequest seen = web.takeRequest(5, TimeUnit.SECONDS);
        assertThat(seen).isNotNull();
        assertThat(seen.getRequestLine()).isEqualTo("GET /h2 HTTP/1.1");
    }

    @Test
    void curlVerifiesEachCertificateSniChooses() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed (/usr/bin/curl)");
        int port = fjordPort();

        CommandRun localhost = run(
                "/usr/bin/curl",
                "--http1.1",
                "-sS",
                "-v",
                "--cacert",
                TlsFixtures.path("ca.pem"),
                "https://localhost:" + port + "/");
        assertThat(localhost.out()).isEqualTo("fjord-tls");
        assertThat(localhost.err()).contains("CN=localhost").contains("SSL certificate verify ok");

        CommandRun a = curlResolving("a.example.test", port);
        assertThat(a.out()).isEqualTo("fjord-tls");
        assertThat(a.err()).contains("CN=a.example.test");
        CommandRun b = curlResolving("b.example.test", port); // the wildcard of site-ecdsa.pem
        assertThat(b.out()).isEqualTo("fjord-tls");
        assertThat(b.err()).contains("subject: O=Fjord Test; CN=localhost");
    }

    @Test
    void opensslResumesSessionsByTicketWithTls12AndTls13() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed (/usr/bin/openssl)");
        int port = fjordPort();
        String[] connect = CommandRun.sClient(port, "localhost");
        // TLS 1.2: one full handshake, then five reconnections resuming the session
        CommandRun tls12 = run(0, concat(connect, "-tls1_2", "-reconnect"));
        assertThat(tls12.out().lines().filter(l -> l.startsWith("New,"))).hasSize(1);
        assertThat(tls12.out().lines().filter(l -> l.startsWith("Reused,"))).hasSize(5);
        // TLS 1.3: the ticket comes after the handshake (BoringSSL sends it with the first response), so the first
        // client sends a request and stays a moment to read it
        String session = dir.resolve("session.pem").toString();
        assertThat(run(1000, concat(connect, "-tls1_3", "-sess_out", session)).out())
                .contains("New, TLSv1.3");
        CommandRun resumed = run(300, concat(connect, "-tls1_3", "-sess_in", session));
        assertThat(resumed.out()).as(resumed.err()).contains("Reused, TLSv1.3");
    }

    private static String[] concat(String[] first, String... more) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }

    @Test
    void haproxyServesTheSameCertificateFilesAsFjord() throws Exception {
        HaproxyProcess.assumeInstalled();
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed (/usr/bin/curl)");
        int haproxyPort = HaproxyProcess.freePort();
        String cfg = HaproxyProcess.answering(haproxyPort, BIND_OPTIONS, "haproxy-tls");
        int fjordPort = fjordPort();
        try (HaproxyProcess haproxy = HaproxyProcess.start(dir, cfg, haproxyPort)) {
            // not a.example.test: HAProxy 2.6 prefers an ECDSA certificate matching by wildcard over an RSA one
            // matching exactly, for clients that take ECDSA; Fjord serves the exact match (see the README)
            for (String name : List.of("localhost", "b.example.test")) {
                CommandRun fromHaproxy = curlResolving(name, haproxyPort);
                CommandRun fromFjord = curlResolving(name, fjordPort);
                assertThat(fromHaproxy.out()).as(haproxy.output()).isEqualTo("haproxy-tls");
                assertThat(fromFjord.out()).isEqualTo("fjord-tls");
                assertThat(subject(fromFjord.err()))
                        .isEqualTo(subject(fromHaproxy.err()))
                        .isNotEmpty();
            }
        }
    }

    private static String subject(String curlVerbose) {
        return curlVerbose
                .lines()
                .filter(l -> l.contains("subject:"))
                .findFirst()
                .orElse("")
                .strip();
    }

    private CommandRun curlResolving(String name, int port) throws Exception {
        return run(
                "/usr/bin/curl",
                "--http1.1",
                "-sS",
                "-v",
                "--cacert",
                TlsFixtures.path("ca.pem"),
                "--resolve",
                name + ":" + port + ":127.0.0.1",
                "https://" + name + ":" + port + "/");
    }

    private CommandRun run(String... command) throws IOException, InterruptedException {
        return CommandRun.run(dir, 0, command);
    }

    private CommandRun run(long stdinMillis, String... command) throws IOException, InterruptedException {
        return CommandRun.run(dir, stdinMillis, command);
    }
}
