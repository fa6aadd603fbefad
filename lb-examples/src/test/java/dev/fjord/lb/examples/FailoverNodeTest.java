package dev.fjord.lb.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.fjord.lb.vrrp.lab.ClientView;
import dev.fjord.lb.vrrp.lab.NetnsLab;
import dev.fjord.lb.vrrp.lab.VrrpPeer;

/**
 * Two {@link FailoverNode}s, each the reference proxy with lb-vrrp, share the VIP in the lab of network namespaces;
 * a client in its own namespace sends {@code GET /} to VIP:8080 every few milliseconds, over a new connection each
 * time, and the web node's answer names the load balancer that served it. Timed from the client: the backup serves
 * within Skew_Time + 100 ms of a graceful stop and within Master_Down_Interval + 100 ms of a crash; a master whose
 * web nodes are all in maintenance hands the VIP over; the higher-priority node takes it back on return.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FailoverNodeTest {
    private static final Pattern SERVED_BY = Pattern.compile("Hello from web\\d@(\\w+)");
    private static final Pattern WEB_AND_LB = Pattern.compile("Hello from (web\\d)@(\\w+)");

    @TempDir
    Path dir;

    private NetnsLab lab;
    private ClientView client;
    private Node lb1;
    private Node lb2;

    @BeforeEach
    void lab() throws Exception {
        NetnsLab.assumeAvailable();
        lab = NetnsLab.up();
        client = ClientView.probing(lab, 8080, FailoverNodeTest::servedBy, Duration.ofSeconds(110));
        lb1 = new Node(lab, "lb1", 150, dir);
        lb2 = new Node(lab, "lb2", 100, dir);
    }

    @AfterEach
    void teardown() throws Exception {
        if (lab != null) { // closes the client view too
            lab.close();
        }
    }

    @Test
    void theBackupServesTheVipWhenTheMasterStopsCrashesOrLosesItsBackends() throws Exception {
        lb2.start();
        lb1.start();
        client.awaitOwner("lb1", System.nanoTime(), Duration.ofSeconds(30));

        long maintenance = System.nanoTime();
        assertThat(lb1.command("disable server app/web1; disable server app/web2"))
                .isBlank();
        Duration noBackends = client.awaitOwner("lb2", maintenance, Duration.ofSeconds(5));
        assertThat(lb1.command("enable server app/web1")).isBlank();
        Duration backendsBack = client.awaitOwner("lb1", System.nanoTime(), Duration.ofSeconds(10));

        long crashed = System.nanoTime();
        lb1.crash();
        Duration crash = client.awaitOwner("lb2", crashed, Duration.ofSeconds(8));

        lb1.start();
        Duration preempted = client.awaitOwner("lb1", System.nanoTime(), Duration.ofSeconds(30));

        long stopped = System.nanoTime();
        lb1.stop();
        Duration graceful = client.awaitOwner("lb2", stopped, Duration.ofSeconds(5));

        System.out.printf(
                "two Fjord nodes, failover seen by an HTTP client: graceful stop %d ms, crash %d ms, "
                        + "all web nodes in maintenance %d ms; back on lb1 %d ms after a web node returned, %d ms "
                        + "after "
                        + "restart%n",
                graceful.toMillis(),
                crash.toMillis(),
                noBackends.toMillis(),
                backendsBack.toMillis(),
                preempted.toMillis());
        assertThat(graceful)
                .as("graceful stop; client saw:%s%n%s", client.describe(stopped), logs())
                .isLessThanOrEqualTo(Duration.ofMillis(609 + 100));
        assertThat(crash)
                .as("crash; client saw:%s%n%s", client.describe(crashed), logs())
                .isLessThanOrEqualTo(Duration.ofMillis(3609 + 100));
        // the maintenance event rechecks the tracker at once, the master resigns: the backup waits Skew_Time
        assertThat(noBackends)
                .as("no usable server; client saw:%s%n%s", client.describe(maintenance), logs())
                .isLessThanOrEqualTo(Duration.ofMillis(609 + 100 + 100)); // + the command and the event to the tracker
    }

    @Test
    void withPeers_theClientKeepsItsWebNodeWhenTheBackupTakesOverAfterACrash() throws Exception {
        client.close(); // this test's client also reads which web node answered
        String peers = "lb1=" + NetnsLab.address("lb1") + ":10000,lb2=" + NetnsLab.address("lb2") + ":10000";
        lb1.options("--peers", peers, "--rate-limit", "1000000");
        lb2.options("--peers", peers, "--rate-limit", "1000000");
        lb2.start();
        lb1.start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!lab.holdsVip("lb1") && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        // the client's first request finds web1 in maintenance on lb1: it is stuck to web2, where a fresh lb2
        // would send a new client (round robin starts with web1) unless it learnt the entry from lb1
        assertThat(lb1.command("disable server app/web1")).isBlank();
        ClientView sticky = ClientView.probing(lab, 8080, FailoverNodeTest::servedByAndWebNode, Duration.ofSeconds(60));
        sticky.awaitOwner("lb1/web2", System.nanoTime(), Duration.ofSeconds(10));
        assertThat(lb1.command("enable server app/web1")).isBlank();
        Thread.sleep(500); // more requests of the client, still to web2

        long crashed = System.nanoTime();
        lb1.crash();
        Duration failover = sticky.awaitOwner("lb2/web2", crashed, Duration.ofSeconds(8));

        assertThat(sticky.changes())
                .as("what the client saw after the crash:%s", sticky.describe(crashed))
                .filteredOn(
                        change -> change.nanos() >= crashed && change.owner().startsWith("lb"))
                .extracting(ClientView.Change::owner)
                .isSubsetOf("lb1/web2", "lb2/web2")
                .contains("lb2/web2");
        System.out.printf("VRRP + peers: lb1 crashed, lb2 served the client's web2 after %d ms%n", failover.toMillis());
    }

    /** {@link #servedBy}, with the web node: {@code lb1/web2}. */
    private static String servedByAndWebNode(InetSocketAddress vip) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(vip, 50);
            socket.setSoTimeout(300);
            socket.getOutputStream()
                    .write(("GET / HTTP/1.1\r\nHost: 198.18.0.100\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Matcher matcher = WEB_AND_LB.matcher(response);
            return matcher.find()
                    ? matcher.group(2) + "/" + matcher.group(1)
                    : response.lines().findFirst().orElse("empty response");
        }
    }

    /** One GET / on a new connection; the load balancer that served it, or the status line when it failed. */
    private static String servedBy(InetSocketAddress vip) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(vip, 50);
            socket.setSoTimeout(300);
            socket.getOutputStream()
                    .write(("GET / HTTP/1.1\r\nHost: 198.18.0.100\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Matcher matcher = SERVED_BY.matcher(response);
            return matcher.find()
                    ? matcher.group(1)
                    : response.lines().findFirst().orElse("empty response");
        }
    }

    private String logs() {
        return "--- lb1:\n" + lb1.log() + "--- lb2:\n" + lb2.log();
    }

    /** A {@link FailoverNode} in its own JVM in a lab namespace. */
    private static final class Node extends VrrpPeer {
        private final List<String> options = new java.util.ArrayList<>();

        Node(NetnsLab lab, String node, int priority, Path dir) {
            super(lab, node, priority, new Pairing(3, false), dir);
        }

        /** Adds options to the node's command line. */
        void options(String... more) {
            options.addAll(List.of(more));
        }

        @Override
        public void start() throws IOException {
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new java.util.ArrayList<>(List.of(
                    java,
                    "-Xmx256m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    FailoverNode.class.getName(),
                    "--name",
                    node,
                    "--interface",
                    "eth0",
                    "--address",
                    NetnsLab.address(node),
                    "--priority",
                    Integer.toString(priority)));
            command.addAll(options);
            process = lab.start(node, log, command);
        }

        /** The crash leaves the node's stats socket file behind; this test removes it. */
        @Override
        public void crash() throws InterruptedException {
            Path socket = statsSocket();
            super.crash();
            try {
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private Path statsSocket() {
            return Path.of(System.getProperty("java.io.tmpdir"), "fjord-" + process.pid() + ".sock");
        }

        /** Runs runtime commands on the node's stats socket (a file: reachable from any namespace). */
        String command(String line) throws IOException {
            try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(statsSocket()))) {
                channel.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII)));
                ByteBuffer answer = ByteBuffer.allocate(4096);
                while (channel.read(answer) >= 0 && answer.hasRemaining()) {
                    // until the node closes the connection
                }
                return new String(answer.array(), 0, answer.position(), StandardCharsets.US_ASCII);
            }
        }
    }
}
