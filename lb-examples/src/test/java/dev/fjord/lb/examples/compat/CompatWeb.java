package dev.fjord.lb.examples.compat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A web server on 127.0.0.1 standing for one {@code server} line of a compatibility file: each answer's body starts
 * with {@code server=NAME} and lists the request's header fields as it received them ({@code name: value}, names in
 * lower case). {@code /health} answers 200 while {@linkplain #healthy(boolean) healthy}, else 503;
 * {@code /status/NNN} answers NNN; {@code /slow} answers after 1.5 s; {@code /login} sets
 * {@code JSESSIONID=NAME-session}. Thread-safe.
 */
final class CompatWeb implements AutoCloseable {
    private static final long SLOW_NANOS = TimeUnit.MILLISECONDS.toNanos(1500);

    private final String name;
    private final HttpServer server;
    private final ExecutorService threads;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile boolean healthy = true;

    private CompatWeb(String name, HttpServer server, ExecutorService threads) {
        this.name = name;
        this.server = server;
        this.threads = threads;
    }

    static CompatWeb start(String name) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        ExecutorService threads = Executors.newFixedThreadPool(8, r -> {
            Thread thread = new Thread(r, "compat-web-" + name);
            thread.setDaemon(true);
            return thread;
        });
        CompatWeb web = new CompatWeb(name, server, threads);
        server.createContext("/", web::handle);
        server.setExecutor(threads);
        server.start();
        return web;
    }

    /** {@code host:port} for a {@code server} line. */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Makes {@code /health} answer 200 (true) or 503. */
    void healthy(boolean healthy) {
        this.healthy = healthy;
    }

    /** The requests answered, health checks included. */
    int requests() {
        return requests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
            String path = exchange.getRequestURI().getPath();
            int status = 200;
            if (path.equals("/health")) {
                status = healthy ? 200 : 503;
            } else if (path.startsWith("/status/")) {
                status = Integer.parseInt(path.substring("/status/".length()));
            } else if (path.equals("/slow")) {
                LockSupport.parkNanos(SLOW_NANOS); // bounded: one pause, the test's loopback backend only
            } else if (path.equals("/login")) {
                exchange.getResponseHeaders().add("Set-Cookie", "JSESSIONID=" + name + "-session; path=/");
            }
            StringBuilder body = new StringBuilder("server=").append(name).append('\n');
            body.append("target=").append(exchange.getRequestURI().toString()).append('\n'); // as the proxy sent it
            Map<String, List<String>> sorted = new TreeMap<>();
            exchange.getRequestHeaders().forEach((field, values) -> sorted.put(field.toLowerCase(Locale.ROOT), values));
            sorted.forEach((field, values) -> values.forEach(
                    value -> body.append(field).append(": ").append(value).append('\n')));
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.getResponseHeaders().add("X-Server", name);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
