package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.netty.handler.codec.http2.Http2Headers;

/**
 * Requests Netty's HTTP/2 codec refuses before Fjord sees them (RFC 9113 8.2.2: a connection-specific field makes a
 * request malformed): the stream is reset with PROTOCOL_ERROR, nothing is forwarded, the connection serves on, and
 * the refusal is logged as a bad request (400 {@code <BADREQ>}) though no stream handler ever saw it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class Http2RefusedRequestTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final RecordingHttpServer web = fjord.recordingServer();
    private final List<String> log = new CopyOnWriteArrayList<>();

    @Test
    void aConnectionSpecificFieldIsResetAndNeverForwarded() throws Exception {
        FjordProxy proxy = fjord.start(
                "defaults\n    mode http\n    log global\n    option httplog\n    timeout connect 1s\n"
                        + "    timeout client 10s\n    timeout server 10s\n"
                        + "frontend main\n    bind 127.0.0.1:0 proto h2\n    default_backend app\n"
                        + "backend app\n    server web1 " + web.address() + "\n",
                b -> b.accessLog((entry, line) -> log.add(line)));
        RawH2Client client = fjord.closeAfter(new RawH2Client(proxy.address("main"), 0));
        client.preface();
        Http2Headers headers = RawH2Client.request("GET", "/x").add("connection", "keep-alive");
        client.headers(1, headers, true);

        RawH2Client.Response refused = client.response(1, Duration.ofSeconds(5));
        client.get(3, "/after");
        RawH2Client.Response after = client.response(3, Duration.ofSeconds(5));

        assertThat(refused.reset()).isEqualTo(RawH2Client.PROTOCOL_ERROR);
        assertThat(after.status()).isEqualTo("200");
        assertThat(web.received()).extracting(r -> r.request().target()).containsExactly("/after");
        assertThat(log).hasSize(2);
        assertThat(log.get(0)).contains(" 400 ").endsWith("\"<BADREQ>\"");
        assertThat(log.get(1)).endsWith("\"GET /after HTTP/2.0\"");
    }
}
