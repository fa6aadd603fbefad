package dev.fjord.lb.netty;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A TLS server on loopback that terminates TLS and answers its name, then closes: a backend of SNI routing tests.
 * Its certificate is self-signed, made by the JDK's {@code keytool} into a test directory ({@link #keyStore}).
 */
final class TlsNameServer implements AutoCloseable {
    private static final char[] PASSWORD = "changeit".toCharArray();

    private final SSLServerSocket socket;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    /** Connections accepted, handshake or not. */
    final AtomicInteger connections = new AtomicInteger();

    TlsNameServer(String name, SSLContext context) throws IOException {
        socket = (SSLServerSocket)
                context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    connections.incrementAndGet();
                    threads.execute(() -> answer((SSLSocket) client, name));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private static void answer(SSLSocket client, String name) {
        try (client) {
            client.setSoTimeout(10_000);
            client.startHandshake();
            client.getOutputStream().write((name + "\n").getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            InputStream in = client.getInputStream();
            in.read(); // until the client closes: a close_notify sent now could race the client's read
        } catch (IOException e) {
            // the client went away, or was no TLS client
        }
    }

    int port() {
        return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A PKCS#12 key store in {@code directory} with a self-signed certificate for {@code *.example.com}. */
    static Path keyStore(Path directory) throws IOException, InterruptedException {
        Path file = directory.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(List.of(
                        keytool.toString(),
                        "-genkeypair",
                        "-alias",
                        "server",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=example.com",
                        "-ext",
                        "SAN=dns:*.example.com,dns:example.com",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        file.toString(),
                        "-storepass",
                        new String(PASSWORD)))
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("keytool.log").toFile())
                .start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0 || !Files.exists(file)) {
            process.destroyForcibly();
            throw new IllegalStateException("keytool failed: " + Files.readString(directory.resolve("keytool.log")));
        }
        return file;
    }

    /** A TLS context with the key of {@code keyStore} and trusting its certificate: for servers and clients. */
    static SSLContext context(Path keyStore) {
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, PASSWORD);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
