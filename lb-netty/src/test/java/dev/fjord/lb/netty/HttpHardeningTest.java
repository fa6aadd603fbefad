package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.core.AccessLogEntry;
import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.UnderscoreHeaders;
import dev.fjord.lb.netty.RecordingHttpServer.Received;

/**
 * Requests an attacker sends to get past the proxy: each is refused before anything reaches the server, or reaches
 * it meaning exactly what the proxy understood. Regression tests for the two bypasses found on 2026-11-27.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpHardeningTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private RecordingHttpServer server;
    private FjordProxy proxy;

    @BeforeEach
    void start() {
        server = fjord.recordingServer();
    }

    private void proxy(String frontendLines) {
        proxy(frontendLines, (entry, line) -> {});
    }

    private void proxy(String frontendLines, dev.fjord.lb.core.AccessLogSink log) {
        String cfg = "defaults\n    mode http\n    timeout connect 1s\n    timeout client 5s\n    timeout server 5s\n"
                + "    timeout http-request 5s\n    timeout http-keep-alive 2s\n"
                + "frontend main\n    bind 127.0.0.1:0\n" + frontendLines + "    default_backend app\n"
                + "    option httplog\n    log global\n"
                + "backend app\n    server web1 " + server.address() + "\n";
        proxy = fjord.start(cfg, b -> b.accessLog(log));
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
                            + "Content-Length: " + smuggled.length() + "\r\n\r\n" + smuggled)
                    .readUntil("ok", 1);
        }
        assertThat(send("POST /next HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"))
                .startsWith("HTTP/1.1 200");

        List<Received> received = server.await(2, 2000);
        assertThat(response).startsWith("HTTP/1.1 200");
        assertThat(received)
                .extracting(r -> r.request().method() + " " + r.request().target())
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

    @Test
    void anHttp09RequestIsRefusedAtOnceNotAtTheRequestTimeout() throws Exception {
        proxy(""); // timeout http-request 5s

        try (RawClient client = new RawClient(proxy.address("main")).timeout(2000)) {
            assertThat(client.send("GET /\r\n").readResponse()).startsWith("HTTP/1.1 400");
        }
        assertThat(server.received()).isEmpty();
    }

    @Test
    void aRefusedPipelinedRequestIsAnsweredAfterTheOneBeforeIt() throws Exception {
        proxy("");

        try (RawClient client = new RawClient(proxy.address("main"))) {
            client.send("GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /second#x HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readResponse()).startsWith("HTTP/1.1 200").endsWith("ok");
            assertThat(client.readResponse()).startsWith("HTTP/1.1 400");
        }
        assertThat(server.received()).extracting(r -> r.request().target()).containsExactly("/first");
    }

    @Test
    void connectionOptionsRemoveFieldsBeforeRoutingSoTheRouterSeesWhatTheServerGets() throws Exception {
        proxy("    http-request deny if { hdr(x-admin) -m found }\n");

        assertThat(send("GET /a HTTP/1.1\r\nHost: x\r\nX-Admin: 1\r\n\r\n")).startsWith("HTTP/1.1 403");
        assertThat(send("GET /b HTTP/1.1\r\nHost: x\r\nConnection: X-Admin\r\nX-Admin: 1\r\n\r\n"))
                .startsWith("HTTP/1.1 200");

        List<Received> received = server.await(1, 1000);
        assertThat(received).extracting(r -> r.request().target()).containsExactly("/b");
        assertThat(received.get(0).request().header("X-Admin")).isNull();
    }

    @Test
    void underscoreLookalikesAreDroppedAndCountedInTheLog() throws Exception {
        List<AccessLogEntry> entries = new java.util.concurrent.CopyOnWriteArrayList<>();
        proxy("    http-request deny if { hdr(x-admin) -m found }\n", (entry, line) -> entries.add(entry));

        assertThat(send("POST /a HTTP/1.1\r\nHost: x\r\nTransfer_Encoding: chunked\r\nX_Admin: 1\r\n"
                        + "X_Forwarded_For: 10.0.0.1\r\nX_Mine: kept\r\nContent-Length: 5\r\n\r\nhello"))
                .startsWith("HTTP/1.1 200");

        Received received = server.await(1, 1000).get(0);
        assertThat(received.request().headers())
                .extracting(Map.Entry::getKey)
                .containsExactly("Host", "X_Mine", "Content-Length");
        assertThat(received.request().bodyText()).isEqualTo("hello");
        assertThat(entries)
                .singleElement()
                .extracting(AccessLogEntry::droppedHeaders)
                .isEqualTo(3);
    }

    @Test
    void aFrontendMayRefuseUnderscoreLookalikes() throws Exception {
        proxy = fjord.start(ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP).timeoutClient(Duration.ofSeconds(5)))
                .frontend(
                        "main",
                        f -> f.bind("127.0.0.1:0")
                                .underscoreHeaders(UnderscoreHeaders.REJECT)
                                .defaultBackend("app"))
                .backend("app", b -> b.server("web1", server.address()))
                .build());

        assertThat(send("GET / HTTP/1.1\r\nHost: x\r\nContent_Length: 5\r\n\r\n"))
                .startsWith("HTTP/1.1 400");
        assertThat(send("GET / HTTP/1.1\r\nHost: x\r\nX_Mine: 5\r\n\r\n")).startsWith("HTTP/1.1 200");
        assertThat(server.await(1, 1000)).hasSize(1);
    }

    @Test
    void absoluteFormIsForwardedInOriginFormAndMustMatchHost() throws Exception {
        proxy("    http-request deny unless { path_beg /public }\n");

        assertThat(send("GET http://shop.example/public/a?b=c HTTP/1.1\r\nHost: shop.example\r\n\r\n"))
                .startsWith("HTTP/1.1 200");
        assertThat(send("GET http://other.example/public/a HTTP/1.1\r\nHost: shop.example\r\n\r\n"))
                .startsWith("HTTP/1.1 400");
        assertThat(send("GET /public/a HTTP/1.0\r\n\r\n")).startsWith("HTTP/1.0 200");

        List<Received> received = server.await(2, 1000);
        assertThat(received).extracting(r -> r.request().target()).containsExactly("/public/a?b=c", "/public/a");
        assertThat(received.get(1).request().header("Host"))
                .as("HTTP/1.0 without Host: the server's address")
                .isEqualTo(server.address());
    }
}
