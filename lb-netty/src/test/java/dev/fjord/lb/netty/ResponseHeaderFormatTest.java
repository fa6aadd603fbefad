package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code http-response set-header} and {@code add-header} with log-format values ({@code %s}, {@code %b},
 * {@code %ST}, {@code %[res.hdr(x)]}, {@code %[status]}, {@code %[dst_port]}, {@code %ci}), side by side with
 * HAProxy ({@link HaproxyProcess}; that half skipped where it is not installed): the same headers.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ResponseHeaderFormatTest {
    @RegisterExtension
    final ProxyExtension fjord = new ProxyExtension();

    @TempDir
    Path dir;

    private final RecordingHttpServer web = fjord.recordingServer();

    ResponseHeaderFormatTest() {
        web.respond(request -> ("HTTP/1.1 201 Created\r\nX-Up: from the server\r\nContent-Length: 2\r\n\r\nok")
                .getBytes(StandardCharsets.ISO_8859_1));
    }

    private String config(String bind) {
        return HaproxyProcess.HTTP_DEFAULTS + """
                frontend fe
                    bind %s
                    http-response set-header X-Served-By %%s
                    http-response add-header X-Route "%%b/%%s %%ST"
                    http-response set-header X-Echo up=%%[res.hdr(x-up),lower];status=%%[status];port=%%[dst_port]
                    http-response set-header X-Client %%ci
                    http-response set-header X-Percent 100%%%%
                    default_backend app
                backend app
                    server web1 %s
                """.formatted(bind, web.address());
    }

    private static List<String> headers(InetSocketAddress proxy) throws Exception {
        try (RawClient client = new RawClient(proxy)) {
            String response =
                    client.send("GET / HTTP/1.1\r\nHost: Shop.Example\r\n\r\n").readResponse();
            List<String> seen = new ArrayList<>();
            for (String line : response.split("\r\n")) {
                if (line.regionMatches(true, 0, "X-", 0, 2)) {
                    seen.add(line.replaceAll("port=\\d+", "port=P"));
                }
            }
            return seen;
        }
    }

    @Test
    void responseHeaderValuesAreLogFormatsAsInHaproxy() throws Exception {
        FjordProxy proxy = fjord.start(config("127.0.0.1:0"));
        List<String> byFjord = headers(proxy.addresses("fe").get(0));
        assertThat(byFjord)
                .containsExactlyInAnyOrder(
                        "X-Up: from the server",
                        "X-Served-By: web1",
                        "X-Route: app/web1 201",
                        "X-Echo: up=from the server;status=201;port=P",
                        "X-Client: 127.0.0.1",
                        "X-Percent: 100%");

        HaproxyProcess.assumeInstalled();
        int port = HaproxyProcess.freePort();
        try (HaproxyProcess haproxy = HaproxyProcess.start(dir, config("127.0.0.1:" + port), port)) {
            assertThat(headers(new InetSocketAddress("127.0.0.1", port)).stream()
                            .map(line -> line.substring(0, 2).toUpperCase(java.util.Locale.ROOT)
                                    + line.substring(2, line.indexOf(':')).toLowerCase(java.util.Locale.ROOT)
                                    + line.substring(line.indexOf(':')))
                            .toList())
                    .as("HAProxy's headers (its output: %s)", haproxy.output())
                    .containsExactlyInAnyOrderElementsOf(byFjord.stream()
                            .map(line -> line.substring(0, 2)
                                    + line.substring(2, line.indexOf(':')).toLowerCase(java.util.Locale.ROOT)
                                    + line.substring(line.indexOf(':')))
                            .toList());
        }
    }
}
