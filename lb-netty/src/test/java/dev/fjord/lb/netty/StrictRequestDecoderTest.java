package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ResourceLeakDetector;

class StrictRequestDecoderTest {
    private static final HttpLimits LIMITS = HttpLimits.builder()
            .maxRequestLine(100)
            .maxHeaderBytes(400)
            .maxHeaderCount(10)
            .maxBodyBytes(1000)
            .maxChunkLine(64)
            .build();

    @BeforeAll
    static void paranoidLeakDetection() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    /** What the decoder made of {@code input} fed in pieces: requests, body text, trailers, rejections. */
    private static List<String> decode(String input, int[] cuts) {
        EmbeddedChannel channel = new EmbeddedChannel(new StrictRequestDecoder(RequestPolicy.of(LIMITS)));
        byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
        int from = 0;
        for (int cut : cuts) {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, from, cut - from));
            from = cut;
        }
        channel.writeInbound(Unpooled.wrappedBuffer(bytes, from, bytes.length - from));
        List<String> events = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        Object message;
        while ((message = channel.readInbound()) != null) {
            if (message instanceof HttpRequest request) {
                events.add(request.method() + " " + request.uri() + " " + request.protocolVersion() + " "
                        + request.headers().entries());
            }
            if (message instanceof HttpContent content) {
                body.append(content.content().toString(StandardCharsets.ISO_8859_1));
                if (message instanceof LastHttpContent last) {
                    events.add("body '" + body + "'"
                            + (last.trailingHeaders().isEmpty()
                                    ? ""
                                    : " trailers " + last.trailingHeaders().entries()));
                    body.setLength(0);
                }
            }
            if (message instanceof RequestRejected rejected) {
                events.add("rejected " + rejected.status());
            }
            ReferenceCountUtil.release(message);
        }
        channel.finishAndReleaseAll();
        return events;
    }

    private static List<String> decode(String input) {
        return decode(input, new int[0]);
    }

    /** The same input split one byte at a time and at random places must decode the same. */
    private static List<String> decodeEveryWay(String input) {
        List<String> whole = decode(input);
        int[] everyByte = new int[input.length() - 1];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = i + 1;
        }
        assertThat(decode(input, everyByte)).as("one byte at a time").isEqualTo(whole);
        Random random = new Random(11);
        for (int round = 0; round < 20; round++) {
            int[] cuts = random.ints(3, 1, input.length()).sorted().distinct().toArray();
            assertThat(decode(input, cuts))
                    .as("cut at %s", java.util.Arrays.toString(cuts))
                    .isEqualTo(whole);
        }
        return whole;
    }

    @Test
    void getWithoutBody() {
        assertThat(decodeEveryWay("GET /a?b=1 HTTP/1.1\r\nHost: shop.example\r\nAccept:  text/html \r\n\r\n"))
                .containsExactly("GET /a?b=1 HTTP/1.1 [Host=shop.example, Accept=text/html]", "body ''");
    }

    @Test
    void postWithContentLengthStreamsItsBody() {
        assertThat(decodeEveryWay("POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world"))
                .containsExactly("POST /form HTTP/1.1 [Host=x, Content-Length=11]", "body 'hello world'");
    }

    @Test
    void identicalContentLengthsCollapse() {
        assertThat(decode("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2, 2\r\nContent-Length: 2\r\n\r\nok"))
                .containsExactly("POST / HTTP/1.1 [Host=x, Content-Length=2]", "body 'ok'");
    }

    @Test
    void chunkedBodyWithExtensionsAndTrailers() {
        assertThat(decodeEveryWay("POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5;name=value\r\nhello\r\n6 ; ext\r\n world\r\n0\r\nX-Checksum: abc\r\n\r\n"))
                .containsExactly(
                        "POST /up HTTP/1.1 [Host=x, Transfer-Encoding=chunked]",
                        "body 'hello world' trailers [X-Checksum=abc]");
    }

    @Test
    void pipelinedRequestsAndLeadingEmptyLines() {
        assertThat(decodeEveryWay("\r\nGET /1 HTTP/1.1\r\nHost: x\r\n\r\nPOST /2 HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Length: 3\r\n\r\nabcGET /3 HTTP/1.0\n\n"))
                .containsExactly(
                        "GET /1 HTTP/1.1 [Host=x]",
                        "body ''",
                        "POST /2 HTTP/1.1 [Host=x, Content-Length=3]",
                        "body 'abc'",
                        "GET /3 HTTP/1.0 []",
                        "body ''");
    }

    @Test
    void absoluteFormAndAsteriskForm() {
        assertThat(decode("GET http://shop.example/a HTTP/1.1\r\nHost: shop.example\r\n\r\n"
                        + "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"))
                .containsExactly(
                        "GET /a HTTP/1.1 [Host=shop.example]", "body ''", "OPTIONS * HTTP/1.1 [Host=x]", "body ''");
        assertThat(decode("GET HTTP://Shop.Example:80?q=1 HTTP/1.1\r\nHost: shop.example\r\n\r\n"
                        + "GET https://a.example/x HTTP/1.0\r\n\r\n"))
                .containsExactly(
                        "GET /?q=1 HTTP/1.1 [Host=shop.example]",
                        "body ''",
                        "GET /x HTTP/1.0 [Host=a.example]",
                        "body ''");
    }

    @Test
    void laterMinorVersionsAreHandledAsHttp11() {
        assertThat(decode("GET / HTTP/1.2\r\nHost: x\r\n\r\n")).containsExactly("GET / HTTP/1.1 [Host=x]", "body ''");
    }

    @Test
    void hostsWithAnIpLiteralOrAnEmptyPortAreValid() {
        assertThat(decode("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n"))
                .containsExactly("GET / HTTP/1.1 [Host=[::1]:8080]", "body ''");
        assertThat(decode("GET / HTTP/1.1\r\nHost: x:\r\n\r\n")).containsExactly("GET / HTTP/1.1 [Host=x:]", "body ''");
    }

    @Test
    void anHttp09RequestLineIsRefusedWithoutWaitingForHeaders() {
        assertThat(decode("GET /\r\n")).containsExactly("rejected 400");
        assertThat(decode("GET / \r\n")).containsExactly("rejected 400");
        assertThat(decode("GET /#x HTTP/1.1\r\n")).containsExactly("rejected 400");
        assertThat(decode("GET / HTTP/3.0\r\n")).containsExactly("rejected 505");
    }

    @Test
    void connectionOptionsRemoveFieldsButNeverFramingOrHost() {
        assertThat(decode("POST / HTTP/1.1\r\nHost: x\r\nConnection: Content-Length, Host, X-Gone, "
                        + "Transfer-Encoding\r\nX-Gone: 1\r\nContent-Length: 2\r\n\r\nhi"))
                .containsExactly(
                        "POST / HTTP/1.1 [Host=x, Connection=Content-Length, Host, X-Gone, Transfer-Encoding, "
                                + "Content-Length=2]",
                        "body 'hi'");
    }

    @Test
    void underscoreLookalikesOfFramingRoutingOrPresentHeadersAreDropped() {
        EmbeddedChannel channel = new EmbeddedChannel(new StrictRequestDecoder(RequestPolicy.of(LIMITS)));
        channel.writeInbound(Unpooled.copiedBuffer(
                "POST / HTTP/1.1\r\nHost: x\r\nTransfer_Encoding: chunked\r\n"
                        + "X_Forwarded_For: 1.2.3.4\r\nX-Api-Key: a\r\nX_Api_Key: b\r\nX_Other: ok\r\n"
                        + "Content-Length: 5\r\n\r\nhello",
                StandardCharsets.US_ASCII));

        ParsedRequest request = channel.readInbound();
        assertThat(request.headers().names()).containsExactly("Host", "X-Api-Key", "X_Other", "Content-Length");
        assertThat(request.droppedFields()).isEqualTo(3);
        ReferenceCountUtil.release(channel.readInbound());
        assertThat(channel.finish()).isFalse();

        RequestPolicy reject =
                new RequestPolicy(LIMITS, dev.fjord.lb.core.UnderscoreHeaders.REJECT, RequestPolicy.ALWAYS_GUARDED);
        EmbeddedChannel strict = new EmbeddedChannel(new StrictRequestDecoder(reject));
        strict.writeInbound(Unpooled.copiedBuffer(
                "GET / HTTP/1.1\r\nHost: x\r\nContent_Length: 5\r\n\r\n", StandardCharsets.US_ASCII));
        assertThat(((RequestRejected) strict.readInbound()).status()).isEqualTo(400);
    }

    @Test
    void trailersThatFrameOrRouteAreRemoved() {
        assertThat(decode("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n"
                        + "Content-Length: 5\r\nHost: evil\r\nX-Checksum: 1\r\n\r\n"))
                .containsExactly(
                        "POST / HTTP/1.1 [Host=x, Transfer-Encoding=chunked]", "body 'a' trailers [X-Checksum=1]");
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 3\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n| 400",
                "POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 3\\r\\nContent-Length: 4\\r\\n\\r\\nabcd| 400",
                "POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: +3\\r\\n\\r\\n| 400",
                "POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 99999999999999999999\\r\\n\\r\\n| 400",
                "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n| 501",
                "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: identity\\r\\n\\r\\n| 501",
                "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked, gzip\\r\\n\\r\\n| 400",
                "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\nTransfer-Encoding: "
                        + "chunked\\r\\n\\r\\n| 400",
                "POST / HTTP/1.0\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n| 400",
                "GET / HTTP/1.1\\r\\nHost: x\\r\\nX-Folded: a\\r\\n b\\r\\n\\r\\n| 400",
                "GET / HTTP/1.1\\r\\nHost: x\\r\\nBad Name: a\\r\\n\\r\\n| 400",
                "GET / HTTP/1.1\\r\\nHost: x\\r\\nX-Space : a\\r\\n\\r\\n| 400",
                "GET / HTTP/1.1\\r\\nHost: x\\r\\nX-Nul: a\\u0000b\\r\\n\\r\\n| 400",
                "GET / HTTP/1.1\\r\\nHost: x\\r\\nX-CR: a\\rb\\r\\n\\r\\n| 400",
                "GET / HTTP/1.1\\r\\nNoColon\\r\\n\\r\\n| 400",
                "GET / HTTP/1.1\\r\\n\\r\\n| 400",
                "GET / HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n| 400",
                "GET / HTTP/1.1\\r\\nHost: bad host\\r\\n\\r\\n| 400",
                "GET / HTTP/1.1\\r\\nHost: []\\r\\n\\r\\n| 400",
                "GET / HTTP/1.1\\r\\nHost: [::1g]\\r\\n\\r\\n| 400",
                "GET / HTTP/1.1\\r\\nHost: [::1]x\\r\\n\\r\\n| 400",
                "GET / HTTP/1.1\\r\\nHost: x:8o\\r\\n\\r\\n| 400",
                "GET / HTTP/1.1\\r\\nHost: x:123456\\r\\n\\r\\n| 400",
                "GET /a b HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n| 400",
                "GET  / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n| 400",
                "GET /\\u007f HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n| 400",
                "G(T / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n| 400",
                "GET relative HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n| 400",
                "GET * HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n| 400",
                "GET / HTTP/2.0\\r\\nHost: x\\r\\n\\r\\n| 505",
                "GET / HTTP/0.9\\r\\nHost: x\\r\\n\\r\\n| 505",
                "GET / http/1.1\\r\\nHost: x\\r\\n\\r\\n| 400",
                "GET / HTTP/1\\r\\nHost: x\\r\\n\\r\\n| 400",
                "GET /\\r\\nHost: x\\r\\n\\r\\n| 400",
                "GET /a#frag HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n| 400",
                "GET /a?q=1#frag HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n| 400",
                "GET /a\\\\b HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n| 400",
                "GET /a<b> HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n| 400",
                "GET /a%zz HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n| 400",
                "GET /a% HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n| 400",
                "GET /static/../admin HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n| 400",
                "GET /static/%2e%2E/admin HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n| 400",
                "GET /static%2f..%2fadmin HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n| 400",
                "GET /./a HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n| 400",
                "GET /a/.. HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n| 400",
                "GET /a\\u0080 HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n| 400",
                "GET http://a.example/ HTTP/1.1\\r\\nHost: b.example\\r\\n\\r\\n| 400",
                "GET http://user@a.example/ HTTP/1.1\\r\\nHost: a.example\\r\\n\\r\\n| 400",
                "GET http:///x HTTP/1.1\\r\\nHost: a.example\\r\\n\\r\\n| 400",
                "GET a.example:80 HTTP/1.1\\r\\nHost: a.example\\r\\n\\r\\n| 400",
                "CONNECT /x HTTP/1.1\\r\\nHost: a.example\\r\\n\\r\\n| 400",
                "GET / HTTP/1.1x\\r\\nHost: x\\r\\n\\r\\n| 400",
                "GET / FTP/1.1\\r\\nHost: x\\r\\n\\r\\n| 400",
                "CONNECT shop.example:443 HTTP/1.1\\r\\nHost: shop.example:443\\r\\n\\r\\n| 501",
                "POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 1001\\r\\n\\r\\n| 413",
                "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\n| 400",
                "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n3\\r\\nabcd\\r\\n| 400",
                "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n3e9\\r\\n| 413",
                "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nfffffffffffffffff\\r\\n| 400",
                "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\nBad Trailer: "
                        + "1\\r\\n\\r\\n| 400",
            })
    void malformedRequestsAreRejectedAndNothingFollows(String request, int status) {
        String input = request.replace("\\r", "\r")
                        .replace("\\n", "\n")
                        .replace("\\u0000", "\0")
                        .replace("\\u007f", "\u007f")
                        .replace("\\u0080", "\u0080")
                + "GET /after HTTP/1.1\r\nHost: x\r\n\r\n";

        List<String> events = decode(input);

        assertThat(events).last().isEqualTo("rejected " + status);
        assertThat(events)
                .filteredOn(e -> e.startsWith("rejected") || e.contains("/after"))
                .hasSize(1);
    }

    @Test
    void oversizedRequestLineIs414AndOversizedHeadIs431() {
        assertThat(decode("GET /" + "a".repeat(200) + " HTTP/1.1\r\n")).containsExactly("rejected 414");
        assertThat(decode("GET /" + "a".repeat(200))).containsExactly("rejected 414"); // before the line ends
        assertThat(decode("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(500) + "\r\n\r\n"))
                .containsExactly("rejected 431");
        StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 11; i++) {
            many.append("X-").append(i).append(": v\r\n");
        }
        assertThat(decode(many.append("\r\n").toString())).containsExactly("rejected 431");
    }

    @Test
    void bodyBytesAreRetainedSlicesReleasedByTheConsumer() {
        EmbeddedChannel channel = new EmbeddedChannel(new StrictRequestDecoder(RequestPolicy.of(LIMITS)));
        ByteBuf input = Unpooled.copiedBuffer(
                "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody", StandardCharsets.US_ASCII);

        channel.writeInbound(input);
        ReferenceCountUtil.release(channel.readInbound());
        LastHttpContent last = channel.readInbound();

        assertThat(last.content().toString(StandardCharsets.US_ASCII)).isEqualTo("body");
        last.release();
        assertThat(input.refCnt()).isZero();
        assertThat(channel.finish()).isFalse();
    }
}
