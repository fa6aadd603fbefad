package dev.fjord.lb.core.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.ConfigException;
import dev.fjord.lb.core.HttpCheck;
import dev.fjord.lb.core.ProxyConfig;

/**
 * {@code option httpchk METHOD URI VERSION} with the request headers HAProxy 1.x configurations append to the version
 * ({@code HTTP/1.1\r\nHost:\ www.example.com}), still read by HAProxy 2.x; {@code option redis-check}.
 */
class HttpCheckLineTest {

    private static HttpCheck check(String option) {
        ProxyConfig config = HaproxyImport.parse(
                        "defaults\n    mode http\nbackend app\n    " + option
                                + "\n    server web1 127.0.0.1:8001 check\n",
                        "haproxy.cfg",
                        Map.of())
                .builder()
                .build();
        return java.util.Objects.requireNonNull(
                config.backends().get("app").settings().httpCheck());
    }

    @Test
    void headersAfterTheVersionBecomeTheChecksHeaders() {
        HttpCheck check = check("option httpchk HEAD / HTTP/1.1\\r\\nHost:localhost");
        assertThat(check.method()).isEqualTo("HEAD");
        assertThat(check.version()).isEqualTo("HTTP/1.1");
        assertThat(check.headers()).containsExactly(Map.entry("Host", "localhost"));

        HttpCheck two =
                check("option httpchk GET /health HTTP/1.1\\r\\nHost:\\ www.example.com\\r\\nUser-Agent: probe");
        assertThat(two.headers())
                .containsExactly(Map.entry("Host", "www.example.com"), Map.entry("User-Agent", "probe"));
    }

    @Test
    void redisCheckSendsHaproxysPingAndExpectsPong() {
        dev.fjord.lb.core.TcpCheck check = java.util.Objects.requireNonNull(HaproxyImport.parse(
                        "listen redis\n    mode tcp\n    bind :6380\n    option redis-check\n"
                                + "    server r1 127.0.0.1:6379 check\n",
                        "haproxy.cfg",
                        Map.of())
                .builder()
                .build()
                .backends()
                .get("redis")
                .settings()
                .tcpCheck());

        assertThat(check)
                .isEqualTo(dev.fjord.lb.core.TcpCheck.create()
                        .send("*1\r\n$4\r\nPING\r\n")
                        .expectString("+PONG\r\n"));
    }

    @Test
    void aHeaderLineWithoutAColonIsRefusedWithItsLine() {
        assertThatThrownBy(() -> check("option httpchk GET / HTTP/1.1\\r\\nlocalhost"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("haproxy.cfg:4")
                .hasMessageContaining("header line 'localhost'");
    }
}
