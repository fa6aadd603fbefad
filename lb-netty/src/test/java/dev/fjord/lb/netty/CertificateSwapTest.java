package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A certificate replaced while the proxy runs, through the runtime socket ({@code set ssl cert}, {@code commit ssl
 * cert}, {@code abort ssl cert}, as HAProxy 2.6 answers them) and {@link FjordProxy#updateCertificate}: new
 * handshakes get the new certificate, established connections keep theirs, and no handshake fails meanwhile.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CertificateSwapTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @TempDir
    Path dir;

    private final String site = TlsFixtures.path("site-ecdsa.pem");

    private FjordProxy proxy(Path socket) {
        return fjord.start("""
                global
                    stats socket %s
                defaults
                    mode http
                    timeout client 60s
                frontend main
                    bind 127.0.0.1:0 ssl crt %s
                    http-request return status 200 content-type text/plain string ok
                """.formatted(socket, site), b -> b.ioThreads(2));
    }

    @Test
    void aSwapUnderLoadFailsNoHandshakeAndEstablishedConnectionsKeepTheirCertificate() throws Exception {
        Path socket = dir.resolve("fjord.sock");
        InetSocketAddress address = proxy(socket).address("main");
        SSLSocket established = TlsFixtures.handshake(TlsFixtures.client(null), address, "localhost");

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger handshakes = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> served = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread load = new Thread(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            for (int i = 0; i < 5000 && !stop.get() && System.nanoTime() < deadline; i++) {
                // a fresh client each time: a full handshake, no session resumed
                try (SSLSocket client = TlsFixtures.handshake(TlsFixtures.client(null), address, "localhost")) {
                    served.add(TlsFixtures.served(client).getPublicKey().getAlgorithm());
                    String response = TlsTerminationTest.exchange(client);
                    if (!response.startsWith("HTTP/1.1 200")) {
                        failures.add(response);
                    }
                } catch (IOException e) {
                    failures.add(e.toString());
                }
                handshakes.incrementAndGet();
            }
        });
        load.start();
        awaitCount(handshakes, 50);

        String pem = Files.readString(TlsFixtures.file("site-rsa.pem"));
        assertThat(command(socket, "set ssl cert " + site + " <<\n" + pem + "\n"))
                .isEqualTo("Transaction created for certificate " + site + "!\n\n");
        assertThat(command(socket, "show ssl cert"))
                .isEqualTo("# transaction\n*" + site + "\n# filename\n" + site + "\n\n");
        int before = handshakes.get();
        assertThat(command(socket, "commit ssl cert " + site)).isEqualTo("Committing " + site + ".\nSuccess!\n\n");
        int committedAt = handshakes.get() + 1; // a handshake in flight at the commit may still get the old one
        awaitCount(handshakes, before + 100);
        stop.set(true);
        load.join(TimeUnit.SECONDS.toMillis(45));

        System.out.println("certificate swap: " + served.size() + " handshakes, " + before + " before the commit, "
                + failures.size() + " failed");
        assertThat(failures).isEmpty();
        assertThat(served.subList(0, before)).containsOnly("EC");
        assertThat(served.subList(committedAt, served.size())).isNotEmpty().containsOnly("RSA");
        // the connection made before the swap keeps its certificate and goes on
        assertThat(TlsFixtures.served(established).getPublicKey().getAlgorithm())
                .isEqualTo("EC");
        assertThat(TlsTerminationTest.exchange(established)).startsWith("HTTP/1.1 200");
        established.close();
    }

    @Test
    void abortKeepsTheCertificateAndUnknownNamesAreRefusedAsHaproxyDoes() throws Exception {
        Path socket = dir.resolve("fjord.sock");
        InetSocketAddress address = proxy(socket).address("main");
        String pem = Files.readString(TlsFixtures.file("site-rsa.pem"));

        command(socket, "set ssl cert " + site + " <<\n" + pem + "\n");
        assertThat(command(socket, "set ssl cert " + site + " <<\n" + pem + "\n"))
                .isEqualTo("Transaction updated for certificate " + site + "!\n\n");
        assertThat(command(socket, "abort ssl cert " + site))
                .isEqualTo("Transaction aborted for certificate '" + site + "'!\n\n");
        assertThat(command(socket, "commit ssl cert " + site))
                .isEqualTo("No ongoing transaction! !\nCan't commit " + site + "!\n\n");
        assertThat(command(socket, "set ssl cert /nope.pem <<\n" + pem + "\n"))
                .isEqualTo("Can't replace a certificate which is not referenced by the configuration!\n"
                        + "Can't update /nope.pem!\n\n");
        assertThat(command(socket, "set ssl cert " + site + " <<\ngarbage\n"))
                .startsWith("unable to load certificate from file '" + site + "'")
                .endsWith("Can't load the payload\nCan't update " + site + "!\n\n");
        try (SSLSocket client = TlsFixtures.handshake(TlsFixtures.client(null), address, "localhost")) {
            assertThat(TlsFixtures.served(client).getPublicKey().getAlgorithm()).isEqualTo("EC");
        }
    }

    @Test
    void updateCertificateServesTheNewOneFromTheNextHandshake() throws Exception {
        FjordProxy proxy = proxy(dir.resolve("fjord.sock"));

        assertThat(proxy.updateCertificate(site, Files.readString(TlsFixtures.file("site-rsa.pem"))))
                .isEqualTo(1);

        try (SSLSocket client = TlsFixtures.handshake(TlsFixtures.client(null), proxy.address("main"), "localhost")) {
            assertThat(TlsFixtures.served(client).getPublicKey().getAlgorithm()).isEqualTo("RSA");
        }
        assertThatThrownBy(() -> proxy.updateCertificate("/nope.pem", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not served by any bind");
        assertThatThrownBy(() -> proxy.updateCertificate(site, "garbage"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no certificate");
    }

    private static void awaitCount(AtomicInteger count, int target) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (count.get() < target && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(count.get()).isGreaterThanOrEqualTo(target);
    }

    /** What the runtime socket answers to {@code text}. */
    static String command(Path socket, String text) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap((text.endsWith("\n") ? text : text + "\n").getBytes(StandardCharsets.UTF_8)));
            channel.shutdownOutput();
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            while (channel.read(buffer) >= 0 && buffer.hasRemaining()) {
                // until the proxy closes
            }
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
        }
    }
}
