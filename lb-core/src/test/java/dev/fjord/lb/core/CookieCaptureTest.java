package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.haproxy.HaproxyImport;
import dev.fjord.lb.core.internal.InetAddresses;

/** {@code capture cookie NAME len LENGTH}: what is taken, and where httplog and log-format write it. */
class CookieCaptureTest {
    @Test
    void theFirstCookieBeginningWithTheNameIsTakenAsNameEqualsValue() {
        CookieCapture asp = new CookieCapture("ASPSESSIONID", 24);
        assertThat(asp.request(List.of("a=1; ASPSESSIONIDQQ=abcdef; ASPSESSIONIDRR=x")))
                .isEqualTo("ASPSESSIONIDQQ=abcdef");
        assertThat(asp.request(List.of("a=1", "ASPSESSIONIDQQ=abcdefghijklmnopq")))
                .isEqualTo("ASPSESSIONIDQQ=abcdefghi");
        assertThat(asp.request(List.of("a=1; b=2"))).isNull();
        assertThat(asp.request(List.of())).isNull();

        CookieCapture exact = new CookieCapture("SID=", 32);
        assertThat(exact.request(List.of("SIDX=1; SID=2"))).isEqualTo("SID=2");
        assertThat(exact.response(List.of("other=1; Path=/", "SID=abc; Path=/; HttpOnly")))
                .isEqualTo("SID=abc");
        assertThat(exact.response(List.of("SIDX=1"))).isNull();
    }

    @Test
    void badNamesAndLengthsAreRefused() {
        assertThatThrownBy(() -> new CookieCapture("", 32)).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> new CookieCapture("a b", 32)).hasMessageContaining("'a b'");
        assertThatThrownBy(() -> new CookieCapture("SID", 0)).hasMessageContaining("len 0 (expected: 1-65536)");
    }

    @Test
    void httplogWritesThemWhereHaproxyWritesDashes() {
        AccessLogFormat httplog = new AccessLogFormat(LogFormat.HTTP, LogMask.NONE, ZoneOffset.UTC);
        assertThat(httplog.format(entry("SID=a\"b", "SID=new"))).contains(" 200 345 SID=a#22b SID=new --NI ");
        assertThat(httplog.format(entry(null, null))).contains(" 200 345 - - --NI ");
        CustomLogFormat custom = CustomLogFormat.parse("%CC %CS %{+Q}CC");
        assertThat(custom.format(entry("SID=1", null), LogMask.NONE, ZoneOffset.UTC, "h", 1))
                .isEqualTo("SID=1 - \"SID=1\"");
    }

    @Test
    void importedFromFrontendsAndListensInModeHttpOnly() {
        FrontendConfig www = HaproxyImport.parse("""
                        defaults
                            mode http
                        frontend www
                            bind :80
                            capture cookie SERVERID= len 32
                            default_backend app
                        backend app
                            server web1 127.0.0.1:8001
                        """, "haproxy.cfg", Map.of())
                .builder()
                .build()
                .frontend("www");
        assertThat(www.cookieCapture()).isEqualTo(new CookieCapture("SERVERID=", 32));

        assertThatThrownBy(() -> HaproxyImport.parse(
                        "frontend www\n    bind :80\n    capture cookie SESSID\n", "haproxy.cfg", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("haproxy.cfg:3")
                .hasMessageContaining("expected: capture cookie NAME len LENGTH");
        assertThatThrownBy(() -> HaproxyImport.parse(
                                "listen l\n    mode tcp\n    bind :80\n    capture cookie SESSID len 8\n"
                                        + "    server s 127.0.0.1:1\n",
                                "haproxy.cfg",
                                Map.of())
                        .builder()
                        .build())
                .hasMessageContaining("header and cookie captures need mode http");
    }

    private static AccessLogEntry entry(String requestCookie, String responseCookie) {
        return new AccessLogEntry(
                InetAddresses.parseLiteral("203.0.113.7"),
                51000,
                1_795_534_788_123L,
                "main",
                "app",
                "web1",
                0,
                0,
                1,
                2,
                3,
                200,
                345,
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
                        -1, 0, 0, null, null, null, null, List.of(), List.of(), requestCookie, responseCookie, null));
    }
}
