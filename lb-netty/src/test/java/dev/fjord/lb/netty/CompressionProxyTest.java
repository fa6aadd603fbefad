package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code compression algo gzip deflate} with {@code compression type} and {@code offload}, side by side with HAProxy
 * ({@link HaproxyProcess}; that half skipped where it is not installed): for the same requests and server responses,
 * the same decision (compressed or not, with which coding), the same head rewrite ({@code Content-Encoding},
 * {@code Vary}, a weak {@code ETag}, no {@code Content-Length}) and a body that decompresses to the server's; an
 * empty body is left as it is.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CompressionProxyTest {
    /** 40 KiB of text that compresses well, larger than one read: the body goes through in several parts. */
    private static final String PAGE = "<p>Fjord compresses what it relays.</p>\n".repeat(1000);

    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @TempDir
    Path dir;

    private final RecordingHttpServer web = fjord.recordingServer();

    CompressionProxyTest() {
        web.respond(request -> {
            String type = request.target().startsWith("/png")
                    ? "image/png"
                    : request.target().startsWith("/upper") ? "Text/HTML" : "text/html; charset=utf-8";
            String extra = request.target().startsWith("/nt")
                    ? "Cache-Control: no-transform\r\n"
                    : request.target().startsWith("/vary")
                            ? "Vary: Accept-Encoding, Origin\r\n"
                            : request.target().startsWith("/identity") ? "Content-Encoding: identity\r\n" : "";
            String body = request.method().equals("HEAD") || request.target().startsWith("/empty") ? "" : PAGE;
            String framing = request.target().startsWith("/chunked")
                    ? "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(PAGE.length()) + "\r\n" + PAGE
                            + "\r\n0\r\n\r\n"
                    : "Content-Length: " + (request.target().startsWith("/empty") ? 0 : PAGE.length()) + "\r\n\r\n"
                            + body;
            return ("HTTP/1.1 200 OK\r\nContent-Type: " + type + "\r\nETag: \"v1\"\r\n" + extra
                            + "X-Accept-Encoding-Seen: " + request.header("Accept-Encoding") + "\r\n" + framing)
                    .getBytes(StandardCharsets.ISO_8859_1);
        });
    }

    private String config(String bind) {
        return HaproxyProcess.HTTP_DEFAULTS + """
                frontend fe
                    bind %s
                    compression algo gzip deflate
                    compression type text/html text/plain
                    compression offload
                    default_backend be
                backend be
                    server web1 %s
                """.formatted(bind, web.address());
    }

    /** What a client sees for each case: status, coding, Vary, ETag, length framing, the server's Accept-Encoding. */
    private static List<String> run(InetSocketAddress proxy) throws Exception {
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        List<String> seen = new ArrayList<>();
        String[][] cases = {
            {"GET", "/page", "gzip, deflate"},
            {"GET", "/page", "gzip;q=0.5, deflate"},
            {"GET", "/page", "br"},
            {"GET", "/page", null},
            {"GET", "/png", "gzip"},
            {"GET", "/nt", "gzip"},
            {"GET", "/chunked", "gzip"},
            {"HEAD", "/page", "gzip"},
            {"GET", "/empty", "gzip"},
            {"GET", "/upper", "gzip"},
            {"GET", "/vary", "gzip"},
            {"GET", "/identity", "gzip"},
            {"GET", "/page", "GZIP"},
            {"GET", "/page", "gzip;q=1.0, *;q=0"},
            {"GET", "/page", "deflate;q=0.001, gzip;q=0.0001"},
        };
        for (String[] c : cases) {
            HttpRequest.Builder request = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + proxy.getPort() + c[1]))
                    .timeout(Duration.ofSeconds(10))
                    .method(c[0], HttpRequest.BodyPublishers.noBody());
            if (c[2] != null) {
                request.header("Accept-Encoding", c[2]);
            }
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            String coding = response.headers().firstValue("Content-Encoding").orElse("-");
            String body = c[0].equals("HEAD") ? "" : decode(coding, response.body());
            String expected = c[1].startsWith("/empty") ? "" : PAGE;
            seen.add(String.join(
                    " | ",
                    c[0] + " " + c[1] + " [" + c[2] + "]",
                    "status " + response.statusCode(),
                    "coding " + coding,
                    "vary " + vary(response.headers().allValues("Vary")),
                    "etag " + response.headers().firstValue("ETag").orElse("-"),
                    "length " + response.headers().firstValue("Content-Length").orElse("-"),
                    "server saw "
                            + response.headers()
                                    .firstValue("X-Accept-Encoding-Seen")
                                    .orElse("-"),
                    c[0].equals("HEAD")
                            ? "no body"
                            : body.equals(expected) ? "the page" : "wrong body: " + body.length()));
        }
        return seen;
    }

    /**
     * The fields {@code Vary} names, each once: HAProxy adds {@code Vary: Accept-Encoding} again where the server sent
     * it, Fjord does not repeat it (the same meaning).
     */
    private static List<String> vary(List<String> values) {
        return values.stream()
                .flatMap(value -> java.util.Arrays.stream(value.split(",")))
                .map(String::trim)
                .distinct()
                .toList();
    }

    private static String decode(String coding, byte[] body) throws IOException {
        try (InputStream in = switch (coding) {
            case "gzip" -> new GZIPInputStream(new ByteArrayInputStream(body));
            case "deflate" -> new InflaterInputStream(new ByteArrayInputStream(body));
            default -> new ByteArrayInputStream(body);
        }) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void fjordCompressesWhatHaproxyCompressesAsItDoes() throws Exception {
        FjordProxy proxy = fjord.start(config("127.0.0.1:0"));
        List<String> byFjord = run(proxy.addresses("fe").get(0));

        assertThat(byFjord)
                .containsExactly(
                        "GET /page [gzip, deflate] | status 200 | coding gzip | vary [Accept-Encoding] | etag W/\"v1\""
                                + " | length - | server saw null | the page",
                        "GET /page [gzip;q=0.5, deflate] | status 200 | coding deflate | vary [Accept-Encoding]"
                                + " | etag W/\"v1\" | length - | server saw null | the page",
                        "GET /page [br] | status 200 | coding - | vary [] | etag \"v1\" | length 40000"
                                + " | server saw br | the page",
                        "GET /page [null] | status 200 | coding - | vary [] | etag \"v1\" | length 40000"
                                + " | server saw null | the page",
                        "GET /png [gzip] | status 200 | coding - | vary [] | etag \"v1\" | length 40000"
                                + " | server saw null | the page",
                        "GET /nt [gzip] | status 200 | coding - | vary [] | etag \"v1\" | length 40000"
                                + " | server saw null | the page",
                        "GET /chunked [gzip] | status 200 | coding gzip | vary [Accept-Encoding] | etag W/\"v1\""
                                + " | length - | server saw null | the page",
                        "HEAD /page [gzip] | status 200 | coding - | vary [] | etag \"v1\" | length 40000"
                                + " | server saw null | no body",
                        "GET /empty [gzip] | status 200 | coding - | vary [] | etag \"v1\" | length 0"
                                + " | server saw null | the page",
                        "GET /upper [gzip] | status 200 | coding gzip | vary [Accept-Encoding] | etag W/\"v1\""
                                + " | length - | server saw null | the page",
                        "GET /vary [gzip] | status 200 | coding gzip | vary [Accept-Encoding, Origin]"
                                + " | etag W/\"v1\" | length - | server saw null | the page",
                        "GET /identity [gzip] | status 200 | coding identity | vary [] | etag \"v1\" | length 40000"
                                + " | server saw null | the page",
                        "GET /page [GZIP] | status 200 | coding gzip | vary [Accept-Encoding] | etag W/\"v1\""
                                + " | length - | server saw null | the page",
                        "GET /page [gzip;q=1.0, *;q=0] | status 200 | coding gzip | vary [Accept-Encoding]"
                                + " | etag W/\"v1\" | length - | server saw null | the page",
                        "GET /page [deflate;q=0.001, gzip;q=0.0001] | status 200 | coding deflate"
                                + " | vary [Accept-Encoding] | etag W/\"v1\" | length - | server saw null | the page");

        HaproxyProcess.assumeInstalled();
        int port = HaproxyProcess.freePort();
        try (HaproxyProcess haproxy = HaproxyProcess.start(dir, config("127.0.0.1:" + port), port)) {
            assertThat(run(new InetSocketAddress("127.0.0.1", port)))
                    .as("HAProxy's answers (its output: %s)", haproxy.output())
                    .isEqualTo(byFjord);
        }
    }

    @Test
    void anHttp2ClientGetsTheBodyCompressedInDataFrames() throws Exception {
        FjordProxy proxy = fjord.start(config("127.0.0.1:0 proto h2"));
        NettyH2Client client =
                fjord.closeAfter(new NettyH2Client(proxy.addresses("fe").get(0)));
        io.netty.handler.codec.http.FullHttpRequest request =
                NettyH2Client.request(io.netty.handler.codec.http.HttpMethod.GET, "/page", new byte[0]);
        request.headers().set("accept-encoding", "gzip");

        NettyH2Client.Reply reply = client.exchange(request);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.headers().get("content-encoding")).isEqualTo("gzip");
        assertThat(reply.headers().getInt("content-length", reply.body().length))
                .as("none, or the aggregating client's own count")
                .isEqualTo(reply.body().length)
                .isLessThan(PAGE.length() / 10);
        assertThat(decode("gzip", reply.body())).isEqualTo(PAGE);
    }
}
