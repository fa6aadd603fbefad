package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * The HTTP/2 request head as the proxy forwards it, and what it refuses, without sockets: {@link Http2RequestHeaders}
 * on header blocks that Netty's codec would mostly have refused already (these checks stand on their own), and
 * {@link Http2RequestDecoder} on frames.
 */
class Http2RequestHeadersTest {
    private static final RequestPolicy POLICY = RequestPolicy.of(
            HttpLimits.builder().maxBodyBytes(100).maxHeaderCount(5).build());

    /** A GET of / on localhost, without validation, so that anything can be added. */
    private static Http2Headers get() {
        return new DefaultHttp2Headers(false)
                .method("GET")
                .scheme("https")
                .path("/a?b=c")
                .authority("Example.com:443");
    }

    @Test
    void theServerGetsAnHttp11HeadWithHostFromTheAuthorityAndOneCookieField() throws Exception {
        Http2Headers headers = get().add("cookie", "a=1").add("x-trace", "t").add("cookie", "b=2");

        Http2RequestHeaders.Head head = Http2RequestHeaders.request(headers, true, POLICY);

        ParsedRequest request = head.request();
        assertThat(request.method().name() + " " + request.uri() + " " + request.protocolVersion())
                .isEqualTo("GET /a?b=c HTTP/2.0");
        assertThat(request.headers().names()).containsExactly("host", "x-trace", "cookie");
        assertThat(request.headers().get("host")).isEqualTo("Example.com:443");
        assertThat(request.headers().get("cookie")).isEqualTo("a=1; b=2");
        assertThat(head.contentLength()).isEqualTo(-1);
        assertThat(new NettyRequestHead(request, new java.net.InetSocketAddress("127.0.0.1", 1), 80).version())
                .as("req.ver reads 2.0, as in HAProxy")
                .isEqualTo("HTTP/2.0");
    }

    @Test
    void aBodyWithoutContentLengthIsChunkedForTheServerAndLookalikesAreDropped() throws Exception {
        Http2RequestHeaders.Head head =
                Http2RequestHeaders.request(get().method("POST").add("x_forwarded_for", "10.0.0.1"), false, POLICY);

        assertThat(head.request().headers().get("transfer-encoding")).isEqualTo("chunked");
        assertThat(head.request().headers().contains("x_forwarded_for")).isFalse();
        assertThat(head.request().droppedFields()).isEqualTo(1);

        Http2RequestHeaders.Head sized =
                Http2RequestHeaders.request(get().method("POST").add("content-length", "7"), false, POLICY);
        assertThat(sized.contentLength()).isEqualTo(7);
        assertThat(sized.request().headers().contains("transfer-encoding")).isFalse();
    }

    @Test
    void aHostNamingTheAuthorityWithItsDefaultPortIsAccepted() throws Exception {
        Http2RequestHeaders.Head head = Http2RequestHeaders.request(get().add("host", "example.com"), true, POLICY);
        assertThat(head.request().headers().getAll("host")).containsExactly("Example.com:443");
        Http2RequestHeaders.Head hostOnly = Http2RequestHeaders.request(
                new DefaultHttp2Headers(false)
                        .method("GET")
                        .scheme("http")
                        .path("/")
                        .add("host", "h"),
                true,
                POLICY);
        assertThat(hostOnly.request().headers().get("host")).isEqualTo("h");
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("connection", get().add("connection", "close"), 400),
                Arguments.of("keep-alive", get().add("keep-alive", "timeout=5"), 400),
                Arguments.of("proxy-connection", get().add("proxy-connection", "x"), 400),
                Arguments.of("transfer-encoding", get().add("transfer-encoding", "chunked"), 400),
                Arguments.of("upgrade", get().add("upgrade", "h2c"), 400),
                Arguments.of("te gzip", get().add("te", "gzip"), 400),
                Arguments.of("an upper-case name", get().add("X-Up", "1"), 400),
                Arguments.of("a colon in a name", get().add("x:y", "1"), 400),
                Arguments.of("CR LF in a value", get().add("x", "a\r\nb: c"), 400),
                Arguments.of("a leading space", get().add("x", " a"), 400),
                Arguments.of("a trailing tab", get().add("x", "a\t"), 400),
                Arguments.of(":status", get().add(":status", "200"), 400),
                Arguments.of(":protocol (extended CONNECT)", get().add(":protocol", "websocket"), 400),
                Arguments.of(
                        "no :method",
                        new DefaultHttp2Headers(false).scheme("http").path("/").authority("a"),
                        400),
                Arguments.of("a :method not a token", get().method("G T"), 400),
                Arguments.of(
                        "no :scheme",
                        new DefaultHttp2Headers(false).method("GET").path("/").authority("a"),
                        400),
                Arguments.of("an empty :path", get().path(""), 400),
                Arguments.of("a bad percent", get().path("/%zz"), 400),
                Arguments.of("'*' with GET", get().path("*"), 400),
                Arguments.of("an authority with a space", get().authority("a b"), 400),
                Arguments.of("a host unlike the authority", get().add("host", "other"), 400),
                Arguments.of(
                        "an empty host",
                        new DefaultHttp2Headers(false)
                                .method("GET")
                                .scheme("http")
                                .path("/")
                                .add("host", ""),
                        400),
                Arguments.of("a bad Content-Length", get().add("content-length", "1x"), 400),
                Arguments.of(
                        "Content-Length over the body limit",
                        get().method("POST").add("content-length", "101"),
                        413),
                Arguments.of(
                        "more fields than the limit",
                        get().add("a", "1")
                                .add("b", "1")
                                .add("c", "1")
                                .add("d", "1")
                                .add("e", "1")
                                .add("f", "1"),
                        431),
                Arguments.of(
                        "CONNECT",
                        new DefaultHttp2Headers(false).method("CONNECT").authority("a:443"),
                        501));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void aMalformedHeadIsRefusedWithTheStatusHttp11Would(String what, Http2Headers headers, int status) {
        assertThatThrownBy(() -> Http2RequestHeaders.request(headers, false, POLICY))
                .as(what)
                .isInstanceOfSatisfying(
                        RequestHeadParser.Rejection.class,
                        r -> assertThat(r.status).isEqualTo(status));
    }

