package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.internal.InetAddresses;

/**
 * {@code log-format} sample expressions {@code %[...]} and the variables of {@link AccessLogEntry.Details}, and the
 * same expressions in {@code http-request set-header} values.
 */
class LogFormatSamplesTest {
    private static final RequestHead REQUEST = RequestHead.builder()
            .method("POST")
            .uri("/Cart/Items?id=7")
            .header("Host", "Shop.Example")
            .header("User-Agent", "curl/8.5")
            .header("X-Forwarded-For", "198.51.100.7, 203.0.113.9")
            .client("192.0.2.10", 40000)
            .localPort(8080)
            .build();

    private static AccessLogEntry entry(int status, AccessLogEntry.Details details) {
        return new AccessLogEntry(
                InetAddresses.parseLiteral("192.0.2.10"),
                40000,
                1_795_534_788_123L,
                "www",
                "app",
                "web1",
                2,
                0,
                1,
                5,
                9,
                status,
                120,
                "----",
                1,
                1,
                1,
                1,
                0,
                false,
                0,
                0,
                "POST /Cart/Items?id=7 HTTP/1.1",
                0,
                details);
    }

    private static String format(String format, AccessLogEntry entry, ResponseHead response) {
        return CustomLogFormat.parse(format).format(entry, LogMask.NONE, ZoneOffset.UTC, "vm", 1, REQUEST, response);
    }

