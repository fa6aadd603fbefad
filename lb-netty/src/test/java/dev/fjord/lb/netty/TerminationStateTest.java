package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.AccessLogEntry;

/** The access log's termination state (HAProxy's first two letters) for each way an exchange ends. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TerminationStateTest {
    private final List<AccessLogEntry> entries = new CopyOnWriteArrayList<>();

    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private RecordingHttpServer server;
    private FjordProxy proxy;

    @BeforeEach
    void start() {
        server = fjord.recordingServer();
    }

    private void proxy(String serverAddress, String extraFrontend, String extraBackend) {
        proxy = fjord.start(
                "defaults\n    mode http\n    option httplog\n    log global\n    retries 0\n"
                        + "    timeout connect 1s\n    timeout client 5s\n    timeout server 800ms\n    timeout "
                        + "queue 200ms\n"
                        + "frontend main\n    bind 127.0.0.1:0\n" + extraFrontend + "    default_backend app\n"
                        + "backend app\n" + extraBackend + "    server web1 " + serverAddress + " maxconn 1\n",
                b -> b.accessLog((entry, line) -> entries.add(entry)));
    }

    private String send(String path) throws IOException {
        try (RawClient client = new RawClient(proxy.address("main"))) {
            return client.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
        }
    }

    private String lastState(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (entries.size() < count && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(5); // the log line follows the response: bounded wait for it
        }
        assertThat(entries).hasSize(count);
        return entries.get(count - 1).termination().substring(0, 2);
    }

    @Test
    void normalDeniedAndNoServer() throws Exception {
        proxy(server.address(), "    http-request deny if { path_beg /admin }\n", "");

        assertThat(send("/")).startsWith("HTTP/1.1 200");
        assertThat(lastState(1)).isEqualTo("--");
        assertThat(send("/admin")).startsWith("HTTP/1.1 403");
        assertThat(lastState(2)).isEqualTo("PR");
        proxy.router().backend("app").requireServer("web1").markDown();
        assertThat(send("/")).startsWith("HTTP/1.1 503");
        assertThat(lastState(3)).isEqualTo("SC");
    }

    @Test
    void connectionRefusedTimeoutAndInvalidResponse() throws Exception {
        int closedPort;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = closed.getLocalPort();
        }
        proxy("127.0.0.1:" + closedPort, "", "");
        assertThat(send("/")).startsWith("HTTP/1.1 503");
        assertThat(lastState(1)).isEqualTo("SC");
        proxy.close(Duration.ofSeconds(1));

        entries.clear();
        proxy(server.address(), "", "");
        server.respond(request -> {
            try {
                Thread.sleep(request.target().equals("/slow") ? 1500 : 0); // a server that does not answer in time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return request.target().equals("/junk")
                    ? "NOT HTTP\r\n\r\n".getBytes(StandardCharsets.US_ASCII)
                    : RecordingHttpServer.OK.apply(request);
        });
        assertThat(send("/slow")).startsWith("HTTP/1.1 504");
        assertThat(lastState(1)).isEqualTo("sH");
        assertThat(send("/junk")).startsWith("HTTP/1.1 502");
        assertThat(lastState(2)).isEqualTo("SH");
    }

    @Test
    void queueTimeout() throws Exception {
        proxy(server.address(), "", "");
        server.respond(request -> {
            try {
                Thread.sleep(1000); // holds the server's only slot (maxconn 1) past timeout queue
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return RecordingHttpServer.OK.apply(request);
        });
        try (RawClient first = new RawClient(proxy.address("main"))) {
            first.send("GET /first HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(server.awaitConnections(1, 2000)).isEqualTo(1);
            assertThat(send("/second")).startsWith("HTTP/1.1 503");
            assertThat(lastState(1)).isEqualTo("sQ");
        }
    }
}
