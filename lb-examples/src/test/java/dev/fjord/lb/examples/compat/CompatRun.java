package dev.fjord.lb.examples.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import dev.fjord.lb.core.Address;
import dev.fjord.lb.core.BackendConfig;
import dev.fjord.lb.core.FrontendConfig;
import dev.fjord.lb.core.LogTarget;
import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.ServerConfig;
import dev.fjord.lb.core.haproxy.HaproxyImport;
import dev.fjord.lb.netty.FjordProxy;

/**
 * One compatibility file running on loopback: imported as it is (with {@code ${COMPAT_DIR}} naming the folder of
 * its errorfiles), every bind moved to 127.0.0.1 on a free port (bind options kept), every server to a local server
 * of its own name ({@link CompatWeb}, or {@link CompatTcp} in {@code mode tcp}), the servers named dead to a port
 * nothing listens on; then checked to reach nothing but loopback and started. Clients send from 127.0.0.1 unless
 * they say (Linux routes all of 127.0.0.0/8 to loopback). Closes all it started.
 */
final class CompatRun implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 10_000;

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final Map<String, CompatWeb> webs = new HashMap<>();
    private final FjordProxy proxy;

    private CompatRun(String file, Set<String> dead) throws IOException {
        String text;
        try (InputStream in = Objects.requireNonNull(CompatRun.class.getResourceAsStream("/compat/" + file), file)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        HaproxyImport imported = HaproxyImport.parse(text, file, Map.of("COMPAT_DIR", folder()));
        ProxyConfig.Builder builder = imported.builder();
        ProxyConfig parsed = builder.build();
        try {
            for (FrontendConfig frontend : parsed.frontends().values()) {
                // each bind with its options (ssl, accept-proxy) onto a port of 127.0.0.N, N its place: the first
                // on 127.0.0.1, where address(frontend) finds it
                for (int i = 0; i < frontend.binds().size(); i++) {
                    Address bind = frontend.binds().get(i);
                    String loopback = "127.0.0." + (i + 1) + ":0";
                    if (parsed.listens().contains(frontend.name())) {
                        builder.editListen(frontend.name(), l -> l.moveBind(bind, loopback));
                    } else {
                        builder.editFrontend(frontend.name(), f -> f.moveBind(bind, loopback));
                    }
                }
            }
            for (BackendConfig backend : parsed.backends().values()) {
                boolean tcp = backend.settings().mode() == Mode.TCP;
                for (ServerConfig server : backend.servers()) {
                    String address = dead.contains(server.name()) ? closedPort() : serve(server.name(), tcp);
                    if (parsed.listens().contains(backend.name())) {
                        builder.editListen(backend.name(), l -> l.editServer(server.name(), s -> s.address(address)));
                    } else {
                        builder.editBackend(backend.name(), b -> b.editServer(server.name(), s -> s.address(address)));
                    }
                }
            }
            ProxyConfig config = builder.build();
            requireLoopbackOnly(config);
            FjordProxy running =
                    FjordProxy.builder(Router.of(config)).ioThreads(1).start();
            started.push(() -> running.close(Duration.ofSeconds(1)));
            this.proxy = running;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Starts {@code file} of the compatibility set, with the servers named in {@code dead} unreachable. */
    static CompatRun start(String file, Set<String> dead) throws IOException {
        return new CompatRun(file, dead);
    }

    private static String folder() {
        try {
            return Path.of(Objects.requireNonNull(CompatRun.class.getResource("/compat"), "/compat")
                            .toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private String serve(String name, boolean tcp) throws IOException {
        if (tcp) {
            CompatTcp server = new CompatTcp(name);
            started.push(server);
            return server.address();
        }
        CompatWeb web = CompatWeb.start(name);
        started.push(web);
        webs.put(name, web);
        return web.address();
    }

    /** A loopback port nothing listens on: connections to it are refused. */
    private static String closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + socket.getLocalPort();
        }
    }

    /** Refuses to start a configuration that would bind, connect or log anywhere but loopback. */
    private static void requireLoopbackOnly(ProxyConfig config) {
        for (FrontendConfig frontend : config.frontends().values()) {
            frontend.binds().forEach(bind -> requireLoopback("bind of " + frontend.name(), bind));
            frontend.settings().logTargets().forEach(CompatRun::requireLocalLog);
        }
        for (BackendConfig backend : config.backends().values()) {
            backend.servers().forEach(server -> requireLoopback("server " + server.name(), server.address()));
            backend.settings().logTargets().forEach(CompatRun::requireLocalLog);
            assertThat(backend.servers())
                    .as("health checks elsewhere than the server")
                    .allMatch(server -> server.checkAddress() == null);
        }
        config.global().logs().forEach(CompatRun::requireLocalLog);
        assertThat(config.global().statsSocket()).as("stats socket").isNull();
    }

    private static void requireLoopback(String what, Address address) {
        assertThat(address.host()).as(what).matches("127\\.\\d+\\.\\d+\\.\\d+"); // 127.0.0.0/8, literally
    }

    private static void requireLocalLog(LogTarget target) {
        assertThat(target.kind() == LogTarget.Kind.STDOUT
                        || target.kind() == LogTarget.Kind.STDERR
                        || (target.kind() == LogTarget.Kind.UDP && target.host().equals("127.0.0.1")))
                .as("log target " + target)
                .isTrue();
    }

    FjordProxy proxy() {
        return proxy;
    }

    /** The local web server standing for server {@code name}. */
    CompatWeb web(String name) {
        return Objects.requireNonNull(webs.get(name), name);
    }

    /** A {@code GET path} to {@code frontend} from 127.0.0.1, with {@code fields} ("Name: value"), closed after. */
    HttpReply get(String frontend, String path, String... fields) throws IOException {
        return from("127.0.0.1", frontend, path, fields);
    }

    /** A {@code GET path} to {@code frontend} from {@code source} (an address of 127.0.0.0/8). */
    HttpReply from(String source, String frontend, String path, String... fields) throws IOException {
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\n");
        boolean host = false;
        for (String field : fields) {
            request.append(field).append("\r\n");
            host |= field.regionMatches(true, 0, "Host:", 0, 5);
        }
        request.append(host ? "" : "Host: www.example.com\r\n").append("Connection: close\r\n\r\n");
        return HttpReply.parse(exchange(source, frontend, request.toString().getBytes(StandardCharsets.ISO_8859_1)));
    }

    /** Sends {@code bytes} to {@code frontend} from {@code source}, then reads until the proxy closes (max 10 s). */
    byte[] exchange(String source, String frontend, byte[] bytes) throws IOException {
        try (Socket socket = connect(source, frontend)) {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            return readToEnd(socket);
        }
    }

    /** A connection to {@code frontend} from {@code source}, reads timing out after 10 s. */
    Socket connect(String source, String frontend) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        socket.setSoTimeout(TIMEOUT_MILLIS);
        socket.connect(proxy.address(frontend), TIMEOUT_MILLIS);
        return socket;
    }

    /**
     * What comes on {@code socket} until the other side closes it (at most 1 MiB, 10 s); what came before a reset
     * when it resets.
     */
    static byte[] readToEnd(Socket socket) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
        try {
            for (int read = socket.getInputStream().read(buffer);
                    read >= 0 && out.size() < (1 << 20) && System.nanoTime() < deadline;
                    read = socket.getInputStream().read(buffer)) {
                out.write(buffer, 0, read);
            }
        } catch (SocketException reset) {
            // a connection closed unread resets: what came is all there is
        }
        return out.toByteArray();
    }

    /** The first line {@code socket} receives (a {@link CompatTcp} greeting), without its newline. */
    static String readLine(Socket socket) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < 1024; i++) {
            int c = socket.getInputStream().read();
            if (c < 0 || c == '\n') {
                break;
            }
            line.append((char) c);
        }
        return line.toString();
    }

    /** Waits until {@code condition} holds, checking every 20 ms, at most {@code seconds}; whether it held. */
    static boolean await(BooleanSupplier condition, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (int i = 0; i < seconds * 100 && !condition.getAsBoolean(); i++) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return condition.getAsBoolean();
    }

    /**
     * Runs {@code action} with standard output captured, then waits until a captured line contains {@code marker}
     * (access-log lines are written by their own thread; at most 5 s); the lines printed.
     */
    static List<String> printed(Callable<?> action, String marker) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            action.call();
            await(() -> printed.toString(StandardCharsets.UTF_8).contains(marker), 5);
        } finally {
            System.setOut(original);
        }
        return printed.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public String toString() {
        return proxy.toString();
    }
}