    @Test
    void textAndDigestConvertersGiveHaproxysValues() {
        RequestHead request = RequestHead.builder()
                .uri("/a//b/c?q=b%20c+d")
                .header("X-Abc", "abc")
                .header("X-Path", "//a/b/")
                .build();

        assertThat(value("%[req.hdr(x-abc),length]", request)).isEqualTo("3");
        assertThat(value("%[query,url_dec]", request)).isEqualTo("q=b c+d");
        assertThat(value("%[query,url_dec(1)]", request)).isEqualTo("q=b c d");
        assertThat(value("%[url,url_dec]", request)).isEqualTo("/a//b/c?q=b c d"); // '+' after '?'
        assertThat(value("%[req.hdr(x-abc),sha1,hex]", request)).isEqualTo("A9993E364706816ABA3E25717850C26C9CD0D89D");
        assertThat(value("%[req.hdr(x-abc),sha1,base64]", request)).isEqualTo("qZk+NkcGgWq6PiVxeFDCbJzQ2J0=");
        assertThat(value("%[req.hdr(x-abc),sha2,hex]", request))
                .isEqualTo("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
        assertThat(value("%[req.hdr(x-abc),hex]", request)).isEqualTo("616263");
        assertThat(value("%[req.hdr(x-path),ltrim(/)]", request)).isEqualTo("a/b/");
        assertThat(value("%[req.hdr(x-path),rtrim(/)]", request)).isEqualTo("//a/b");
        assertThat(value("%[path,word(2,/)]", request)).isEqualTo("b");
        assertThat(value("%[path,word(-1,/)]", request)).isEqualTo("c");
        assertThat(value("%[path,word(1,/,0)]", request)).isEqualTo("a//b/c");
        assertThat(value("%[path,field(2,/)]", request)).isEqualTo("a");
        assertThat(value(
                        "%[req.hdr(x-quote),json]",
                        RequestHead.builder()
                                .uri("/")
                                .header("X-Quote", "say \"hi\"\\ \u00e9\u0001")
                                .build()))
                .isEqualTo("say \\\"hi\\\"\\\\ \u00e9\\u0001");
        assertThat(value(
                        "%[req.hdr(x-quote),json(ascii)]",
                        RequestHead.builder()
                                .uri("/")
                                .header("X-Quote", "\u00e9")
                                .build()))
                .isEqualTo("\\u00e9");

        assertThatThrownBy(() -> CustomLogFormat.parseValue("%[path,word(0,/)]"))
                .hasMessage(
                        "sample 'path,word(0,/)': word(0,/) (expected: word(INDEX,DELIMITERS[,COUNT]), INDEX not 0, "
                                + "from the end when negative, COUNT 0 or more, 0 for all the rest)");
        assertThatThrownBy(() -> CustomLogFormat.parseValue("%[path,field(1,/,-2)]"))
                .hasMessageStartingWith("sample 'path,field(1,/,-2)': field(1,/,-2) (expected: field(INDEX,");
        assertThatThrownBy(() -> CustomLogFormat.parseValue("%[path,sha2(100)]"))
                .hasMessage("sample 'path,sha2(100)': sha2(100) (expected: sha2 or sha2(224|256|384|512))");
    }

    private static String value(String format, RequestHead request) {
        return CustomLogFormat.parseValue(format).value(request);
    }

    @Test
    void headerValuesMayHoldTheAcceptDate() {
        RequestHead accepted = RequestHead.builder()
                .uri("/")
                .client("192.0.2.10", 40000)
                .acceptedAtMillis(1_795_534_788_123L)
                .build();

        assertThat(CustomLogFormat.parseValue("t=%Ts%ms").value(accepted)).isEqualTo("t=1795534788123");
        assertThat(CustomLogFormat.parseValue("%T").value(accepted)).isEqualTo("24/Nov/2026:15:39:48 +0000");
        assertThat(CustomLogFormat.parseValue("%t").value(accepted))
                .isEqualTo(LogDates.millis(1_795_534_788_123L, java.time.ZoneId.systemDefault()));
    }

    @Test
    void requestAndResponseFetchesWithConverters() {
        ResponseHead response =
                ResponseHead.builder(201).header("Content-Type", "text/plain").build();

        String line = format(
                "%[src] %[src_port] %[dst_port] %[method] %[path] %[query] %[req.hdr(host),lower] "
                        + "%{+Q}[hdr(user-agent)] %[req.hdr(x-forwarded-for,1)] %[status] %[res.hdr(content-type)] "
                        + "%[path,upper] %[req.hdr(user-agent),base64] %[src,ipmask(24)] %[req.hdr(x-none)] "
                        + "%{+Q}[req.hdr(x-none)]",
                entry(201, AccessLogEntry.Details.NONE), response);

        assertThat(line)
                .isEqualTo("192.0.2.10 40000 8080 POST /Cart/Items id=7 shop.example \"curl/8.5\" 198.51.100.7 201 "
                        + "text/plain /CART/ITEMS Y3VybC84LjU= 192.0.2.0 - \"\"");
    }

    @Test
    void statusWithoutAResponseHeadIsTheEntrysAndAddressesAreMasked() {
        String line = CustomLogFormat.parse("%[status] %[src] %ci %[res.hdr(server)]")
                .format(
                        entry(429, AccessLogEntry.Details.NONE),
                        new LogMask(24, 64),
                        ZoneOffset.UTC,
                        "vm",
                        1,
                        REQUEST,
                        null);

        assertThat(line).isEqualTo("429 192.0.2.0 192.0.2.0 -");
    }

    @Test
    void stickCountersOfTheTrackedRequest() {
        VirtualTime time = new VirtualTime();
        ProxyConfig config = ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP))
                .frontend(
                        "www",
                        f -> f.bind("127.0.0.1:8080")
                                .stickTable(StickTable.ip(100).store(StickData.HTTP_REQ_RATE, Duration.ofSeconds(10)))
                                .httpRequest(HttpRequestRule.trackSc(0, "src"))
                                .defaultBackend("app"))
                .backend("app", b -> b.server("web1", "127.0.0.1:9001"))
                .build();
        Router router = Router.builder(config).ticker(time).build();
        StickCounters counters = router.accept("www", REQUEST.clientAddress(), 40000, 8080);
        RouteDecision decision = null;
        for (int i = 0; i < 3; i++) {
            counters.requestStarted();
            decision = router.route("www", REQUEST, counters);
            counters.requestEnded();
        }
        counters.requestStarted();
        decision = router.route("www", REQUEST, counters);

        String line = CustomLogFormat.parse("%[sc_http_req_rate(0)] %[sc0_http_req_rate] %[sc_http_req_rate(1)]")
                .format(
                        entry(200, AccessLogEntry.Details.NONE),
                        LogMask.NONE,
                        ZoneOffset.UTC,
                        "vm",
                        1,
                        decision.routedRequest(),
                        null);

