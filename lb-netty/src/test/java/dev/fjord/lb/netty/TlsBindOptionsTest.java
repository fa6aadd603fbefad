package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The global {@code ssl-default-bind-*} lines (as Mozilla's configuration generator writes them) and the bind options
 * {@code curves}, {@code no-tls-tickets}, {@code prefer-client-ciphers}, seen by {@code openssl s_client}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsBindOptionsTest {
    private static final String ECDSA_AES = "ECDHE-ECDSA-AES128-GCM-SHA256";
    private static final String ECDSA_CHACHA = "ECDHE-ECDSA-CHACHA20-POLY1305";

    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @TempDir
    Path dir;

    @BeforeEach
    void openssl() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed (/usr/bin/openssl)");
    }

    /** A TLS frontend answering 200 itself, with {@code global} lines and {@code options} on its bind. */
    private int proxy(String global, String options) {
        return fjord.start("""
                        global
                        %s
                        defaults
                            mode http
                            timeout client 5s
                        frontend main
                            bind 127.0.0.1:0 ssl crt %s %s
                            http-request return status 200 content-type text/plain string fjord
                        """.formatted(global, TlsFixtures.path("site-ecdsa.pem"), options))
                .address("main")
                .getPort();
    }

    @Test
    void sslDefaultBindLinesApplyToEveryTlsBindAndTheBindsOwnOptionsWin() throws Exception {
        int port = proxy("""
                    ssl-default-bind-ciphers %s:%s
                    ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets
                """.formatted(ECDSA_CHACHA, ECDSA_AES), "ssl-max-ver TLSv1.2");

        assertThat(s_client(port, "-tls1_2").out()).contains("Cipher is " + ECDSA_CHACHA); // the server's order
        assertThat(s_client(port, "-tls1_2", "-cipher", ECDSA_AES).out()).contains("Cipher is " + ECDSA_AES);
        assertThat(s_client(port, "-tls1_2", "-cipher", "AES128-SHA").out()).doesNotContain("Cipher is AES128-SHA");
        assertThat(s_client(port, "-tls1_3").out()).doesNotContain("TLSv1.3, Cipher"); // ssl-max-ver of the bind
    }

    @Test
    void ciphersConcernTls12AloneAndMozillasCurveNamesAreTaken() throws Exception {
        int port = proxy("""
                    ssl-default-bind-curves X25519:prime256v1:secp384r1
                    ssl-default-bind-ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384
                """, "ciphers " + ECDSA_AES);

        for (String group : List.of("X25519", "prime256v1", "secp384r1")) {
            assertThat(s_client(port, "-groups", group).out()).as(group).contains("New, TLSv1.3");
        }
        assertThat(s_client(port, "-groups", "secp521r1").out()).doesNotContain("New, TLSv1.3");
        assertThat(s_client(proxy("", "ciphers " + ECDSA_AES), "-tls1_3").out()).contains("New, TLSv1.3");
    }

    @Test
    void preferClientCiphersLetsTheClientsOrderWin() throws Exception {
        String both = ECDSA_CHACHA + ":" + ECDSA_AES;
        String clientOrder = ECDSA_AES + ":" + ECDSA_CHACHA;

        int serverFirst = proxy("", "ciphers " + both);
        assertThat(s_client(serverFirst, "-tls1_2", "-cipher", clientOrder).out())
                .contains("Cipher is " + ECDSA_CHACHA);
        int clientFirst = proxy("", "ciphers " + both + " prefer-client-ciphers");
        assertThat(s_client(clientFirst, "-tls1_2", "-cipher", clientOrder).out())
                .contains("Cipher is " + ECDSA_AES);
    }

    @Test
    void curvesLimitTheKeyExchangeGroups() throws Exception {
        int port = proxy("    ssl-default-bind-curves X25519:P-256", "curves P-384");

        assertThat(s_client(port, "-tls1_3", "-groups", "P-384").out()).contains("New, TLSv1.3");
        assertThat(s_client(port, "-tls1_3", "-groups", "X25519:P-256").out()).doesNotContain("New, TLSv1.3");
    }

    @Test
    void noTlsTicketsIssuesNoTicketSoNoSessionResumes() throws Exception {
        String session = dir.resolve("session.pem").toString();
        int with = proxy("", "");
        CommandRun first = s_client(with, 1000, "-tls1_3", "-sess_out", session);
        assertThat(first.out()).contains("Post-Handshake New Session Ticket arrived");
        assertThat(s_client(with, 300, "-tls1_3", "-sess_in", session).out()).contains("Reused, TLSv1.3");

        int without = proxy("", "no-tls-tickets");
        CommandRun none = s_client(without, 1000, "-tls1_3", "-sess_out", session);
        assertThat(none.out()).contains("New, TLSv1.3").doesNotContain("New Session Ticket arrived");
        // tls-tickets undoes ssl-default-bind-options no-tls-tickets
        int again = proxy("    ssl-default-bind-options no-tls-tickets", "tls-tickets");
        assertThat(s_client(again, 1000, "-tls1_3").out()).contains("Post-Handshake New Session Ticket arrived");
    }

    private CommandRun s_client(int port, String... options) throws Exception {
        return s_client(port, 300, options);
    }

    /** {@code openssl s_client} to {@code port}, sending a GET and reading for {@code millis}. */
    private CommandRun s_client(int port, long millis, String... options) throws Exception {
        return CommandRun.run(dir, millis, CommandRun.sClient(port, "localhost", options));
    }
}
