package dev.fjord.lb.netty;

import static dev.fjord.lb.netty.RawH2Client.END_HEADERS;
import static dev.fjord.lb.netty.RawH2Client.END_STREAM;
import static dev.fjord.lb.netty.RawH2Client.HEADERS;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed HTTP/2 requests, as header blocks written byte by byte (literal fields without indexing, so nothing
 * normalises them on the way): each is refused, by Netty's codec (RST_STREAM PROTOCOL_ERROR) or by the proxy (its
 * error page, logged), and none reaches the server. The connection stays usable.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class Http2RequestValidationTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    private final RecordingHttpServer web = fjord.recordingServer();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private FjordProxy proxy;

    @BeforeEach
    void start() {
        proxy = fjord.start(
                "defaults\n    mode http\n    log global\n    option httplog\n    timeout connect 1s\n"
                        + "    timeout client 5s\n    timeout server 5s\nfrontend main\n    bind 127.0.0.1:0 proto h2\n"
                        + "    default_backend app\nbackend app\n    server web1 " + web.address() + "\n",
                b -> b.accessLog((entry, line) -> log.add(line)));
    }

    private static final byte[] GET = {(byte) 0x82};
    private static final byte[] POST = {(byte) 0x83};
    private static final byte[] HTTP = {(byte) 0x86};
    private static final byte[] ROOT = {(byte) 0x84};

    /** A literal field without indexing, new name (RFC 7541 6.2.2); names and values under 127 bytes. */
    static byte[] literal(String name, String value) {
        ByteArrayOutputStream field = new ByteArrayOutputStream();
        field.write(0x00);
        field.write(name.length());
        field.writeBytes(name.getBytes(StandardCharsets.ISO_8859_1));
        field.write(value.length());
        field.writeBytes(value.getBytes(StandardCharsets.ISO_8859_1));
        return field.toByteArray();
    }

    static byte[] block(byte[]... fields) {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        for (byte[] field : fields) {
            block.writeBytes(field);
        }
        return block.toByteArray();
    }

    static byte[] authority(String authority) {
        return literal(":authority", authority);
    }

    /** The header block, and how it must be refused: {@code "400"}, {@code "501"} or {@code "RST 1"}. */
    static Stream<Arguments> malformed() {
        byte[] localhost = authority("localhost");
        return Stream.of(
                Arguments.of(
                        "CR LF in a value", block(GET, HTTP, ROOT, localhost, literal("x-a", "1\r\nx-b: 2")), "RST 1"),
                Arguments.of("NUL in a value", block(GET, HTTP, ROOT, localhost, literal("x-a", "1\0")), "RST 1"),
                Arguments.of(
                        "a control in a value", block(GET, HTTP, ROOT, localhost, literal("x-a", "a\u0001b")), "RST 1"),
                Arguments.of(
                        "white space ending a value", block(GET, HTTP, ROOT, localhost, literal("x-a", "a ")), "400"),
                Arguments.of("an upper-case name", block(GET, HTTP, ROOT, localhost, literal("X-A", "1")), "RST 1"),
                Arguments.of("a space in a name", block(GET, HTTP, ROOT, localhost, literal("x a", "1")), "RST 1"),
                Arguments.of(
                        "Transfer-Encoding",
                        block(POST, HTTP, ROOT, localhost, literal("transfer-encoding", "chunked")),
                        "RST 1"),
                Arguments.of("Connection", block(GET, HTTP, ROOT, localhost, literal("connection", "close")), "RST 1"),
                Arguments.of("Upgrade", block(GET, HTTP, ROOT, localhost, literal("upgrade", "websocket")), "RST 1"),
                Arguments.of(
                        "TE other than trailers", block(GET, HTTP, ROOT, localhost, literal("te", "gzip")), "RST 1"),
                Arguments.of("no :path", block(GET, HTTP, localhost), "400"),
                Arguments.of("a repeated :path", block(GET, HTTP, ROOT, ROOT, localhost), "RST 1"),
                Arguments.of(
                        "a pseudo-field after a field",
                        block(GET, HTTP, localhost, literal("x-a", "1"), ROOT),
                        "RST 1"),
                Arguments.of(
                        ":status in a request", block(GET, HTTP, ROOT, localhost, literal(":status", "200")), "RST 1"),
                Arguments.of(
                        "an absolute :path", block(GET, HTTP, literal(":path", "http://evil/x"), localhost), "400"),
                Arguments.of("a dot segment", block(GET, HTTP, literal(":path", "/a/../admin"), localhost), "400"),
                Arguments.of("a fragment", block(GET, HTTP, literal(":path", "/a#b"), localhost), "400"),
                Arguments.of("neither :authority nor host", block(GET, HTTP, ROOT), "400"),
                Arguments.of("userinfo in :authority", block(GET, HTTP, ROOT, authority("user@localhost")), "400"),
                Arguments.of(
                        "host unlike :authority", block(GET, HTTP, ROOT, localhost, literal("host", "evil")), "400"),
                Arguments.of("two hosts", block(GET, HTTP, ROOT, literal("host", "a"), literal("host", "b")), "400"),
                Arguments.of("a :scheme not http", block(GET, literal(":scheme", "ftp"), ROOT, localhost), "400"),
                Arguments.of(
                        "two Content-Length values",
                        block(
                                GET,
                                HTTP,
                                ROOT,
                                localhost,
                                literal("content-length", "0"),
                                literal("content-length", "1")),
                        "RST 1"),
                Arguments.of(
                        "Content-Length without DATA",
                        block(POST, HTTP, ROOT, localhost, literal("content-length", "5")),
                        "RST 1"),
                Arguments.of("CONNECT", block(literal(":method", "CONNECT"), authority("localhost:443")), "501"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void aMalformedRequestIsRefusedAndNeverForwarded(String what, byte[] block, String refusal) throws Exception {
        RawH2Client client = fjord.closeAfter(new RawH2Client(proxy.address("main")));
        client.preface();
        client.frame(HEADERS, END_HEADERS | END_STREAM, 1, block);

        RawH2Client.Response response = client.response(1, Duration.ofSeconds(5));
        String outcome = response.reset() >= 0 ? "RST " + response.reset() : response.status();
        assertThat(outcome).as(what).isEqualTo(refusal);
        client.get(3, "/after"); // the connection serves the next stream
        assertThat(client.response(3, Duration.ofSeconds(5)).status()).isEqualTo("200");
        assertThat(web.await(1, 5000)).hasSize(1);
        assertThat(web.received().get(0).request().target()).isEqualTo("/after");
        String status = refusal.startsWith("RST") ? "400" : refusal; // a reset request is logged as a 400
        assertThat(log)
                .as(what)
                .anySatisfy(
                        line -> assertThat(line).contains(" " + status + " ").contains("<BADREQ>"));
    }

    @Test
    void dataBeyondContentLengthNeverReachesTheServer() throws Exception {
        RawH2Client client = fjord.closeAfter(new RawH2Client(proxy.address("main")));
        client.preface();
        client.headers(1, RawH2Client.request("POST", "/form").add("content-length", "5"), false);
        client.data(1, "hello, and more".getBytes(StandardCharsets.US_ASCII), true);
        assertThat(client.response(1, Duration.ofSeconds(5)).reset()).isEqualTo(RawH2Client.PROTOCOL_ERROR);

        client.headers(3, RawH2Client.request("POST", "/form").add("content-length", "10"), false);
        client.data(3, "short".getBytes(StandardCharsets.US_ASCII), true);
        assertThat(client.response(3, Duration.ofSeconds(5)).reset()).isEqualTo(RawH2Client.PROTOCOL_ERROR);

        TimeUnit.MILLISECONDS.sleep(200);
        assertThat(web.received())
                .as("no request with a body unlike its length")
                .isEmpty();
    }

    @Test
    void trailersGoToAChunkedRequestWithoutTheFieldsTrailersMayNotCarry() throws Exception {
        RawH2Client client = fjord.closeAfter(new RawH2Client(proxy.address("main")));
        client.preface();
        client.headers(1, RawH2Client.request("POST", "/upload"), false);
        client.data(1, "body".getBytes(StandardCharsets.US_ASCII), false);
        client.headers(
                1,
                new io.netty.handler.codec.http2.DefaultHttp2Headers()
                        .add("x-checksum", "abc")
                        .add("host", "evil"),
                true);

        assertThat(client.response(1, Duration.ofSeconds(5)).status()).isEqualTo("200");
        ReferenceHttp.Request forwarded = web.await(1, 5000).get(0).request();
        assertThat(forwarded.header("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(forwarded.bodyText()).isEqualTo("body");
        assertThat(forwarded.trailers()).extracting(java.util.Map.Entry::getKey).containsExactly("x-checksum");
    }
}
