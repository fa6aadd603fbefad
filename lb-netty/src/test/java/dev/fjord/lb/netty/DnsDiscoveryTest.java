package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.ProxyConfig;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * A {@code server-template} filled from a real DNS server on loopback (Debian's dnsmasq, started by the test), whose
 * SRV records change while traffic flows: a new target gets traffic once its check passes, a removed one drains, no
 * client error, also while the DNS server restarts.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DnsDiscoveryTest {
    private static final Path DNSMASQ = Path.of("/usr/sbin/dnsmasq");

    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @TempDir
    Path dir;

    private final MockWebServer web1 = fjord.mockServer();
    private final MockWebServer web2 = fjord.mockServer();
    private final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
    private Process dns;
    private int dnsPort;

    @AfterEach
    void stopDns() throws InterruptedException {
        stop();
    }

    @Test
    void srvRecordsAddAndRemoveServersWhileTrafficFlowsWithoutAnError() throws Exception {
        assumeTrue(Files.isExecutable(DNSMASQ), "dnsmasq is not installed (apt-get install dnsmasq-base): skipped");
        web1.setDispatcher(node("web1"));
        web2.setDispatcher(node("web2"));
        dnsPort = freeUdpAndTcpPort();
        startDns(List.of(web1));
        ProxyConfig config = ProxyConfig.builder()
                .resolvers(
                        "dns",
                        r -> r.nameserver("127.0.0.1:" + dnsPort)
                                .timeoutResolve(Duration.ofMillis(100))
                                .timeoutRetry(Duration.ofMillis(200))
                                .holdValid(Duration.ofMillis(100)))
                .defaults(d -> d.mode(Mode.HTTP)
                        .timeoutConnect(Duration.ofSeconds(1))
                        .timeoutServer(Duration.ofSeconds(5))
                        .timeoutClient(Duration.ofSeconds(5))
                        .httpCheck(dev.fjord.lb.core.HttpCheck.get("/health")))
                .frontend("main", f -> f.bind("127.0.0.1:0").defaultBackend("app"))
                .backend(
                        "app",
                        b -> b.serverTemplate(
                                "web",
                                3,
                                "_http._tcp.app.test",
                                "dns",
                                s -> s.check().inter(Duration.ofMillis(100)).rise(1)))
                .build();
        FjordProxy proxy = fjord.start(config, b -> {});
        Waits.until(
                () -> proxy.router().backend("app").servers().stream().anyMatch(s -> s.isBalanced()),
                "web1 joins once DNS names it and its check passes");
        Traffic traffic = new Traffic(proxy);
        traffic.start();
        try {
            Waits.until(() -> count("web1") > 0, "web1 gets traffic", Duration.ofSeconds(15));
            assertThat(proxy.router().backend("app").servers())
                    .extracting(s -> s.name())
                    .containsExactly("web1");

            startDns(List.of(web1, web2)); // the DNS server restarts with a second SRV target
            Waits.until(() -> count("web2") > 0, "web2, a new SRV target, gets traffic", Duration.ofSeconds(15));

            startDns(List.of(web2)); // web1's record leaves
            Waits.until(
                    () -> proxy.router().backend("app").server("web1") == null,
                    "web1 leaves the backend",
                    Duration.ofSeconds(15));
            // a request routed to web1 just before it left finishes there (one client, one request at a time)
            long leftAt = traffic.sent.get();
            Waits.until(
                    () -> traffic.sent.get() > leftAt + 1, "the request in flight finishes", Duration.ofSeconds(15));
            int web1Before = count("web1");
            long sent = traffic.sent.get();
            Waits.until(() -> traffic.sent.get() > sent + 50, "50 more requests", Duration.ofSeconds(15));
            assertThat(count("web1")).as("web1 answers after it left").isEqualTo(web1Before);
        } finally {
            traffic.stop();
        }
        assertThat(traffic.errors.get())
                .as("client errors: " + traffic.lastError)
                .isZero();
        assertThat(traffic.sent.get()).isPositive();
    }

    @Test
    void aNamedServerFollowsItsAddressWhenTheARecordChanges() throws Exception {
        assumeTrue(Files.isExecutable(DNSMASQ), "dnsmasq is not installed (apt-get install dnsmasq-base): skipped");
        web1.setDispatcher(node("web1"));
        MockWebServer moved = new MockWebServer(); // the same port on another loopback address
        moved.setDispatcher(node("moved"));
        moved.start(InetAddress.getByName("127.0.0.2"), web1.getPort());
        dnsPort = freeUdpAndTcpPort();
        startDns("host-record=app.test,127.0.0.1\n");
        ProxyConfig config = ResolvedConfigs.of(
                dnsPort,
                "    timeout resolve 100ms\n    hold valid 100ms",
                "server web app.test:" + web1.getPort() + " resolvers dns init-addr none");
        try {
            FjordProxy proxy = fjord.start(config, b -> {});
            Waits.until(
                    () -> proxy.router().backend("app").server("web") != null,
                    "web joins once app.test resolves",
                    Duration.ofSeconds(15));
            Traffic traffic = new Traffic(proxy);
            traffic.start();
            try {
                Waits.until(() -> count("web1") > 0, "web gets traffic at 127.0.0.1", Duration.ofSeconds(15));
                dev.fjord.lb.core.Server web = proxy.router().backend("app").requireServer("web");
                startDns("host-record=app.test,127.0.0.2\n");
                Waits.until(() -> count("moved") > 0, "web follows app.test to 127.0.0.2", Duration.ofSeconds(15));
                assertThat(proxy.router()
                                .backend("app")
                                .requireServer("web")
                                .config()
                                .address()
                                .host())
                        .isEqualTo("127.0.0.2");
                assertThat(proxy.router().backend("app").requireServer("web"))
                        .as("moved in place, as HAProxy does: the same server, its state and counters kept")
                        .isSameAs(web);
            } finally {
                traffic.stop();
            }
            assertThat(traffic.sent.get()).isPositive();
            // a request may meet the server between its two addresses: never more than one
            assertThat(traffic.errors.get())
                    .as("client errors: " + traffic.lastError)
                    .isLessThanOrEqualTo(1);
        } finally {
            moved.close();
        }
    }

    /** A web node that names itself and answers its health check. */
    private Dispatcher node(String name) {
        return new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                if (!"/health".equals(request.getTarget())) {
                    answers.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
                }
                return new MockResponse.Builder().body(name).build();
            }
        };
    }

    private int count(String name) {
        AtomicInteger count = answers.get(name);
        return count == null ? 0 : count.get();
    }

    /** (Re)starts dnsmasq on {@link #dnsPort} with one SRV record per server of {@code servers}. */
    private void startDns(List<MockWebServer> servers) throws IOException, InterruptedException {
        StringBuilder conf = new StringBuilder();
        for (int i = 0; i < servers.size(); i++) {
            String target = "node" + i + ".app.test";
            conf.append("srv-host=_http._tcp.app.test,")
                    .append(target)
                    .append(',')
                    .append(servers.get(i).getPort())
                    .append(",0,256\n");
            conf.append("host-record=").append(target).append(",127.0.0.1\n");
        }
        startDns(conf.toString());
    }

    /** (Re)starts dnsmasq on {@link #dnsPort} with {@code records} (dnsmasq.conf lines). */
    private void startDns(String records) throws IOException, InterruptedException {
        stop();
        String conf = "port=" + dnsPort + "\nlisten-address=127.0.0.1\nbind-interfaces\nno-resolv\nno-hosts\n"
                + "no-negcache\n" + records;
        Path file = dir.resolve("dnsmasq.conf");
        Files.writeString(file, conf);
        dns = new ProcessBuilder(DNSMASQ.toString(), "-k", "--conf-file=" + file, "--pid-file=", "--user=root")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("dnsmasq.log").toFile())
                .start();
        // answering once its port is bound: a few ms; bounded to 5 s
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < end && dns.isAlive() && !bound()) {
            Thread.sleep(20);
        }
        assertThat(dns.isAlive())
                .as("dnsmasq: " + Files.readString(dir.resolve("dnsmasq.log")))
                .isTrue();
    }

    /** A port free for UDP and TCP on 127.0.0.1 (dnsmasq listens on both); at most 20 tries. */
    private static int freeUdpAndTcpPort() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                int port = udp.getLocalPort();
                try (java.net.ServerSocket tcp = new java.net.ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                    return tcp.getLocalPort();
                } catch (IOException taken) {
                    // the TCP port is in use: another
                }
            }
        }
        throw new IOException("no port free for UDP and TCP in 20 tries");
    }

    private boolean bound() {
        try {
            new DatagramSocket(dnsPort, InetAddress.getLoopbackAddress()).close();
            return false; // the port is free: dnsmasq has not bound it yet
        } catch (IOException e) {
            return true;
        }
    }

    private void stop() throws InterruptedException {
        if (dns != null && dns.isAlive()) {
            dns.destroy();
            if (!dns.waitFor(5, TimeUnit.SECONDS)) {
                dns.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** One client sending requests one after the other, at most 20,000 or until stopped; counts errors. */
    private static final class Traffic {
        private final HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        private final URI uri;
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong errors = new AtomicLong();
        private volatile String lastError = "";
        private volatile boolean running = true;
        private final Thread thread;

        Traffic(FjordProxy proxy) {
            this.uri = URI.create("http://127.0.0.1:" + proxy.address("main").getPort() + "/");
            this.thread = new Thread(this::run, "dns-discovery-traffic");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void run() {
            for (int i = 0; i < 20_000 && running; i++) {
                try {
                    HttpResponse<String> response = http.send(
                            HttpRequest.newBuilder(uri)
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    sent.incrementAndGet();
                    if (response.statusCode() != 200) {
                        errors.incrementAndGet();
                        lastError = response.statusCode() + " " + response.body();
                    }
                } catch (IOException e) {
                    errors.incrementAndGet();
                    lastError = e.toString();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
    }
}
