package dev.fjord.lb.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.fjord.lb.core.Router;
import dev.fjord.lb.netty.FjordProxy;

/**
 * The peers half of {@link FailoverNode}, on loopback without root: two reference load balancers, lb1 on 127.0.0.1
 * and lb2 on 127.0.0.2, share their tables with {@link PeerSync}. A client served by lb1 is served by the same web
 * node through lb2 once lb1 has stopped (as after a VRRP failover, which {@code FailoverNodeTest} shows in network
 * namespaces), and requests lb1 counted hold against the rate limit on lb2. The time until lb2 knows an entry made on
 * lb1 is printed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
final class FailoverPeersTest {
    private static final Pattern SERVED_BY = Pattern.compile("Hello from (web\\d)@");
    private static final int LIMIT = 5;

    @TempDir
    Path dir;

    private DemoWebNode web1;
    private DemoWebNode web2;
    private FjordProxy lb1;
    private FjordProxy lb2;

    @BeforeEach
    void start() throws IOException {
        web1 = DemoWebNode.start("web1@loopback", "127.0.0.1", 0);
        web2 = DemoWebNode.start("web2@loopback", "127.0.0.1", 0);
        for (int attempt = 1; ; attempt++) { // a port found free may be taken before the node binds it: new ones
            Map<String, String> peers = new LinkedHashMap<>();
            peers.put("lb1", "127.0.0.1:" + freePort("127.0.0.1"));
            peers.put("lb2", "127.0.0.2:" + freePort("127.0.0.2"));
            try {
                lb1 = node("lb1", "127.0.0.1", peers);
                lb2 = node("lb2", "127.0.0.2", peers);
                return;
            } catch (IllegalStateException e) {
                stop(lb1);
                lb1 = null;
                if (attempt == 3 || !String.valueOf(e.getMessage()).contains("Address already in use")) {
                    throw e;
                }
            }
        }
    }

    private static void stop(FjordProxy proxy) {
        if (proxy != null) {
            proxy.close(Duration.ofSeconds(1));
        }
    }

    @AfterEach
    void stop() {
        stop(lb1);
        stop(lb2);
        web1.close();
        web2.close();
    }

    private FjordProxy node(String name, String host, Map<String, String> peers) {
        var config = ReferenceCluster.builderAt(host + ":0", host + ":0", address(web1), address(web2))
                .global(g -> g.statsSocket(socket(name).toString()));
        return FjordProxy.builder(
                        Router.of(PeerSync.apply(config, name, peers, LIMIT).build()))
                .ioThreads(1)
                .start();
    }

    private static String address(DemoWebNode node) {
        return "127.0.0.1:" + node.address().getPort();
    }

    private Path socket(String node) {
        return dir.resolve(node + ".sock");
    }

    private static int freePort(String host) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        }
    }

    /** GET / from {@code client} through {@code proxy}: the web node that answered, or the status line. */
    private static String get(FjordProxy proxy, String client) throws IOException {
        InetSocketAddress frontend = proxy.addresses("main").get(0);
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(client, 0));
            socket.connect(frontend, 1000);
            socket.setSoTimeout(2000);
            socket.getOutputStream()
                    .write("GET / HTTP/1.1\r\nHost: lb\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Matcher matcher = SERVED_BY.matcher(response);
            return matcher.find()
                    ? matcher.group(1)
                    : response.lines().findFirst().orElse("empty response");
        }
    }

    private String table(String node, String table) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket(node)));
            channel.write(ByteBuffer.wrap(("show table " + table + "\n").getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            for (int reads = 0; reads < 1000 && channel.read(buffer) >= 0; reads++) {
                out.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Polls until {@code node}'s {@code table} shows {@code expected} (at most {@code limit}); the time it took. */
    private Duration until(String node, String table, String expected, Duration limit) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + limit.toNanos();
        while (!table(node, table).contains(expected)) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + limit.toMillis() + " ms: '" + expected + "' in " + node
                        + "'s table " + table + ":\n" + table(node, table));
            }
            Thread.sleep(2);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Test
    void afterTheFailover_aClientKeepsItsWebNodeAndItsRateLimit() throws Exception {
        until("lb2", "app", "# table: app", Duration.ofSeconds(5)); // lb2 is up
        get(lb1, "127.0.0.9"); // web1: the first pick; the next client is stuck to web2
        until("lb2", "app", "key=127.0.0.9 use=0", Duration.ofSeconds(10)); // the peers are connected
        String server = get(lb1, "127.0.0.10");
        assertThat(server).isEqualTo("web2");
        Duration learnt = until("lb2", "app", "key=127.0.0.10 use=0", Duration.ofSeconds(10));
        assertThat(table("lb2", "app")).contains("server_key=web2");

        String limited = "127.0.0.11";
        for (int i = 0; i < LIMIT; i++) {
            assertThat(get(lb1, limited)).startsWith("web");
        }
        until("lb2", "main", "key=" + limited + " use=0 exp=", Duration.ofSeconds(10));
        until("lb2", "main", "http_req_rate(10000)=" + LIMIT, Duration.ofSeconds(2));

        lb1.close(Duration.ofSeconds(1)); // the failover: lb2 takes the clients
        lb1 = null;
        for (int i = 0; i < LIMIT - 1; i++) { // the one request through lb1 counts too
            assertThat(get(lb2, "127.0.0.10")).as("request %d through lb2", i).isEqualTo("web2");
        }
        assertThat(get(lb2, limited)).isEqualTo("HTTP/1.1 429 Too Many Requests");
        assertThat(get(lb2, "127.0.0.10")).isEqualTo("HTTP/1.1 429 Too Many Requests"); // 1 on lb1 + 4 on lb2
        assertThat(get(lb2, "127.0.0.12")).startsWith("web"); // another client is not limited
        System.out.printf("peers: an entry made on lb1 known to lb2 after %d ms (polled)%n", learnt.toMillis());
        assertThat(learnt).isLessThan(Duration.ofSeconds(1));
    }
}
