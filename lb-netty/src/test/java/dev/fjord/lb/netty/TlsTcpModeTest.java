package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * TLS terminated in {@code mode tcp}: the TLS fetches route the decrypted stream ({@code use_backend} on
 * {@code ssl_fc_sni}) and reach the log, as in HAProxy.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsTcpModeTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final List<String> logged = new CopyOnWriteArrayList<>();

    @Test
    void theSniRoutesTheDecryptedStreamAndIsLogged() throws Exception {
        try (EchoServer a = new EchoServer("a");
                EchoServer other = new EchoServer("other")) {
            FjordProxy proxy = fjord.start(
                    """
                    defaults
                        mode tcp
                        timeout connect 2s
                        timeout client 5s
                        timeout server 5s
                    frontend main
                        bind 127.0.0.1:0 ssl crt %s crt %s
                        log global
                        log-format "%%b %%[ssl_fc_sni] %%sslv"
                        use_backend site_a if { ssl_fc_sni a.example.test }
                        default_backend others
                    backend site_a
                        server a 127.0.0.1:%d
                    backend others
                        server other 127.0.0.1:%d
                    """.formatted(
                            TlsFixtures.path("site-ecdsa.pem"), TlsFixtures.path("a-rsa.pem"), a.port(), other.port()),
                    b -> b.accessLog((entry, line) -> logged.add(line)));
            InetSocketAddress address = proxy.address("main");

            assertThat(exchange(address, "a.example.test")).containsExactly("a", "hello");
            assertThat(exchange(address, "localhost")).containsExactly("other", "hello");
            assertThat(exchange(address, null)).containsExactly("other", "hello");

            Waits.until(() -> logged.size() >= 3, "three sessions logged");
            assertThat(logged)
                    .containsExactlyInAnyOrder(
                            "site_a a.example.test TLSv1.3", "others localhost TLSv1.3", "others - TLSv1.3");
        }
    }

    /**
     * The greeting and the echo of {@code hello} over TLS with {@code sni}, the connection then closed by us. A new
     * client context each time: the JDK resumes a session with the server name it was made with, whatever is asked.
     */
    private static List<String> exchange(InetSocketAddress address, @Nullable String sni) throws IOException {
        SSLContext trusting = TlsFixtures.client(null);
        try (SSLSocket socket = TlsFixtures.handshake(trusting, address, sni, "TLSv1.3")) {
            socket.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            return List.of(in.readLine(), in.readLine());
        }
    }
}
