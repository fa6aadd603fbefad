package dev.fjord.lb.netty;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A TCP server on loopback that greets with its name, then echoes every byte back. */
final class EchoServer implements AutoCloseable {
    private final ServerSocket socket;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    final AtomicInteger connections = new AtomicInteger();

    EchoServer(String name) throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    connections.incrementAndGet();
                    threads.execute(() -> echo(client, name));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private static void echo(Socket client, String name) {
        try (client;
                InputStream in = client.getInputStream();
                OutputStream out = client.getOutputStream()) {
            out.write((name + "\n").getBytes(StandardCharsets.US_ASCII));
            in.transferTo(out);
        } catch (IOException e) {
            // the client went away
        }
    }

    int port() {
        return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        threads.shutdownNow();
    }
}
