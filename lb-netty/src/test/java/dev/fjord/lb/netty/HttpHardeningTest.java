package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.fjord.lb.core.HaproxyImport;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.netty.RecordingHttpServer.Received;

/**
 * Requests an attacker sends to get past the proxy: each is refused before anything reaches the server, or reaches
 * it meaning exactly what the proxy understood. Regression tests for the two bypasses found on 2026-11-27.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpHardeningTest {
    private RecordingHttpServer server;
    private FjordProxy proxy;

    @BeforeEach
    void start() throws IOException {
        server = new RecordingHttpServer();
    }

    @AfterEach
    void stop() throws IOException {
        if (proxy != null) {
            proxy.close(Duration.ofSeconds(1));
        }
        server.close();
    }

    private void proxy(String frontendLines) {
        String cfg = "defaults\n    mode http\n    timeout connect 1s\n    timeout client 5s\n    timeout server 5s\n"
                + "    timeout http-request 5s\n    timeout http-keep-alive 2s\n"
                + "frontend main\n    bind 127.0.0.1:0\n" + frontendLines + "    default_backend app\n"
                + "backend app\n    server web1 " + server.address() + "\n";
        proxy = FjordProxy.builder(Router.of(HaproxyImport.parse(cfg, "haproxy.cfg", Map.of()).builder().build()))
                .ioThreads(1).start();
    }

    private String send(String request) throws IOException {
        try (RawClient client = new RawClient(proxy.address("main"))) {
            return client.send(request).readUntil("\r\n\r\n", 1);
        }
    }

    @Test
    void connectionNamingContentLengthDoesNotSmuggleTheBodyAsARequest() throws Exception {
        proxy("");
        String smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";

        String response;
        try (RawClient client = new RawClient(proxy.address("main"))) {
            response = client.send("POST /chunk HTTP/1.1\r\nHost: x\r\nConnection: Content-Length\r\n"
                    + "Content-Length: " + smuggled.length() + "\r\n\r\n" + smuggled).readUntil("ok", 1);
        }
        assertThat(send("POST /next HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")).startsWith("HTTP/1.1 200");

        List<Received> received = server.await(2, 2000);
        assertThat(response).startsWith("HTTP/1.1 200");
        assertThat(received).extracting(r -> r.request().method() + " " + r.request().target())
                .containsExactly("POST /chunk", "POST /next");
        assertThat(received.get(0).request().bodyText()).isEqualTo(smuggled);
        assertThat(received.get(1).request().bodyText()).isEqualTo("hello");
        assertThat(server.errors()).isEmpty();
    }

    @Test
    void aFragmentInTheTargetCannotSatisfyAPathAcl() throws Exception {
        proxy("    http-request deny unless { path_end .png }\n");

        assertThat(send("GET /secret HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 403");
        assertThat(send("GET /secret#.png HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 400");
        assertThat(send("GET /logo.png HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 200");

        assertThat(server.await(1, 1000)).extracting(r -> r.request().target()).containsExactly("/logo.png");
    }
}
