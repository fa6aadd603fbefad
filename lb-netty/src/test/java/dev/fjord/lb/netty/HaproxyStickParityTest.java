package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same rate-limiting haproxy.cfg run by HAProxy ({@link HaproxyProcess}; skipped where it is not installed)
 * and by Fjord, with the same requests from 127.0.0.1 and 127.0.0.2: the same statuses, and the same
 * {@code show table} but for entry addresses and expiry times.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HaproxyStickParityTest {
    private static final String GET = "GET / HTTP/1.1\r\nHost: fjord\r\n\r\n";

    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @TempDir
    Path dir;

    private static String config(Path socket, String bind, String server) {
        return """
                global
                    stats socket %s mode 600 level admin
                defaults
                    mode http
                    timeout client 10s
                    timeout server 10s
                    timeout connect 2s
                frontend fe
                    bind %s
                    stick-table type ip size 100k expire 30s store http_req_rate(10s),http_req_cnt,http_err_cnt,conn_cnt
                    http-request track-sc0 src
                    http-request deny deny_status 429 if { sc_http_req_rate(0) gt 5 }
                    default_backend be
                backend be
                    server web1 %s
                """.formatted(socket, bind, server);
    }

    /** Statuses for 8 requests from 127.0.0.1 on one connection, then 1 from 127.0.0.2, and the table after. */
    private static List<String> run(InetSocketAddress proxy, Path socket) throws IOException {
        List<String> seen = new ArrayList<>();
        try (RawClient alice = new RawClient(proxy, InetAddress.getByName("127.0.0.1"))) {
            for (int i = 0; i < 8; i++) {
                seen.add(alice.send(GET).readResponse().substring(9, 12));
            }
        }
        try (RawClient bob = new RawClient(proxy, InetAddress.getByName("127.0.0.2"))) {
            seen.add(bob.send(GET).readResponse().substring(9, 12));
        }
        command(socket, "show table fe")
                .lines()
                .map(line -> line.replaceAll("^0x[0-9a-f]+:", "0x?:").replaceAll(" exp=\\d+", " exp=?"))
                .forEach(seen::add);
        return seen;
    }

    static String command(Path socket, String line) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (channel.read(buffer) >= 0) {
                out.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void fjordAnswersAsHaproxyDoes() throws Exception {
        HaproxyProcess.assumeInstalled();
        RecordingHttpServer web = fjord.recordingServer();

        Path haproxySocket = dir.resolve("haproxy.sock");
        int port = HaproxyProcess.freePort();
        List<String> byHaproxy;
        try (HaproxyProcess haproxy =
                HaproxyProcess.start(dir, config(haproxySocket, "127.0.0.1:" + port, web.address()), port)) {
            byHaproxy = run(new InetSocketAddress("127.0.0.1", port), haproxySocket);
            assertThat(byHaproxy.subList(0, 9))
                    .as("HAProxy's answers (its output: %s)", haproxy.output())
                    .containsExactly("200", "200", "200", "200", "200", "429", "429", "429", "200");
        }

        Path fjordSocket = dir.resolve("fjord.sock");
        FjordProxy proxy = fjord.start(config(fjordSocket, "127.0.0.1:0", web.address()));
        List<String> byFjord = run(proxy.addresses("fe").get(0), fjordSocket);

        assertThat(byFjord).isEqualTo(byHaproxy);
    }
}
