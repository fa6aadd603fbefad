package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ErrorFileTest {

    private static LocalResponse parse(String text) {
        return ErrorFile.parse("503.http", text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aWholeResponseKeepsItsStatusLineHeadersAndBody() {
        LocalResponse page = parse("HTTP/1.1 503 Be Right Back\r\nContent-Type: text/html\r\nCache-Control: no-cache"
                + "\r\nConnection: close\r\nContent-Length: 12\r\n\r\n<p>Soon</p>\n");

        assertThat(page.status()).isEqualTo(503);
        assertThat(page.reason()).isEqualTo("Be Right Back");
        assertThat(page.header("Content-Type")).isEqualTo("text/html");
        assertThat(page.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(page.header("Connection"))
                .as("the transport sets framing and connection")
                .isNull();
        assertThat(page.header("Content-Length")).isNull();
        assertThat(page.body()).isEqualTo("<p>Soon</p>\n");
    }

    @Test
    void bareLineFeedsAndAMissingLengthAreAcceptedAsHaproxyDoes() {
        LocalResponse page = parse("HTTP/1.0 200 OK\nContent-Type: text/plain\n\nmaintenance\n");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).isEqualTo("maintenance\n");
    }

    @Test
    void malformedFilesAreRefusedSayingWhy() {
        assertThatThrownBy(() -> parse("garbage\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("503.http: no empty line after the headers (expected: a whole HTTP response)");
        assertThatThrownBy(() -> parse("HTTP/1.1 5xx Oops\r\n\r\n"))
                .hasMessageStartingWith("503.http: status line 'HTTP/1.1 5xx Oops'");
        assertThatThrownBy(() -> parse("HTTP/1.1 503 X\r\nContent-Length: 5\r\n\r\nhello world\n"))
                .hasMessage("503.http: payload of 12 bytes, Content-Length says 5");
        assertThatThrownBy(() -> parse("HTTP/1.1 503 X\r\nno colon\r\n\r\n"))
                .hasMessage("503.http: line 2 'no colon' (expected: NAME: VALUE)");
    }

    @Test
    void errorFilesAreUsedForDeniesAndServerlessRequestsBackendFirst() {
        LocalResponse frontend403 = parse("HTTP/1.1 403 Forbidden\n\nfrontend 403\n");
        LocalResponse frontend503 = parse("HTTP/1.1 503 Service Unavailable\n\nfrontend 503\n");
        LocalResponse backend503 = parse("HTTP/1.1 503 Service Unavailable\n\nbackend 503\n");
        Router router = Router.of(ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP).errorFile(403, frontend403))
                .frontend(
                        "main",
                        f -> f.bind(":80")
                                .errorFile(503, frontend503)
                                .httpRequest(HttpRequestRule.deny().when("{ path /admin }"))
                                .useBackend("empty", "{ path /empty }")
                                .defaultBackend("app"))
                .backend("app", b -> b.errorFile(503, backend503))
                .backend("empty", b -> {})
                .build());

        assertThat(router.route(RequestHead.get("/admin"))
                        .asRespond()
                        .response()
                        .body())
                .isEqualTo("frontend 403\n");
        assertThat(router.route(RequestHead.get("/")).asRespond().response().body())
                .isEqualTo("backend 503\n");
        RouteDecision empty = router.route(RequestHead.get("/empty"));
        assertThat(empty.asRespond().response().body()).isEqualTo("frontend 503\n");
        assertThat(empty.errorPage(504)).isEqualTo(LocalResponse.error(504));
        assertThatThrownBy(() -> ProxyConfig.builder().defaults(d -> d.errorFile(418, frontend403)))
                .hasMessageStartingWith("defaults: errorfile 418 (expected: one of [200, 400,");
    }
}
