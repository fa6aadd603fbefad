package dev.fjord.lb.netty;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A server on loopback that records the bytes each connection starts with (until an HTTP head ends, past the CRLFs
 * of a PROXY v2 signature, or 300 ms pass without a byte), then answers {@code 200 first} and closes: what a server
 * behind {@code send-proxy} receives.
 */
final class FirstBytesServer implements AutoCloseable {
    private final ServerSocket socket;
    private final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    private final Thread acceptor;

    FirstBytesServer() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "first-bytes-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    /** The bytes the next connection started with, waiting up to 5 s; null when none came. */
    byte[] next() throws InterruptedException {
        return received.poll(5, TimeUnit.SECONDS);
    }

    private void accept() {
        while (!socket.isClosed()) {
            try (Socket connection = socket.accept()) {
                connection.setSoTimeout(300);
                received.add(readHead(connection.getInputStream()));
                connection
                        .getOutputStream()
                        .write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nfirst"
                                .getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // closed, or a client gone: the next connection
            }
        }
    }

    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            for (int b = in.read(); b >= 0 && out.size() < 65536; b = in.read()) {
                out.write(b);
                if (out.size() > 16 && out.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            // what came is what there is
        }
        return out.toByteArray();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
