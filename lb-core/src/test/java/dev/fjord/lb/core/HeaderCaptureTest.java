package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.haproxy.HaproxyImport;
import dev.fjord.lb.core.internal.InetAddresses;

/** {@code capture request|response header NAME len LENGTH}: what is captured, and where the log lines put it. */
class HeaderCaptureTest {
    private static final long ACCEPTED = 1_795_534_788_123L; // 2026-11-24T15:39:48.123Z

    @Test
    void theLastOccurrenceIsCapturedWholeUpToItsLength() {
        HeaderCapture host = new HeaderCapture("Host", 8);

        assertThat(host.of(List.of("a.example", "shop.example.com"))).isEqualTo("shop.exa");
        assertThat(host.of(List.of("x, y"))).isEqualTo("x, y");
        assertThat(host.of(List.of())).isEmpty();
        assertThatThrownBy(() -> new HeaderCapture("Bad Name", 8)).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> new HeaderCapture("Host", 0))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("len 0");
    }

    @Test
    void httplogWritesRequestThenResponseCapturesBetweenBracesEscapedAsHaproxy() {
        AccessLogEntry entry = entry(List.of("shop.example", "", "a|b{\"#}"), List.of("/login"));

        assertThat(new AccessLogFormat(LogFormat.HTTP, LogMask.NONE, ZoneOffset.UTC).format(entry))
                .isEqualTo("203.0.113.7:51000 [24/Nov/2026:15:39:48.123] main app/web1 0/0/1/2/3 302 0 - - --NI "
                        + "1/1/0/0/0 0/0 {shop.example||a#7Cb#7B#22#23#7D} {/login} \"GET / HTTP/1.1\"");
        assertThat(CustomLogFormat.parse("%hr %hs %hrl|%hsl")
                        .format(entry, LogMask.NONE, ZoneOffset.UTC, "h", 1, null, null))
                .isEqualTo("{shop.example||a#7Cb#7B#22#23#7D} {/login} shop.example - a#7Cb#7B#22#23#7D|/login");
        AccessLogEntry none = entry(List.of(), List.of());
        assertThat(new AccessLogFormat(LogFormat.HTTP, LogMask.NONE, ZoneOffset.UTC).format(none))
                .endsWith("1/1/0/0/0 0/0 \"GET / HTTP/1.1\"");
    }

    @Test
    void importedFromFrontendsInOrder() {
        FrontendConfig www = HaproxyImport.parse("""
                        defaults
                            mode http
                        frontend www
                            bind :80
                            capture request header Host len 64
                            capture response header Location len 32
                            capture request header User-Agent len 16
                            default_backend app
                        backend app
                            server web1 127.0.0.1:8001
                        """, "haproxy.cfg", Map.of())
                .builder()
                .build()
                .frontend("www");

        assertThat(www.requestCaptures())
                .containsExactly(new HeaderCapture("Host", 64), new HeaderCapture("User-Agent", 16));
        assertThat(www.responseCaptures()).containsExactly(new HeaderCapture("Location", 32));
        assertThat(www.cookieCapture()).isNull();
    }

    private static AccessLogEntry entry(List<String> requestCaptures, List<String> responseCaptures) {
        return new AccessLogEntry(
                InetAddresses.parseLiteral("203.0.113.7"),
                51000,
                ACCEPTED,
                "main",
                "app",
                "web1",
                0,
                0,
                1,
                2,
                3,
                302,
                0,
                "--NI",
                1,
                1,
                0,
                0,
                0,
                false,
                0,
                0,
                "GET / HTTP/1.1",
                0,
                new AccessLogEntry.Details(
                        -1, 0, 0, null, null, null, null, requestCaptures, responseCaptures, null, null, null));
    }
}
