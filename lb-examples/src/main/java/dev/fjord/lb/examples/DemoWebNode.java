package dev.fjord.lb.examples;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A web node for the demo, on the JDK's built-in HTTP server: every page says which node answered, and
 * {@code /health_check.php} answers 200 while {@linkplain #healthy(boolean) healthy}, 503 otherwise (the reference
 * cluster's check, which fails when the node's database is gone). Thread-safe.
 */
public final class DemoWebNode implements AutoCloseable {
    private final String name;
    private final HttpServer server;
    private final ExecutorService executor;
    private volatile boolean healthy = true;

    private DemoWebNode(String name, HttpServer server, ExecutorService executor) {
        this.name = name;
        this.server = server;
        this.executor = executor;
    }

    /** Starts node {@code name} on {@code host:port} (port 0 picks a free one). */
    public static DemoWebNode start(String name, String host, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread thread = new Thread(r, "demo-" + name);
            thread.setDaemon(true);
            return thread;
        });
        DemoWebNode node = new DemoWebNode(name, server, executor);
        server.createContext("/", node::handle);
        server.setExecutor(executor);
        server.start();
        return node;
    }

    /** Makes the health check pass or fail. */
    public void healthy(boolean healthy) {
        this.healthy = healthy;
    }

    /** The address the node listens on. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
            String path = exchange.getRequestURI().getPath();
            int status = 200;
            String body;
            if (path.equals("/health_check.php")) {
                status = healthy ? 200 : 503;
                body = healthy ? "OK\n" : "database unreachable\n";
            } else {
                String forwardedFor = exchange.getRequestHeaders().getFirst("X-Forwarded-For");
                String cookie = exchange.getRequestHeaders().getFirst("Cookie");
                body = "Hello from " + name + "\n" + exchange.getRequestMethod() + ' ' + exchange.getRequestURI()
                        + "\nX-Forwarded-For: " + forwardedFor + "\nCookie: " + cookie + '\n';
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.getResponseHeaders().set("X-Served-By", name);
            exchange.sendResponseHeaders(status, exchange.getRequestMethod().equals("HEAD") ? -1 : bytes.length);
            if (!exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseBody().write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return name + " on " + address();
    }
}