        assertThat(line).isEqualTo("4 4 -");
    }

    @Test
    void detailsVariablesAsHaproxyPrintsThem() {
        AccessLogEntry.Details details = new AccessLogEntry.Details(
                30,
                512,
                41,
                new InetSocketAddress("127.0.0.1", 8080),
                new InetSocketAddress("127.0.0.1", 51200),
                new InetSocketAddress("127.0.0.2", 9001),
                null);
        CustomLogFormat format =
                CustomLogFormat.parse("%Ti %TR %Tq %Ta %Tt %Tu %U %rt %fi:%fp %bi:%bp %si:%sp %lc %OG");

        String first = format.format(entry(200, details), LogMask.NONE, ZoneOffset.UTC, "vm", 1);
        String second = format.format(entry(200, AccessLogEntry.Details.NONE), LogMask.NONE, ZoneOffset.UTC, "vm", 1);

        assertThat(first).isEqualTo("30 2 32 9 39 9 512 41 127.0.0.1:8080 127.0.0.1:51200 127.0.0.2:9001 0 txn_close");
        assertThat(second).isEqualTo("-1 2 -1 9 9 9 0 0 -:- -:- -:- 1 txn_close");
    }

    @Test
    void headerValuesAreLogFormatsOfTheRequest() {
        ProxyConfig config = ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP))
                .frontend(
                        "www",
                        f -> f.bind("127.0.0.1:8080")
                                .httpRequest(HttpRequestRule.setHeaderFormat("X-Real-IP", "%[src]"))
                                .httpRequest(HttpRequestRule.addHeaderFormat(
                                        "X-Client", "%ci:%cp via %[req.hdr(host),lower]"))
                                .httpRequest(HttpRequestRule.setHeaderFormat("X-Missing", "[%[req.hdr(x-none)]] 100%%"))
                                .httpRequest(HttpRequestRule.setHeader("X-Literal", "%[src] as is"))
                                .defaultBackend("app"))
                .backend("app", b -> b.server("web1", "127.0.0.1:9001"))
                .build();

        RequestHead forwarded =
                Router.of(config).route("www", REQUEST).asForward().forwardedRequest();

        assertThat(forwarded.header("X-Real-IP")).isEqualTo("192.0.2.10");
        assertThat(forwarded.header("X-Client")).isEqualTo("192.0.2.10:40000 via shop.example");
        assertThat(forwarded.header("X-Missing")).isEqualTo("[] 100%");
        assertThat(forwarded.header("X-Literal")).isEqualTo("%[src] as is");
        assertThatThrownBy(() -> HttpRequestRule.setHeaderFormat("X-Time", "%Tr"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("http-request set-header X-Time: '%Tr' is not known when the request is routed "
                        + "(expected in a header value: text, %[SAMPLE], %ci, %cp, %fi, %fp, %t, %T, %Tl, %Ts, %ms, "
                        + "%rt, %pid, %ID, %% for %)");
    }

    @Test
    void theRequestsAcceptTimeMakesXRequestStart() {
        ProxyConfig config = ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP))
                .frontend(
                        "www",
                        f -> f.bind("127.0.0.1:8080")
                                .httpRequest(HttpRequestRule.setHeaderFormat("X-Request-Start", "t=%Ts%ms"))
                                .defaultBackend("app"))
                .backend("app", b -> b.server("web1", "127.0.0.1:9001"))
                .build();
        Router router = Router.of(config);

        RequestHead accepted = RequestHead.builder()
                .uri("/")
                .acceptedAtMillis(1_795_534_788_007L)
                .build();
        assertThat(router.route("www", accepted).asForward().forwardedRequest().header("X-Request-Start"))
                .isEqualTo("t=1795534788007");
        assertThat(router.route("www", REQUEST).asForward().forwardedRequest().header("X-Request-Start"))
                .as("no accept time known")
                .isEqualTo("t=");
    }

    @Test
    void tableKeysStayRequestFetches() {
        assertThatThrownBy(() -> HttpRequestRule.trackSc(0, "status"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("sample 'status': fetch 'status' is not supported yet (expected: src,");
    }
}
