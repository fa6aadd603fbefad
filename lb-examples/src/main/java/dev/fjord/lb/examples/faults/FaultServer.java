package dev.fjord.lb.examples.faults;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A backend for the fault suite, run as its own process so that it can be killed: an HTTP/1.1 keep-alive server on
 * 127.0.0.1, a daemon thread per connection (at most {@link #MAX_CONNECTIONS}; more are closed at once), that prints
 * {@code listening PORT} on stdout once bound.
 *
 * <p>Every answer carries {@code X-Server: NAME} and a body of {@code --body-bytes} (default 1024) that starts with
 * the request's path, so a client can tell its own answer from another's. {@code GET /health} answers 200 at once;
 * {@code GET /_open} answers the number of other connections open now, {@code GET /_count} the number of requests
 * received so far (other than these three). Other requests wait {@code --delay-ms} (default 0) first (those
 * whose path starts with {@link #NO_DELAY} do not), and a
 * connection whose peer closes during that wait is dropped, as a server that notices aborts. Two faults, each on a
 * share of the requests at random: {@code --reset-percent P} (default 0) resets the connection (RST) once the
 * request is read, before any byte of an answer, which a proxy may retry; {@code --cut-percent P} (default 0) sends
 * the head and half the body, then resets, which no proxy can hide once it has forwarded the head. Request bodies
 * are skipped by {@code Content-Length}.
 *
 * <pre>{@code
 * java -cp lb-examples.jar dev.fjord.lb.examples.faults.FaultServer --port 0 --name web1 --delay-ms 200
 * }</pre>
 */
public final class FaultServer {
    /** A path that starts with this is answered without {@code --delay-ms} (to warm a proxy up). */
    static final String NO_DELAY = "/nodelay";

    /** The most connections served at once. */
    static final int MAX_CONNECTIONS = 2048;

    private static final int STACK_BYTES = 256 * 1024;

    private final Options options;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong received = new AtomicLong();

    private FaultServer(Options options) {
        this.options = options;
    }

    /**
     * The command line.
     *
     * @param port the port on 127.0.0.1; 0 picks a free one
     * @param name the {@code X-Server} value
     * @param delayMs the wait before each answer but {@code /health} and {@code /_open}
     * @param resetPercent the share of requests answered by a reset, 0 to 100
     * @param cutPercent the share of answers cut after half the body and reset, 0 to 100
     * @param bodyBytes the body length of an answer (longer when the path is)
     */
    record Options(int port, String name, long delayMs, int resetPercent, int cutPercent, int bodyBytes) {
        static Options parse(List<String> args) {
            int port = 0;
            String name = "server";
            long delayMs = 0;
            int resetPercent = 0;
            int cutPercent = 0;
            int bodyBytes = 1024;
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(arg + ": missing value");
                }
                String value = args.get(++i);
                switch (arg) {
                    case "--port" -> port = Integer.parseInt(value);
                    case "--name" -> name = value;
                    case "--delay-ms" -> delayMs = Long.parseLong(value);
                    case "--reset-percent" -> resetPercent = Integer.parseInt(value);
                    case "--cut-percent" -> cutPercent = Integer.parseInt(value);
                    case "--body-bytes" -> bodyBytes = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
                }
            }
            if (resetPercent < 0
                    || cutPercent < 0
                    || resetPercent + cutPercent > 100
                    || bodyBytes < 0
                    || delayMs < 0
                    || port < 0) {
                throw new IllegalArgumentException("out of range: " + args);
            }
            return new Options(port, name, delayMs, resetPercent, cutPercent, bodyBytes);
        }
    }

    public static void main(String[] args) throws IOException {
        Options options;
        try {
            options = Options.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println("FaultServer: " + e.getMessage());
            System.err.println("usage: FaultServer [--port N] [--name S] [--delay-ms D] [--reset-percent P]"
                    + " [--cut-percent P] [--body-bytes B]");
            System.exit(2);
            return;
        }
        new FaultServer(options).serve();
    }

    private void serve() throws IOException {
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()), 1024);
            System.out.println("listening " + server.getLocalPort());
            System.out.flush();
            while (true) {
                Socket socket = server.accept();
                if (open.incrementAndGet() > MAX_CONNECTIONS) {
                    open.decrementAndGet();
                    socket.close();
                    continue;
                }
                Thread thread = new Thread(null, () -> connection(socket), options.name() + "-conn", STACK_BYTES);
                thread.setDaemon(true);
                thread.start();
            }
        }
    }

    private void connection(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
            while (true) {
                Http1.Head request = Http1.readHead(in);
                if (request == null) {
                    return;
                }
                long length = request.contentLength();
                if (length > 0) {
                    Http1.skip(in, length);
                }
                boolean close = request.close() || request.startLine().endsWith("HTTP/1.0");
                if (!answer(socket, in, out, request.path(), close) || close) {
                    return;
                }
            }
        } catch (IOException e) {
            // the peer went away, or reset: nothing to answer
        } finally {
            open.decrementAndGet();
        }
    }

    /** Answers one request; false when the connection is over (dropped or reset). */
    private boolean answer(Socket socket, InputStream in, OutputStream out, String path, boolean close)
            throws IOException {
        if (path.equals("/health")) {
            write(out, 200, Http1.ascii("OK\n"), close, -1);
            return true;
        }
        if (path.equals("/_open")) {
            byte[] body = Http1.ascii((open.get() - 1) + "\n");
            write(out, 200, body, close, -1);
            return true;
        }
        if (path.equals("/_count")) {
            write(out, 200, Http1.ascii(received.get() + "\n"), close, -1);
            return true;
        }
        received.incrementAndGet();
        if (options.delayMs() > 0 && !path.startsWith(NO_DELAY) && !waitOrPeerClose(socket, in, options.delayMs())) {
            return false;
        }
        int dice = ThreadLocalRandom.current().nextInt(100);
        if (dice < options.resetPercent()) {
            reset(socket);
            return false;
        }
        byte[] body = body(path);
        boolean cut = dice < options.resetPercent() + options.cutPercent();
        write(out, 200, body, close, cut ? body.length / 2 : -1);
        if (cut) {
            reset(socket);
            return false;
        }
        return true;
    }

    /** Closes {@code socket} with an RST: SO_LINGER 0. */
    private static void reset(Socket socket) throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    private byte[] body(String path) {
        byte[] start = Http1.ascii(path);
        byte[] body = new byte[Math.max(options.bodyBytes(), start.length)];
        Arrays.fill(body, (byte) '.');
        System.arraycopy(start, 0, body, 0, start.length);
        if (body.length > start.length) {
            body[body.length - 1] = '\n';
        }
        return body;
    }

    /** Writes a response; with {@code cutAt} >= 0 only the head and that many body bytes. */
    private void write(OutputStream out, int status, byte[] body, boolean close, int cutAt) throws IOException {
        String head = "HTTP/1.1 " + status + " OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                + "\r\nX-Server: " + options.name() + "\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n";
        out.write(Http1.ascii(head));
        out.write(body, 0, cutAt >= 0 ? cutAt : body.length);
        out.flush();
    }

    /**
     * Waits {@code millis}, watching the connection: false when the peer closed it (or reset it) meanwhile. A byte
     * that arrives (a pipelined request) is left in {@code in}; the rest of the wait is then slept.
     */
    private static boolean waitOrPeerClose(Socket socket, InputStream in, long millis) throws IOException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        int timeout = socket.getSoTimeout();
        try {
            socket.setSoTimeout((int) Math.max(1, millis));
            in.mark(1);
            if (in.read() < 0) {
                return false;
            }
            in.reset();
            sleep(deadline);
            return true;
        } catch (SocketTimeoutException e) {
            return true;
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(timeout);
            }
        }
    }

    private static void sleep(long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        if (left > 0) {
            try {
                Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "FaultServer " + options;
    }
}
