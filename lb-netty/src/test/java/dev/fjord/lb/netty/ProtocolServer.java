package dev.fjord.lb.netty;

import java.io.DataInputStream;
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

/**
 * A server on 127.0.0.1 that answers each connection with a script: of a protocol (SMTP, MySQL, PostgreSQL, a TLS
 * record) as the real servers start a session, what health checks see; or an echo ({@link EchoServer}). Connections
 * are served on daemon threads; closing stops them.
 */
final class ProtocolServer implements AutoCloseable {
    /** Answers one connection. */
    interface Script {
        void serve(DataInputStream in, OutputStream out) throws IOException;
    }

    /** Connections accepted so far. */
    final AtomicInteger connections = new AtomicInteger();

    private final ServerSocket socket;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "protocol-server");
        thread.setDaemon(true);
        return thread;
    });

    /** A server whose reads give up after 2 s of silence. */
    ProtocolServer(Script script) throws IOException {
        this(script, 2000);
    }

    /** @param readTimeoutMillis how long a read waits; 0: for ever */
    ProtocolServer(Script script, int readTimeoutMillis) throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket connection = socket.accept();
                    connections.incrementAndGet();
                    threads.execute(() -> {
                        try (connection) {
                            connection.setSoTimeout(readTimeoutMillis);
                            script.serve(
                                    new DataInputStream(connection.getInputStream()), connection.getOutputStream());
                        } catch (IOException e) {
                            // the check went away: the next one comes
                        }
                    });
                } catch (IOException e) {
                    return; // closed
                }
            }
        });
    }

    int port() {
        return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        threads.shutdownNow();
    }

    /** SMTP: a greeting with {@code greeting}, then 250 to HELO/EHLO and 221 to QUIT. */
    static Script smtp(String greeting) {
        return (in, out) -> {
            write(out, greeting + "\r\n");
            if (!greeting.startsWith("2")) {
                return;
            }
            String helo = line(in);
            write(out, helo.startsWith("HELO ") || helo.startsWith("EHLO ") ? "250 mail.test\r\n" : "500 what\r\n");
            if (line(in).equals("QUIT")) {
                write(out, "221 bye\r\n");
            }
        };
    }

    /**
     * MySQL: the greeting of a MySQL 8 server ({@code greets} false: an error packet instead, as for a host that is
     * not allowed), then OK to the login packet ({@code acceptsLogin} false: access denied).
     */
    static Script mysql(boolean greets, boolean acceptsLogin) {
        return (in, out) -> {
            if (!greets) {
                packet(out, 0, "\u00ff\u006a\u0004Host '127.0.0.1' is not allowed to connect to this MySQL server");
                return;
            }
            packet(
                    out,
                    0,
                    "\n8.0.35\u0000\u0007\u0000\u0000\u0000" + "abcdefgh\u0000" + "\u00ff\u00ff\u00ff\u0002\u0000"
                            + "\u00ff\u00df\u0015" + "\u0000".repeat(10) + "ijklmnopqrst\u0000"
                            + "mysql_native_password\u0000");
            int length = in.readUnsignedByte() | in.readUnsignedByte() << 8 | in.readUnsignedByte() << 16;
            in.readUnsignedByte(); // sequence 1
            in.readFully(new byte[length]);
            packet(
                    out,
                    2,
                    acceptsLogin
                            ? "\u0000\u0000\u0000\u0002\u0000\u0000\u0000"
                            : "\u00ff\u0015\u0004#28000Access denied");
        };
    }

    /** PostgreSQL: AuthenticationOk to the startup message ({@code accepts} false: a FATAL error). */
    static Script pgsql(boolean accepts) {
        return (in, out) -> {
            int length = in.readInt();
            in.readFully(new byte[length - 4]);
            if (accepts) {
                write(out, "R\u0000\u0000\u0000\u0008\u0000\u0000\u0000\u0000");
            } else {
                String fields = "SFATAL\u0000C28000\u0000Mno pg_hba.conf entry\u0000\u0000";
                write(out, "E\u0000\u0000\u0000" + (char) (fields.length() + 4) + fields);
            }
        };
    }

    /** A TLS server's first record to a ClientHello ({@code tls} false: an HTTP server's 400). */
    static Script tls(boolean tls) {
        return (in, out) -> {
            in.readFully(new byte[5]);
            write(
                    out,
                    tls
                            ? "\u0016\u0003\u0003\u0000\u0004\u0002\u0000\u0000\u0000"
                            : "HTTP/1.1 400 Bad Request\r\n\r\n");
        };
    }

    private static void packet(OutputStream out, int sequence, String payload) throws IOException {
        int length = payload.length();
        write(
                out,
                "" + (char) (length & 0xff) + (char) (length >> 8 & 0xff) + (char) (length >> 16) + (char) sequence
                        + payload);
    }

    private static void write(OutputStream out, String bytes) throws IOException {
        out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
