package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.haproxy.HaproxyImport;

/** {@link Compression}: which algorithm a request gets, which responses are compressed, and the config behind it. */
class CompressionTest {
    private static final Compression GZIP_DEFLATE = new Compression(
            List.of(CompressionAlgorithm.GZIP, CompressionAlgorithm.DEFLATE),
            List.of("text/", "Application/JSON"),
            false);

    private static RequestHead accepting(String acceptEncoding) {
        return RequestHead.builder().header("Accept-Encoding", acceptEncoding).build();
    }

    @Test
    void theClientsHighestQualityWinsAndTheConfiguredOrderBreaksTies() {
        assertThat(GZIP_DEFLATE.choose(accepting("gzip, deflate"))).isEqualTo(CompressionAlgorithm.GZIP);
        assertThat(GZIP_DEFLATE.choose(accepting("deflate, gzip"))).isEqualTo(CompressionAlgorithm.GZIP);
        assertThat(GZIP_DEFLATE.choose(accepting("gzip;q=0.5, deflate"))).isEqualTo(CompressionAlgorithm.DEFLATE);
        assertThat(GZIP_DEFLATE.choose(accepting("deflate;q=0.2,gzip;Q=0.3"))).isEqualTo(CompressionAlgorithm.GZIP);
        assertThat(GZIP_DEFLATE.choose(accepting("*"))).isEqualTo(CompressionAlgorithm.GZIP);
        assertThat(GZIP_DEFLATE.choose(accepting("*;q=0.1, gzip;q=0"))).isEqualTo(CompressionAlgorithm.DEFLATE);
        assertThat(GZIP_DEFLATE.choose(accepting("x-gzip"))).isEqualTo(CompressionAlgorithm.GZIP);
        assertThat(GZIP_DEFLATE.choose(accepting("br, identity"))).isNull();
        assertThat(GZIP_DEFLATE.choose(accepting("gzip;q=0, deflate;q=0"))).isNull();
        assertThat(GZIP_DEFLATE.choose(accepting("gzip;q=2")))
                .as("a malformed q counts as 0")
                .isNull();
        assertThat(GZIP_DEFLATE.choose(RequestHead.get("/")))
                .as("no Accept-Encoding")
                .isNull();
        assertThat(Compression.NONE.choose(accepting("gzip"))).isNull();
        assertThat(new Compression(List.of(CompressionAlgorithm.IDENTITY), List.of(), false).choose(accepting("*")))
                .as("identity compresses nothing")
                .isNull();
    }

    @Test
    void http10AndOldMozilla4AgentsGetNoneButMsie6Sp2AndLaterDo() {
        RequestHead http10 = RequestHead.builder()
                .version("HTTP/1.0")
                .header("Accept-Encoding", "gzip")
                .build();
        assertThat(GZIP_DEFLATE.choose(http10)).isNull();
        for (String agent : List.of(
                "Mozilla/4.76 [en] (X11; U; Linux 2.4.2-2 i686)",
                "Mozilla/4.0 (compatible; MSIE 5.5; Windows NT 5.0)",
                "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1)")) {
            RequestHead old = RequestHead.builder()
                    .header("Accept-Encoding", "gzip")
                    .header("User-Agent", agent)
                    .build();
            assertThat(GZIP_DEFLATE.choose(old)).as(agent).isNull();
        }
        for (String agent : List.of(
                "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1)",
                "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.0)",
                "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0")) {
            RequestHead fine = RequestHead.builder()
                    .header("Accept-Encoding", "gzip")
                    .header("User-Agent", agent)
                    .build();
            assertThat(GZIP_DEFLATE.choose(fine)).as(agent).isEqualTo(CompressionAlgorithm.GZIP);
        }
    }

