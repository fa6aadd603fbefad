package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.fjord.lb.core.ClientHellos;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.StatsCsv;
import dev.fjord.lb.core.haproxy.HaproxyImport;

/**
 * SNI routing of TLS in mode tcp without terminating it, through a real proxy: JDK TLS clients, two TLS-terminating
 * backends on loopback with a certificate made by keytool, and the configuration HAProxy's documentation gives.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpContentInspectionTest {
    /** The documented SNI-routing configuration, with loopback ports and a short delay; checked with haproxy -c. */
    private static final String CONFIG = """
            defaults
                mode tcp
                timeout connect 5s
                timeout client 30s
                timeout server 30s

            frontend tls-in
                bind 127.0.0.1:0
                tcp-request inspect-delay 5s
                tcp-request content accept if { req.ssl_hello_type 1 }
                use_backend b1 if { req.ssl_sni -i a.example.com }
                default_backend b2

            frontend tls-in-short
                bind 127.0.0.1:0
                tcp-request inspect-delay "${DELAY}"
                tcp-request content accept if { req.ssl_hello_type 1 }
                use_backend b1 if { req.ssl_sni -i a.example.com }
                default_backend b2

            frontend tls-only
                bind 127.0.0.1:0
                tcp-request inspect-delay 5s
                tcp-request content accept if { req.ssl_hello_type 1 }
                tcp-request content reject
                default_backend b2

            frontend tls-slow-client
                bind 127.0.0.1:0
                timeout client 300ms
                tcp-request inspect-delay 5s
                tcp-request content accept if { req.ssl_hello_type 1 }
                default_backend b2

            frontend echo-in
                bind 127.0.0.1:0
                tcp-request inspect-delay 5s
                tcp-request content accept if { req.ssl_hello_type 1 }
                use_backend echo-a if { req.ssl_sni -i -m end .example.com }
                default_backend echo-b

            backend b1
                server s1 "127.0.0.1:${B1}"

            backend b2
                server s2 "127.0.0.1:${B2}"

            backend echo-a
                server e1 "127.0.0.1:${ECHO_A}"

            backend echo-b
                server e2 "127.0.0.1:${ECHO_B}"
            """;

    private static final Duration DELAY = Duration.ofMillis(400);

    @TempDir
    static Path certificates;

    private Path keyStore;
    private SSLContext tls;
    private TlsNameServer b1;
    private TlsNameServer b2;
    private EchoServer echoA;
    private EchoServer echoB;
    private FjordProxy proxy;

    @BeforeEach
    void start() throws Exception {
        keyStore = certificates.resolve("server.p12");
        if (!keyStore.toFile().exists()) {
            keyStore = TlsNameServer.keyStore(certificates);
        }
        tls = TlsNameServer.context(keyStore);
        b1 = new TlsNameServer("b1", tls);
        b2 = new TlsNameServer("b2", tls);
        echoA = new EchoServer("echo-a");
        echoB = new EchoServer("echo-b");
        Map<String, String> environment = Map.of(
                "DELAY", DELAY.toMillis() + "ms",
                "B1", Integer.toString(b1.port()),
                "B2", Integer.toString(b2.port()),
                "ECHO_A", Integer.toString(echoA.port()),
                "ECHO_B", Integer.toString(echoB.port()));
        Router router = Router.of(HaproxyImport.parse(CONFIG, "haproxy.cfg", environment)
                .builder()
                .build());
        proxy = FjordProxy.builder(router).ioThreads(1).start();
    }

    @AfterEach
    void stop() throws IOException {
        if (proxy != null) {
            proxy.close(Duration.ofSeconds(1));
        }
        b1.close();
        b2.close();
        echoA.close();
        echoB.close();
    }

    private Socket connect(String frontend) throws IOException {
        Socket socket = new Socket(
                InetAddress.getLoopbackAddress(), proxy.address(frontend).getPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    /**
     * The first line a TLS client asking for {@code serverName} (none: null) reads over {@code socket}. Each client
     * has its own context: the JDK would resume an earlier session, and send that session's server name again.
     */
    private String answerOverTls(Socket socket, String serverName) throws IOException {
        SSLContext context = TlsNameServer.context(keyStore);
        SSLSocket client =
                (SSLSocket) context.getSocketFactory().createSocket(socket, "localhost", socket.getPort(), true);
        SSLParameters parameters = client.getSSLParameters();
        parameters.setServerNames(serverName == null ? List.of() : List.of(new SNIHostName(serverName)));
        client.setSSLParameters(parameters);
        client.startHandshake();
        return new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }

    @Test
    void theServerNameOfTheClientHelloPicksTheTlsBackend() throws IOException {
        try (Socket a = connect("tls-in")) {
            assertThat(answerOverTls(a, "A.example.com")).isEqualTo("b1");
        }
        try (Socket other = connect("tls-in")) {
            assertThat(answerOverTls(other, "b.example.com")).isEqualTo("b2");
        }
        try (Socket none = connect("tls-in")) {
            assertThat(answerOverTls(none, null)).isEqualTo("b2");
        }
        assertThat(b1.connections).hasValue(1);
        assertThat(b2.connections).hasValue(2);
    }

    @Test
    void aClientSilentForTheDelayIsRoutedToTheDefaultAndItsLateHelloIsNotLookedAt() throws Exception {
        try (Socket socket = connect("tls-in-short")) {
            long start = System.nanoTime();
            awaitOne(b2.connections);
            long waited = System.nanoTime() - start;

            assertThat(Duration.ofNanos(waited)).isGreaterThanOrEqualTo(DELAY.minusMillis(50));
            assertThat(answerOverTls(socket, "a.example.com")).isEqualTo("b2");
        }
        assertThat(b1.connections).hasValue(0);
    }

    @Test
    void aRejectedConnectionIsClosedWithoutContactingAServer() throws IOException {
        try (Socket socket = connect("tls-only")) {
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: a.example.com\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();

            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(b1.connections).hasValue(0);
        assertThat(b2.connections).hasValue(0);
        assertThat(deniedRequests("tls-only")).isEqualTo("1");
    }

    @Test
    void aTimeoutClientShorterThanTheDelayClosesASilentClientFirst() throws IOException {
        try (Socket socket = connect("tls-slow-client")) {
            socket.getOutputStream().write(new byte[] {0x16, 3, 1}); // a hello that never completes
            socket.getOutputStream().flush();

            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(b1.connections).hasValue(0);
        assertThat(b2.connections).hasValue(0);
    }

    @Test
    void theHeldBytesReachTheServerUnchangedWhenTheHelloComesInPieces() throws IOException {
        byte[] hello = ClientHellos.jdk("shop.example.com", "TLSv1.3");
        byte[] after = "and what follows".getBytes(StandardCharsets.US_ASCII);

        try (Socket socket = connect("echo-in")) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            for (int at = 0; at < hello.length; at += 50) {
                out.write(hello, at, Math.min(50, hello.length - at));
                out.flush();
            }
            out.write(after);
            out.flush();
            InputStream in = socket.getInputStream();

            assertThat(line(in)).isEqualTo("echo-a");
            assertThat(in.readNBytes(hello.length)).isEqualTo(hello);
            assertThat(in.readNBytes(after.length)).isEqualTo(after);
        }
        assertThat(echoB.connections).hasValue(0);
    }

    /** The {@code dreq} column of the frontend's row in the stats CSV. */
    private String deniedRequests(String frontend) {
        String csv = StatsCsv.write(proxy.router(), null, server -> 0, server -> 0);
        int column = StatsCsv.COLUMNS.indexOf("dreq");
        return csv.lines()
                .filter(row -> row.startsWith(frontend + ",FRONTEND,"))
                .map(row -> row.split(",", -1)[column])
                .findFirst()
                .orElseThrow();
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            line.append((char) c);
        }
        return line.toString();
    }

    /** Waits, at most 10 seconds, until {@code counter} reaches 1. */
    private static void awaitOne(AtomicInteger counter) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (counter.get() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(counter).hasValue(1);
    }
}