    @Test
    void theDecoderHoldsTheBodyToItsContentLength() {
        Decoding longer = decoding(get().method("POST").add("content-length", "3"));
        longer.decoder.data(ascii("abcd"), true);
        assertThat(longer.next()).isInstanceOf(ParsedRequest.class);
        assertThat(longer.next()).isEqualTo(new RequestRejected(400, "DATA of 4 bytes for Content-Length 3"));
        assertThat(longer.next()).isNull();

        Decoding shorter = decoding(get().method("POST").add("content-length", "3"));
        shorter.decoder.data(ascii("ab"), false);
        shorter.decoder.data(ascii(""), true);
        shorter.next();
        HttpContent part = (HttpContent) shorter.next();
        assertThat(part.content().toString(StandardCharsets.US_ASCII)).isEqualTo("ab");
        part.release();
        assertThat(shorter.next()).isEqualTo(new RequestRejected(400, "DATA of 2 bytes for Content-Length 3"));

        Decoding unsized = decoding(get().method("POST"));
        unsized.decoder.data(ascii("x".repeat(101)), false);
        unsized.next();
        assertThat(unsized.next()).isEqualTo(new RequestRejected(413, "body over the limit of 100"));
    }

    @Test
    void theDecoderEmitsWhatStrictRequestDecoderWould() {
        Decoding decoding = decoding(get().method("POST"));
        decoding.decoder.data(ascii("ab"), false);
        decoding.decoder.headers(new DefaultHttp2Headers().add("x-sum", "1"), true);

        assertThat(decoding.next()).isInstanceOf(ParsedRequest.class);
        HttpContent part = (HttpContent) decoding.next();
        assertThat(part.content().toString(StandardCharsets.US_ASCII)).isEqualTo("ab");
        part.release();
        LastHttpContent last = (LastHttpContent) decoding.next();
        assertThat(last.trailingHeaders().get("x-sum")).isEqualTo("1");
        last.release();

        Decoding bad = decoding(get().method("POST"));
        bad.decoder.headers(new DefaultHttp2Headers().add("x-sum", "1"), false);
        bad.next();
        assertThat(bad.next())
                .isEqualTo(new RequestRejected(400, "a HEADERS frame after DATA that does not end the stream"));
        assertThat(bad.next()).isNull();
        ByteBuf late = ascii("late");
        bad.decoder.data(late, true);
        assertThat(late.refCnt())
                .as("a rejected stream's DATA is released, not passed on")
                .isZero();
        assertThat(bad.next()).isNull();
    }

    /** A decoder and what it passed on, in order. */
    private record Decoding(Http2RequestDecoder decoder, ArrayDeque<Object> out) {
        @Nullable
        Object next() {
            return out.poll();
        }
    }

    private static Decoding decoding(Http2Headers headers) {
        ArrayDeque<Object> out = new ArrayDeque<>();
        Http2RequestDecoder decoder = new Http2RequestDecoder(POLICY, out::add);
        decoder.headers(headers, false);
        return new Decoding(decoder, out);
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }
}
