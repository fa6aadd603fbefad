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
    private final InputStream in;

    RawClient(InetSocketAddress address) throws IOException {
        this(address, null);
    }

    /** A client whose connection comes from {@code source} (any address of 127.0.0.0/8 works on Linux). */
    RawClient(InetSocketAddress address, java.net.@org.jspecify.annotations.Nullable InetAddress source)
            throws IOException {
        socket = new Socket();
        if (source != null) {
            socket.bind(new InetSocketAddress(source, 0));
        }
        socket.connect(address, 2000);
        socket.setSoTimeout(5000);
        in = new java.io.BufferedInputStream(socket.getInputStream());
    }

    /** The client side of the connection. */
    InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** Gives up reading after {@code millis} without a byte (default 5 s). */
    RawClient timeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
        return this;
    }

    RawClient send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return this;
    }

    RawClient send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return this;
    }

    /** Everything the proxy sends until it closes the connection (or 5 s pass). */
    String readUntilClose() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
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

    /**
     * Reads one response framed by {@code Content-Length} (every response of the proxy and of the test servers
     * is), or what came before the proxy closed or 5 s passed, marked {@code <closed>} or {@code <timeout>}.
     */
    String readResponse() throws IOException {
        return readResponse(false);
    }

    /**
     * The same, for a request whose response has no body whatever its fields say ({@code HEAD}) when {@code bodyless}.
     */
    String readResponse(boolean bodyless) throws IOException {
        StringBuilder text = new StringBuilder();
        while (true) {
            int headEnd = text.indexOf("\r\n\r\n");
            if (headEnd >= 0) {
                java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)\r\ncontent-length: *(\\d+)")
                        .matcher(text.substring(0, headEnd + 2));
                int body = length.find() && !bodyless ? Integer.parseInt(length.group(1)) : 0;
                if (text.length() >= headEnd + 4 + body) {
                    return text.toString();
                }
            }
            int b;
            try {
                b = in.read();
            } catch (SocketTimeoutException e) {
                return text + "<timeout>";
            } catch (IOException e) {
                return text + "<" + e.getMessage() + ">";
            }
            if (b < 0) {
                return text + "<closed>";
            }
            text.append((char) b);
        }
    }

    /** Reads until {@code count} occurrences of {@code marker} have arrived (or 5 s pass). */
    String readUntil(String marker, int count) throws IOException {
        StringBuilder text = new StringBuilder();
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
        for (int i = text.toString().indexOf(marker);
                i >= 0;
                i = text.toString().indexOf(marker, i + 1)) {
            count++;
        }
        return count;
    }

    /** Half-closes: sends a FIN, keeps reading. */
    RawClient shutdownOutput() throws IOException {
        socket.shutdownOutput();
        return this;
    }

    /** Closes with a reset (RST) instead of a FIN, as a client killed or timing out does. */
    void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
