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
 * An ECDSA and an RSA certificate for the same names on one bind: each client is served the one its ClientHello can
 * use, as HAProxy 2.6 serves it, checked with {@code openssl s_client} against both on the same files.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KeyTypeSelectionTest {
    private static final String ECDSA = "Server public key is 256 bit";
    private static final String RSA = "Server public key is 2048 bit";
    private static final String BIND =
            "ssl crt " + TlsFixtures.path("site-ecdsa.pem") + " crt " + TlsFixtures.path("site-rsa.pem");
    private static final String RSA_ONLY_SIGALGS = "rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:RSA+SHA256";

    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @TempDir
    Path dir;

    @BeforeEach
    void openssl() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed (/usr/bin/openssl)");
    }

    private int fjordPort() {
        return fjord.start("""
                        defaults
                            mode http
                            timeout client 5s
                        frontend main
                            bind 127.0.0.1:0 %s
                            http-request return status 200 content-type text/plain string fjord
                        """.formatted(BIND)).address("main").getPort();
    }

    @Test
    void eachClientGetsTheKeyTypeItCanUse() throws Exception {
        int port = fjordPort();

        assertThat(s_client(port, "localhost")).contains(ECDSA);
        assertThat(s_client(port, "localhost", "-sigalgs", RSA_ONLY_SIGALGS))
                .contains(RSA)
                .contains("TLSv1.3");
        assertThat(s_client(port, "localhost", "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"))
                .contains(RSA);
        assertThat(s_client(port, "localhost", "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"))
                .contains(ECDSA);
        assertThat(s_client(port, "b.example.test", "-sigalgs", RSA_ONLY_SIGALGS))
                .contains(RSA); // by wildcard
        assertThat(s_client(port, "b.example.test")).contains(ECDSA);
    }

    @Test
    void haproxyChoosesAlike() throws Exception {
        HaproxyProcess.assumeInstalled();
        int haproxyPort = HaproxyProcess.freePort();
        String cfg = HaproxyProcess.answering(haproxyPort, BIND, "haproxy");
        int fjordPort = fjordPort();
        try (HaproxyProcess haproxy = HaproxyProcess.start(dir, cfg, haproxyPort)) {
            for (List<String> client : List.of(
                    List.of("localhost"),
                    List.of("localhost", "-sigalgs", RSA_ONLY_SIGALGS),
                    List.of("localhost", "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"),
                    List.of("b.example.test", "-sigalgs", RSA_ONLY_SIGALGS))) {
                String[] options = client.subList(1, client.size()).toArray(new String[0]);
                String fromHaproxy = keyLine(s_client(haproxyPort, client.get(0), options));
                assertThat(fromHaproxy).as(haproxy.output()).isNotEmpty();
                assertThat(keyLine(s_client(fjordPort, client.get(0), options)))
                        .as(client.toString())
                        .isEqualTo(fromHaproxy);
            }
        }
    }

    private static String keyLine(String out) {
        return out.lines()
                .filter(l -> l.startsWith("Server public key"))
                .findFirst()
                .orElse("");
    }

    private String s_client(int port, String sni, String... options) throws Exception {
        return CommandRun.run(dir, 300, CommandRun.sClient(port, sni, options)).out();
    }
}
