package dev.fjord.lb.netty;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import dev.fjord.lb.netty.ReferenceHttp.Request;

/**
 * A strict HTTP/1.1 server on loopback for smuggling tests: it reads what the proxy forwards with
 * {@link ReferenceHttp}, records every request with the connection it came on, and records as an error anything
 * that is not exactly HTTP (then answers 400 and closes, as a strict server would). Answers each request with what
 * its responder returns: by default {@code 200} and the body {@code ok}, kept alive unless the request says close.
 * Thread-safe.
 */
final class RecordingHttpServer implements AutoCloseable {
    /** A request and the number of the server connection it arrived on (1 for the first connection). */
    record Received(int connection, Request request) {}

    /** The default answer: 200 with {@code ok} (no body for HEAD). */
    static final Function<Request, byte[]> OK = request -> response(request, 200, "ok");

    private final ServerSocket socket;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<Received> received = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private volatile Function<Request, byte[]> responder = OK;
    private volatile boolean closeAfterResponse;
    private int connections;
    /** Connections the proxy closed (end of stream read). */
    private int closedByProxy;

    private long bytes;

    private volatile CountDownLatch readsAllowed = new CountDownLatch(0);

    RecordingHttpServer() throws IOException {
        this(0);
    }

    /**
     * A server whose connections have a receive buffer of {@code receiveBufferBytes} (0: the system's), so that a
     * server slow to read pushes back on the proxy soon.
     */
    RecordingHttpServer(int receiveBufferBytes) throws IOException {
        socket = new ServerSocket();
        if (receiveBufferBytes > 0) {
            socket.setReceiveBufferSize(receiveBufferBytes); // inherited by accepted connections
        }
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024); // bursts of 150 (IdlePoolTest)
        threads.execute(this::acceptLoop);
    }

    /** Connections read nothing until {@code allowed} opens: a server slow to read its requests. */
    void holdReads(CountDownLatch allowed) {
        this.readsAllowed = allowed;
    }

    /** A response with {@code body}, kept alive unless {@code request} asked to close; no body for HEAD. */
    static byte[] response(Request request, int status, String body) {
        boolean close = "close".equalsIgnoreCase(request.header("Connection"));
        String head = "HTTP/1.1 " + status + " X\r\nContent-Length: " + body.length() + "\r\n"
                + (close ? "Connection: close\r\n" : "") + "\r\n";
        return (request.method().equals("HEAD") ? head : head + body).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Answers with {@code responder} from now on. */
    void respond(Function<Request, byte[]> responder) {
        this.responder = responder;
    }

    /** Closes each connection after its next response, whatever the response says (a server dying mid-body). */
    void closeAfterResponse(boolean close) {
        this.closeAfterResponse = close;
    }

    int port() {
        return socket.getLocalPort();
    }

    String address() {
        return "127.0.0.1:" + port();
    }

    synchronized List<Received> received() {
        return List.copyOf(received);
    }

    synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    synchronized int connections() {
        return connections;
    }

    /** Forgets what was received and the errors (connection numbers go on). */
    synchronized void clear() {
        received.clear();
        errors.clear();
    }

    /** Waits until {@code count} connections in all were accepted, or {@code millis} pass; returns how many. */
    synchronized int awaitConnections(int count, long millis) throws InterruptedException {
        awaitUntil(() -> connections >= count, millis);
        return connections;
    }

    /** Waits until {@code count} errors in all were recorded, or {@code millis} pass; returns them. */
    synchronized List<String> awaitErrors(int count, long millis) throws InterruptedException {
        awaitUntil(() -> errors.size() >= count, millis);
        return List.copyOf(errors);
    }

    /** Waits until {@code count} bytes in all have arrived, or {@code millis} pass; returns how many did. */
    synchronized long awaitBytes(long count, long millis) throws InterruptedException {
        awaitUntil(() -> bytes >= count, millis);
        return bytes;
    }

    /** Waits until the proxy closed {@code count} connections in all, or {@code millis} pass; returns how many. */
    synchronized int awaitClosedByProxy(int count, long millis) throws InterruptedException {
        awaitUntil(() -> closedByProxy >= count, millis);
        return closedByProxy;
    }

    /** Waits until {@code count} requests in all have arrived, or {@code millis} pass; returns them. */
    synchronized List<Received> await(int count, long millis) throws InterruptedException {
        awaitUntil(() -> received.size() >= count, millis);
        return List.copyOf(received);
    }

    /** Waits, holding this monitor, until {@code condition} holds or {@code millis} pass. */
    private void awaitUntil(java.util.function.BooleanSupplier condition, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long left;
        while (!condition.getAsBoolean() && (left = deadline - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                int number;
                synchronized (this) {
                    number = ++connections;
                    notifyAll();
                }
                open.add(connection);
                if (socket.isClosed()) { // closed while this one was accepted: close() may have missed it
                    connection.close();
                    return;
                }
                try {
                    threads.execute(() -> serve(connection, number));
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    connection.close();
                    return;
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket connection, int number) {
        byte[] buffer = new byte[1 << 16];
        int length = 0;
        try (connection;
                InputStream in = connection.getInputStream();
                OutputStream out = connection.getOutputStream()) {
            if (!readsAllowed.await(30, TimeUnit.SECONDS)) {
                return;
            }
            while (true) {
                if (length == buffer.length) {
                    buffer = Arrays.copyOf(buffer, buffer.length * 2);
                }
                int n = in.read(buffer, length, buffer.length - length);
                if (n < 0) {
                    synchronized (this) {
                        closedByProxy++;
                        notifyAll();
                    }
                    if (length > 0) {
                        error(number, "connection closed after an incomplete request", buffer, length);
                    }
                    return;
                }
                length += n;
                synchronized (this) {
                    bytes += n;
                    notifyAll();
                }
                ReferenceHttp.Parse parse = ReferenceHttp.parse(buffer, length);
                boolean close = false;
                for (Request request : parse.requests()) {
                    synchronized (this) {
                        received.add(new Received(number, request));
                        notifyAll();
                    }
                    out.write(responder.apply(request));
                    close |= "close".equalsIgnoreCase(request.header("Connection")) || closeAfterResponse;
                }
                out.flush();
                if (parse.error() != null) {
                    error(
                            number,
                            parse.error(),
                            Arrays.copyOfRange(buffer, parse.consumed(), length),
                            length - parse.consumed());
                    out.write("HTTP/1.1 400 X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    return;
                }
                if (close) {
                    return;
                }
                System.arraycopy(buffer, parse.consumed(), buffer, 0, length - parse.consumed());
                length -= parse.consumed();
            }
        } catch (IOException e) {
            // the proxy closed the connection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the server is closing
        } finally {
            open.remove(connection);
        }
    }

    private synchronized void error(int connection, String error, byte[] bytes, int length) {
        String text = new String(bytes, 0, Math.min(length, 200), StandardCharsets.ISO_8859_1);
        errors.add("connection " + connection + ": " + error + " in '" + escape(text) + "'");
        notifyAll();
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '\r') {
                out.append("\\r");
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c < 0x20 || c >= 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket connection : open) {
            connection.close();
        }
        threads.shutdownNow();
    }
}
