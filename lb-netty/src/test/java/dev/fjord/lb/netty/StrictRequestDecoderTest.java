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
    private static final HttpLimits LIMITS = HttpLimits.builder().maxRequestLine(100).maxHeaderBytes(400)
            .maxHeaderCount(10).maxBodyBytes(1000).maxChunkLine(64).build();

    @BeforeAll
    static void paranoidLeakDetection() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    /** What the decoder made of {@code input} fed in pieces: requests, body text, trailers, rejections. */
    private static List<String> decode(String input, int[] cuts) {
        EmbeddedChannel channel = new EmbeddedChannel(new StrictRequestDecoder(LIMITS));
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
                    events.add("body '" + body + "'" + (last.trailingHeaders().isEmpty() ? ""
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
            assertThat(decode(input, cuts)).as("cut at %s", java.util.Arrays.toString(cuts)).isEqualTo(whole);
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
                .containsExactly("POST /up HTTP/1.1 [Host=x, Transfer-Encoding=chunked]",
                        "body 'hello world' trailers [X-Checksum=abc]");
    }

    @Test
    void pipelinedRequestsAndLeadingEmptyLines() {
        assertThat(decodeEveryWay("\r\nGET /1 HTTP/1.1\r\nHost: x\r\n\r\nPOST /2 HTTP/1.1\r\nHost: x\r\n"
                + "Content-Length: 3\r\n\r\nabcGET /3 HTTP/1.0\n\n"))
                .containsExactly("GET /1 HTTP/1.1 [Host=x]", "body ''",
                        "POST /2 HTTP/1.1 [Host=x, Content-Length=3]", "body 'abc'",
                        "GET /3 HTTP/1.0 []", "body ''");
    }

    @Test
    void absoluteFormAndAsteriskForm() {
        assertThat(decode("GET http://shop.example/a HTTP/1.1\r\nHost: shop.example\r\n\r\n"
                + "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"))
                .containsExactly("GET http://shop.example/a HTTP/1.1 [Host=shop.example]", "body ''",
                        "OPTIONS * HTTP/1.1 [Host=x]", "body ''");
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', value = {
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 3\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n| 400",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 3\\r\\nContent-Length: 4\\r\\n\\r\\nabcd| 400",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: +3\\r\\n\\r\\n| 400",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 99999999999999999999\\r\\n\\r\\n| 400",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n| 501",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: identity\\r\\n\\r\\n| 501",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked, gzip\\r\\n\\r\\n| 400",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n| 400",
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
        "GET /a b HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n| 400",
        "GET  / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n| 400",
        "GET /\\u007f HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n| 400",
        "G(T / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n| 400",
        "GET relative HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n| 400",
        "GET * HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n| 400",
        "GET / HTTP/2.0\\r\\nHost: x\\r\\n\\r\\n| 505",
        "GET / HTTP/1.1x\\r\\nHost: x\\r\\n\\r\\n| 400",
        "GET / FTP/1.1\\r\\nHost: x\\r\\n\\r\\n| 400",
        "CONNECT shop.example:443 HTTP/1.1\\r\\nHost: shop.example:443\\r\\n\\r\\n| 501",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 1001\\r\\n\\r\\n| 413",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\n| 400",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n3\\r\\nabcd\\r\\n| 400",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n3e9\\r\\n| 413",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nfffffffffffffffff\\r\\n| 400",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\nBad Trailer: 1\\r\\n\\r\\n| 400",
    })
    void malformedRequestsAreRejectedAndNothingFollows(String request, int status) {
        String input = request.replace("\\r", "\r").replace("\\n", "\n").replace("\\u0000", "\0")
                .replace("\\u007f", "\u007f") + "GET /after HTTP/1.1\r\nHost: x\r\n\r\n";

        List<String> events = decode(input);

        assertThat(events).last().isEqualTo("rejected " + status);
        assertThat(events).filteredOn(e -> e.startsWith("rejected") || e.contains("/after")).hasSize(1);
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
        EmbeddedChannel channel = new EmbeddedChannel(new StrictRequestDecoder(LIMITS));
        ByteBuf input = Unpooled.copiedBuffer("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody",
                StandardCharsets.US_ASCII);

        channel.writeInbound(input);
        ReferenceCountUtil.release(channel.readInbound());
        LastHttpContent last = channel.readInbound();

        assertThat(last.content().toString(StandardCharsets.US_ASCII)).isEqualTo("body");
        last.release();
        assertThat(input.refCnt()).isZero();
        assertThat(channel.finish()).isFalse();
    }
}