    @Test
    void onlyPlainSuccessfulResponsesOfTheListedTypesAreCompressed() {
        assertThat(GZIP_DEFLATE.compresses(response(200, "Content-Type", "text/html"), false))
                .isTrue();
        assertThat(GZIP_DEFLATE.compresses(response(203, "Content-Type", "application/json; charset=utf-8"), false))
                .isTrue();
        assertThat(GZIP_DEFLATE.compresses(response(200, "Content-Type", "text/html"), true))
                .as("no body")
                .isFalse();
        assertThat(GZIP_DEFLATE.compresses(response(200, "Content-Type", "text/html", "Content-Length", "0"), false))
                .as("an empty body")
                .isFalse();
        assertThat(GZIP_DEFLATE.compresses(response(206, "Content-Type", "text/html"), false))
                .isFalse();
        assertThat(GZIP_DEFLATE.compresses(response(404, "Content-Type", "text/html"), false))
                .isFalse();
        assertThat(GZIP_DEFLATE.compresses(response(200, "Content-Type", "image/png"), false))
                .isFalse();
        assertThat(GZIP_DEFLATE.compresses(response(200), false))
                .as("no type, types listed")
                .isFalse();
        assertThat(new Compression(List.of(CompressionAlgorithm.GZIP), List.of(), false)
                        .compresses(response(200), false))
                .as("no type, no types listed")
                .isTrue();
        assertThat(new Compression(List.of(CompressionAlgorithm.GZIP), List.of(), false)
                        .compresses(response(200, "Content-Type", "multipart/byteranges"), false))
                .isFalse();
        assertThat(GZIP_DEFLATE.compresses(response(200, "Content-Type", "text/html", "Content-Encoding", "br"), false))
                .isFalse();
        assertThat(GZIP_DEFLATE.compresses(
                        response(200, "Content-Type", "text/html", "Cache-Control", "public, No-Transform"), false))
                .isFalse();
        assertThat(GZIP_DEFLATE.compresses(
                        response(200, "Content-Type", "text/html", "ETag", "\"a\"", "ETag", "\"b\""), false))
                .isFalse();
        assertThat(GZIP_DEFLATE.compresses(
                        ResponseHead.builder(200)
                                .version("HTTP/1.0")
                                .header("Content-Type", "text/html")
                                .build(),
                        false))
                .isFalse();
    }

    private static ResponseHead response(int status, String... headers) {
        ResponseHead.Builder builder = ResponseHead.builder(status);
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder.build();
    }

    @Test
    void theFrontendsAlgorithmsAndTheBackendsTypesApplyAndOffloadDropsAcceptEncoding() {
        ProxyConfig config =
                HaproxyImport.parse("""
                        defaults
                            mode http
                        frontend www
                            bind :80
                            compression algo deflate
                            compression type text/plain
                            default_backend app
                        backend app
                            compression algo gzip
                            compression type text/html
                            compression offload
                            server web1 127.0.0.1:8001
                        """, "haproxy.cfg", Map.of()).builder().build();

        Compression applied = Compression.of(
                config.frontends().get("www").settings(),
                config.backends().get("app").settings());
        assertThat(applied)
                .isEqualTo(new Compression(List.of(CompressionAlgorithm.DEFLATE), List.of("text/html"), true));

        Router router = Router.of(config);
        assertThat(router.route(accepting("gzip, deflate")).asForward().requestEdits())
                .containsExactly(new HeaderEdit.Delete("Accept-Encoding"));
        assertThat(router.route(accepting("gzip")).asForward().requestEdits())
                .as("nothing chosen: the server gets the header")
                .isEmpty();
    }

    @Test
    void anUnknownAlgorithmOrWordIsRefusedWithItsLine() {
        assertThatThrownBy(() -> HaproxyImport.parse(
                        "frontend www\n    bind :80\n    compression algo gzip brotli\n", "haproxy.cfg", Map.of()))
                .hasMessage("haproxy.cfg:3: 'compression' in frontend 'www': compression algo 'brotli' (expected: "
                        + "identity, gzip, deflate or raw-deflate)");
        assertThatThrownBy(() -> HaproxyImport.parse(
                        "frontend www\n    bind :80\n    compression direction both\n", "haproxy.cfg", Map.of()))
                .hasMessageContaining("haproxy.cfg:3: 'compression' in frontend 'www': 'direction' (expected: "
                        + "compression algo|type|offload;");
    }

    @Test
    void maxzlibmemIsReadFromGlobal() {
        var imported = HaproxyImport.parse("global\n    maxzlibmem 64\n", "haproxy.cfg", Map.of());
        assertThat(imported.builder().build().global().maxZlibMemMegabytes()).isEqualTo(64);
        assertThat(imported.report().ignored()).isEmpty();
        assertThatThrownBy(() -> HaproxyImport.parse("global\n    maxzlibmem -1\n", "haproxy.cfg", Map.of()))
                .hasMessageContaining("haproxy.cfg:2")
                .hasMessageContaining("maxzlibmem");
    }
}
