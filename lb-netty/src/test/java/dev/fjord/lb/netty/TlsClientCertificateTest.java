package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code bind ... ca-file F verify optional|required}: client certificates, and the {@code ssl_c_*} fetches. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsClientCertificateTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private InetSocketAddress proxy(String verify) {
        return fjord.start("""
                        defaults
                            mode http
                            timeout client 5s
                        frontend main
                            bind 127.0.0.1:0 ssl crt %s ca-file %s verify %s
                            http-request return status 200 content-type text/plain string client-ok \\
                                if { ssl_c_used } { ssl_c_verify 0 } { ssl_c_s_dn "/C=NO/O=Fjord Test/CN=fjord-client" }
                            http-request return status 200 content-type text/plain string anonymous if !{ ssl_c_used }
                        """.formatted(TlsFixtures.path("site-ecdsa.pem"), TlsFixtures.path("ca.pem"), verify))
                .address("main");
    }

    @Test
    void verifyRequiredLetsInAClientWithACertificateOfTheCaAndTheFetchesSeeIt() throws Exception {
        assertThat(get(proxy("required"), "client.pem"))
                .startsWith("HTTP/1.1 200")
                .endsWith("client-ok");
    }

    @Test
    void verifyRequiredRefusesAClientWithoutACertificateOrWithAnUntrustedOne() throws Exception {
        InetSocketAddress address = proxy("required");
        assertThat(get(address, null)).doesNotContain("HTTP/1.1");
        assertThat(get(address, "self-signed.pem")).doesNotContain("HTTP/1.1");
    }

    @Test
    void verifyOptionalLetsInAClientWithoutACertificate() throws Exception {
        InetSocketAddress address = proxy("optional");
        assertThat(get(address, null)).startsWith("HTTP/1.1 200").endsWith("anonymous");
        assertThat(get(address, "client.pem")).endsWith("client-ok");
    }

    /** The response to a GET presenting {@code clientPem}; what an refused handshake says instead. */
    private static String get(InetSocketAddress address, @Nullable String clientPem) {
        try (SSLSocket socket = TlsFixtures.handshake(TlsFixtures.client(clientPem), address, "localhost")) {
            return TlsTerminationTest.exchange(socket);
        } catch (IOException e) { // TLS 1.3: the server's refusal may come after the client's Finished
            return "refused: " + e;
        }
    }
}
