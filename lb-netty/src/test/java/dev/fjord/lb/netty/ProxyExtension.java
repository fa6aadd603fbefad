package dev.fjord.lb.netty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.haproxy.HaproxyImport;

import mockwebserver3.MockWebServer;

/**
 * A proxy in front of test backends, for a test method: backends ({@link MockWebServer}, {@link RecordingHttpServer})
 * started on loopback, proxies started on one event-loop thread by default (so server connection reuse is
 * predictable), and everything closed after the test, proxies first. Register it per test class:
 *
 * <pre>{@code
 * @RegisterExtension
 * final ProxyExtension fjord = new ProxyExtension();
 *
 * MockWebServer web1 = fjord.mockServer();
 * FjordProxy proxy = fjord.start(ProxyConfig.builder()...server("web1", fjord.address(web1))...build());
 * }</pre>
 *
 * <p>{@link #perClass()} on a static field keeps them for the whole class.
 */
final class ProxyExtension implements AfterEachCallback, AfterAllCallback {
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final boolean perClass;

    /** Closes what a test started after that test. */
    ProxyExtension() {
        this(false);
    }

    private ProxyExtension(boolean perClass) {
        this.perClass = perClass;
    }

    /** For a static field: closes what the class started after all its tests (started in {@code @BeforeAll}). */
    static ProxyExtension perClass() {
        return new ProxyExtension(true);
    }

    /** A MockWebServer on 127.0.0.1, any port. */
    MockWebServer mockServer() {
        MockWebServer server = new MockWebServer();
        try {
            server.start(InetAddress.getLoopbackAddress(), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        started.push(server);
        return server;
    }

    /** A strict recording server on 127.0.0.1, any port. */
    RecordingHttpServer recordingServer() {
        try {
            RecordingHttpServer server = new RecordingHttpServer();
            started.push(server);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes {@code resource} (a client) after the test, before the proxies it talks to. */
    <T extends AutoCloseable> T closeAfter(T resource) {
        started.push(resource);
        return resource;
    }

    /** {@code host:port} of {@code server}, for a {@code server} line. */
    static String address(MockWebServer server) {
        return "127.0.0.1:" + server.getPort();
    }

    /** Starts {@code config} on one event-loop thread, with {@code options} applied to the builder. */
    FjordProxy start(ProxyConfig config, Consumer<FjordProxy.Builder> options) {
        FjordProxy.Builder builder = FjordProxy.builder(Router.of(config)).ioThreads(1);
        options.accept(builder);
        FjordProxy proxy = builder.start();
        started.push(() -> proxy.close(Duration.ofSeconds(1)));
        return proxy;
    }

    FjordProxy start(ProxyConfig config) {
        return start(config, b -> {});
    }

    /** Starts the proxy that haproxy.cfg text {@code cfg} describes. */
    FjordProxy start(String cfg, Consumer<FjordProxy.Builder> options) {
        return start(HaproxyImport.parse(cfg, "haproxy.cfg", Map.of()).builder().build(), options);
    }

    FjordProxy start(String cfg) {
        return start(cfg, b -> {});
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (!perClass) {
            closeAll();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        closeAll();
    }

    private void closeAll() throws Exception {
        Exception first = null;
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
