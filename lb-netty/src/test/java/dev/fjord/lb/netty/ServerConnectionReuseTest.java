package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.fjord.lb.netty.RecordingHttpServer.Received;

/**
 * A pooled server connection is reused only after a response that ended exactly where its framing said, for a
 * request sent whole: otherwise what follows on it would be read as the next client's response or request.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ServerConnectionReuseTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private RecordingHttpServer server;
    private FjordProxy proxy;

    @BeforeEach
    void start() {
        server = fjord.recordingServer();
        String cfg = "defaults\n    mode http\n    timeout connect 1s\n    timeout client 5s\n    timeout server 2s\n"
                + "frontend main\n    bind 127.0.0.1:0\n    default_backend app\n"
                + "backend app\n    server web1 " + server.address() + "\n";
        proxy = fjord.start(cfg);
    }

    private String get(String path) throws IOException {
        try (RawClient client = new RawClient(proxy.address("main"))) {
            return client.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").readUntil("\r\n\r\n", 1);
        }
    }

    /** The next request arrives intact, on a new server connection, and gets its own answer. */
    private void nextRequestIsIntactOnANewConnection() throws Exception {
        server.respond(RecordingHttpServer.OK);
        server.closeAfterResponse(false);
        try (RawClient client = new RawClient(proxy.address("main"))) {
            assertThat(client.send("GET /next HTTP/1.1\r\nHost: x\r\n\r\n").readUntil("ok", 1))
                    .startsWith("HTTP/1.1 200")
                    .doesNotContain("evil");
        }
        List<Received> received = server.received();
        assertThat(received)
                .extracting(r -> r.request().target())
                .endsWith("/next")
                .containsOnlyOnce("/next");
        assertThat(received).last().extracting(Received::connection).isEqualTo(2);
    }

    @Test
    void bytesAfterAResponseMeanTheConnectionIsNotReused() throws Exception {
        server.respond(request -> ("HTTP/1.1 200 X\r\nContent-Length: 2\r\n\r\nok"
                        + "HTTP/1.1 200 X\r\nContent-Length: 4\r\n\r\nevil")
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(get("/first")).startsWith("HTTP/1.1 200");

        nextRequestIsIntactOnANewConnection();
    }

    @Test
    void aPipelinedRequestNeverGetsTheBytesAfterTheResponseBeforeIt() throws Exception {
        server.respond(request -> (request.target().equals("/first")
                        ? "HTTP/1.1 200 X\r\nContent-Length: 2\r\n\r\nok"
                                + "HTTP/1.1 200 X\r\nContent-Length: 4\r\n\r\nevil"
                        : "HTTP/1.1 200 X\r\nContent-Length: 6\r\n\r\nsecond")
                .getBytes(StandardCharsets.US_ASCII));
        try (RawClient client = new RawClient(proxy.address("main"))) {
            String responses = client.send(
                            "GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\n\r\n")
                    .readUntil("HTTP/1.1 200", 2);
            assertThat(client.readUntil("second", 1)).doesNotContain("evil");
            assertThat(responses).doesNotContain("evil");
        }
        assertThat(server.received())
                .extracting(r -> r.request().target() + "@" + r.connection())
                .containsExactly("/first@1", "/second@2");
    }

    @Test
    void junkAfterAResponseMeansTheConnectionIsNotReused() throws Exception {
        server.respond(
                request -> "HTTP/1.1 200 X\r\nContent-Length: 2\r\n\r\nokJUNK".getBytes(StandardCharsets.US_ASCII));
        assertThat(get("/first")).startsWith("HTTP/1.1 200");

        nextRequestIsIntactOnANewConnection();
    }

    @Test
    void aResponseWithContentLengthAndTransferEncodingIs502AndItsConnectionClosed() throws Exception {
        server.respond(request -> ("HTTP/1.1 200 X\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "0\r\n\r\nHTTP/1.1 200 X\r\nContent-Length: 4\r\n\r\nevil")
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(get("/first")).startsWith("HTTP/1.1 502");

        nextRequestIsIntactOnANewConnection();
    }

    @Test
    void aTruncatedResponseBodyMeansTheConnectionIsNotReused() throws Exception {
        server.respond(
                request -> "HTTP/1.1 200 X\r\nContent-Length: 10\r\n\r\nabc".getBytes(StandardCharsets.US_ASCII));
        server.closeAfterResponse(true);
        try (RawClient client = new RawClient(proxy.address("main"))) {
            String response =
                    client.send("GET /first HTTP/1.1\r\nHost: x\r\n\r\n").readUntilClose();
            assertThat(response).startsWith("HTTP/1.1 200").endsWith("abc"); // cut short, then closed
        }

        nextRequestIsIntactOnANewConnection();
    }

    @Test
    void anAbortedRequestMeansTheConnectionIsClosed() throws Exception {
        try (RawClient client = new RawClient(proxy.address("main"))) {
            client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789");
            assertThat(server.awaitConnections(1, 5000)).isEqualTo(1);
            // the head and the first bytes reached the server (before that, an abort simply closes the connection)
            assertThat(server.awaitBytes(60, 5000)).isGreaterThanOrEqualTo(60);
        } // the client goes away with 90 bytes of its body unsent

        // the server saw its connection end inside the body: it was closed, not handed to the next request
        assertThat(server.awaitErrors(1, 5000))
                .singleElement()
                .asString()
                .startsWith("connection 1: connection closed after an " + "incomplete request");
        nextRequestIsIntactOnANewConnection();
    }
}
