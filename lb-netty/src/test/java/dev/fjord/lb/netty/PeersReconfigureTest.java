package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.fjord.lb.core.haproxy.HaproxyImport;

/**
 * Two Fjord peers on 127.0.0.1 and 127.0.0.2: a reconfiguration that changes a shared table's definition (its
 * entries start anew) keeps it shared, and one that removes the peers section stops the sharing.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
final class PeersReconfigureTest {
    private static final String GET = "GET / HTTP/1.1\r\nHost: fjord\r\n\r\n";

    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @TempDir
    Path dir;

    private static String config(
            String local, Path socket, String host, int port1, int port2, String store, boolean peers) {
        return """
                global
                    localpeer %s
                    stats socket %s mode 600 level admin
                %s
                frontend fe
                    mode http
                    bind %s:0
                    stick-table type ip size 1k expire 30s store %s %s
                    http-request track-sc0 src
                    http-request deny deny_status 429
                """.formatted(
                local,
                socket,
                peers ? "peers mypeers\n    peer a 127.0.0.1:%d\n    peer b 127.0.0.2:%d".formatted(port1, port2) : "",
                host,
                store,
                peers ? "peers mypeers" : "");
    }

    private static void request(FjordProxy proxy, String client) throws IOException {
        try (RawClient raw = new RawClient(proxy.addresses("fe").get(0), InetAddress.getByName(client))) {
            assertThat(raw.send(GET).readResponse()).startsWith("HTTP/1.1 429");
        }
    }

    private String table(String node) {
        try {
            return HaproxyStickParityTest.command(dir.resolve(node + ".sock"), "show table fe");
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void changedTable_staysShared_removedPeers_stopSharing() throws Exception {
        int port1 = HaproxyProcess.freePort();
        int port2;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"))) {
            port2 = socket.getLocalPort();
        }
        Path a = dir.resolve("a.sock");
        FjordProxy nodeA = fjord.start(config("a", a, "127.0.0.1", port1, port2, "gpc0", true));
        FjordProxy nodeB = fjord.start(config("b", dir.resolve("b.sock"), "127.0.0.2", port1, port2, "gpc0", true));
        request(nodeA, "127.0.0.20");
        Waits.until(() -> table("b").contains("key=127.0.0.20 "), "first entry on b", java.time.Duration.ofSeconds(10));

        nodeA.reconfigure(HaproxyImport.parse(
                        config("a", a, "127.0.0.1", port1, port2, "gpc0,conn_cnt", true), "haproxy.cfg", Map.of())
                .builder()
                .build());
        assertThat(table("a")).doesNotContain("key=127.0.0.20 "); // a new definition: a new table
        request(nodeA, "127.0.0.21");
        Waits.until(() -> table("b").contains("key=127.0.0.21 "), "entry of the new table on b");

        nodeA.reconfigure(
                HaproxyImport.parse(config("a", a, "127.0.0.1", port1, port2, "gpc0", false), "haproxy.cfg", Map.of())
                        .builder()
                        .build());
        request(nodeA, "127.0.0.22");
        request(nodeB, "127.0.0.23");
        Thread.sleep(300); // what would have been pushed has arrived by now (entries take milliseconds)
        assertThat(table("b")).doesNotContain("key=127.0.0.22 ");
        assertThat(table("a")).contains("key=127.0.0.22 ").doesNotContain("key=127.0.0.23 ");
        assertThat(new InetSocketAddress("127.0.0.1", port1)).satisfies(address -> {
            try (java.net.Socket probe = new java.net.Socket()) {
                probe.connect(address, 500);
                throw new AssertionError("a still listens for peers on " + address);
            } catch (IOException refused) {
                // closed with its peers section
            }
        });
    }
}
