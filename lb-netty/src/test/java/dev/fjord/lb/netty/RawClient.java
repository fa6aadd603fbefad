package dev.fjord.lb.netty;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A plain socket client for exact bytes on the wire: malformed requests, slow clients, pipelining. */
final class RawClient implements AutoCloseable {
    private final Socket socket;

    RawClient(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.connect(address, 2000);
        socket.setSoTimeout(5000);
    }

    RawClient send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return this;
    }

    /** Everything the proxy sends until it closes the connection (or 5 s pass). */
    String readUntilClose() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            out.write("<timeout>".getBytes(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            out.write(("<" + e.getMessage() + ">").getBytes(StandardCharsets.ISO_8859_1));
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads until {@code count} occurrences of {@code marker} have arrived (or 5 s pass). */
    String readUntil(String marker, int count) throws IOException {
        StringBuilder text = new StringBuilder();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        while (occurrences(text, marker) < count) {
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException e) {
                return text + "<timeout>";
            }
            if (n < 0) {
                return text + "<closed>";
            }
            text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        }
        return text.toString();
    }

    private static int occurrences(CharSequence text, String marker) {
        int count = 0;
        for (int i = text.toString().indexOf(marker); i >= 0; i = text.toString().indexOf(marker, i + 1)) {
            count++;
        }
        return count;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
