package dev.fjord.lb.examples.faults;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.examples.faults.LoadReport.Kind;
import dev.fjord.lb.examples.faults.LoadReport.Sample;

/**
 * One client connection to the proxy, a blocking socket with a read timeout, sending {@code GET PATH} requests one
 * after the other and judging each answer: a 2xx whose body does not start with PATH is {@link Kind#MIXED_UP}, a
 * body shorter than announced {@link Kind#TRUNCATED}. Not thread-safe: one thread uses it.
 */
final class ClientConnection implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private boolean open = true;
    private int requests;

    private ClientConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 512);
    }

    /** Connects to {@code target} within {@code timeout}, reads timing out after {@code timeout}. */
    static ClientConnection open(InetSocketAddress target, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) timeout.toMillis());
            socket.connect(target, (int) timeout.toMillis());
            return new ClientConnection(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * A new connection for one request ({@code Connection: close}), closed after it; a failed connect is an
     * {@link Kind#IO_ERROR} sample.
     */
    static Sample once(InetSocketAddress target, String path, Duration timeout) {
        long start = System.nanoTime();
        try (ClientConnection connection = open(target, timeout)) {
            return connection.request(path, true, start);
        } catch (IOException e) {
            return new Sample(start, System.nanoTime() - start, kindOf(e), 0, null);
        }
    }

    /** Whether the connection can carry another request. */
    boolean reusable() {
        return open;
    }

    /** The socket, for closing it from another thread when its user is stuck. */
    Socket socket() {
        return socket;
    }

    /**
     * Sends {@code GET path} and reads the answer; {@code close} asks for {@code Connection: close}. After an error,
     * a truncated body or a {@code Connection: close} answer the connection is not {@linkplain #reusable()
     * reusable}.
     *
     * @param start when the request began, from {@link System#nanoTime()} (a connect may come first)
     */
    Sample request(String path, boolean close, long start) {
        requests++;
        try {
            out.write(Http1.ascii("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: fjord-faults\r\n"
                    + (close ? "Connection: close\r\n" : "") + "\r\n"));
            out.flush();
            Http1.Head head = Http1.readHead(in);
            if (head == null) {
                open = false;
                return sample(start, Kind.IO_ERROR, 0, null);
            }
            int status = head.status();
            String server = head.header("x-server");
            byte[] expected = Http1.ascii(path);
            Http1.Body body = new Http1.Body(expected.length);
            boolean complete;
            long length = head.contentLength();
            if (head.chunked()) {
                complete = Http1.readChunked(in, body);
            } else if (length >= 0) {
                complete = Http1.readBody(in, length, body);
            } else if (status == 204 || status == 304 || (status >= 100 && status < 200)) {
                complete = true;
            } else {
                Http1.readToEnd(in, body);
                complete = true;
                open = false;
            }
            if (close || head.close() || !complete) {
                open = false;
            }
            if (!complete) {
                return sample(start, Kind.TRUNCATED, status, server);
            }
            if (status < 200 || status > 299) {
                return sample(start, Kind.STATUS, status, server);
            }
            return sample(start, body.startsWith(expected) ? Kind.OK : Kind.MIXED_UP, status, server);
        } catch (IOException e) {
            open = false;
            return sample(start, kindOf(e), 0, null);
        }
    }

    private static Sample sample(long start, Kind kind, int status, @Nullable String server) {
        return new Sample(start, System.nanoTime() - start, kind, status, server == null ? null : server.intern());
    }

    private static Kind kindOf(IOException e) {
        if (e instanceof SocketTimeoutException) {
            return Kind.TIMEOUT;
        }
        return e instanceof EOFException ? Kind.TRUNCATED : Kind.IO_ERROR;
    }

    /** Requests sent on this connection so far. */
    int requests() {
        return requests;
    }

    @Override
    public void close() {
        open = false;
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
