package dev.fjord.lb.core.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.Address;
import dev.fjord.lb.core.ConfigException;
import dev.fjord.lb.core.Http2Tuning;
import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.ProxyConfig;

/** {@code bind ... proto h2} and the {@code tune.h2.*} keywords Fjord applies, imported and checked. */
class Http2KeywordsTest {

    private static ProxyConfig parse(String text) {
        return HaproxyImport.parse(text, "haproxy.cfg", Map.of()).builder().build();
    }

    @Test
    void protoH2MarksItsBindOnly() {
        ProxyConfig config = parse("""
                frontend main
                    mode http
                    bind 127.0.0.1:8080 proto h2
                    bind 127.0.0.1:8081 proto h1
                    bind 127.0.0.1:8082 accept-proxy proto h2
                    default_backend app
                backend app
                    mode http
                    server web1 127.0.0.1:9000
                """);

        var main = config.frontends().get("main");
        assertThat(main.bindOptions(Address.parse("127.0.0.1:8080")).h2()).isTrue();
        assertThat(main.bindOptions(Address.parse("127.0.0.1:8081")).h2()).isFalse();
        assertThat(main.bindOptions(Address.parse("127.0.0.1:8082")))
                .extracting(b -> b.acceptProxy() && b.h2())
                .isEqualTo(true);
    }

    @Test
    void anotherProtocolOrAMissingOneNamesTheLine() {
        assertThatThrownBy(() -> parse("""
                        frontend main
                            mode http
                            bind :8080 proto fcgi
                            default_backend app
                        backend app
                            server web1 127.0.0.1:9000
                        """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("haproxy.cfg:3:")
                .hasMessageContaining("proto 'fcgi' is not supported (supported: h1, h2)");
        assertThatThrownBy(() -> parse("""
                        frontend main
                            mode http
                            bind :8080 proto
                            default_backend app
                        backend app
                            server web1 127.0.0.1:9000
                        """))
                .hasMessageContaining("haproxy.cfg:3:")
                .hasMessageContaining("'proto' needs a value");
    }

    @Test
    void disableH2UpgradeIsReportedAsIgnoredSinceFjordNeverUpgradesImplicitly() {
        ImportReport report = HaproxyImport.parse("""
                        defaults
                            mode http
                            option disable-h2-upgrade
                        frontend main
                            bind :8080
                            default_backend app
                        backend app
                            server web1 127.0.0.1:9000
                        """, "haproxy.cfg", Map.of()).report();

        assertThat(report.ignored()).anySatisfy(line -> assertThat(line).contains("option disable-h2-upgrade"));
    }

    @Test
    void protoH2NeedsModeHttp() {
        assertThatThrownBy(() -> parse("""
                        frontend main
                            mode tcp
                            bind :8080 proto h2
                            default_backend app
                        backend app
                            mode tcp
                            server web1 127.0.0.1:9000
                        """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("binds with proto h2 need mode http (mode is tcp)");
    }

    @Test
    void theDefaultsAreHaproxysAndTheFrontendFormWinsWhereverItStands() {
        assertThat(parse("""
                        defaults
                            mode http
                        frontend main
                            bind :8080 proto h2
                            default_backend app
                        backend app
                            server web1 127.0.0.1:9000
                        """).global().http2())
                .isEqualTo(Http2Tuning.DEFAULT)
                .extracting(Http2Tuning::maxConcurrentStreams, Http2Tuning::headerTableSize)
                .containsExactly(100, 4096);

        Http2Tuning tuned = parse("""
                        global
                            tune.h2.fe.max-concurrent-streams 50
                            tune.h2.max-concurrent-streams 20
                            tune.h2.initial-window-size 16384
                            tune.h2.header-table-size 8192
                            tune.h2.max-frame-size 32768
                            tune.h2.be.max-concurrent-streams 7
                        defaults
                            mode http
                        frontend main
                            bind :8080 proto h2
                            default_backend app
                        backend app
                            server web1 127.0.0.1:9000
                        """).global().http2();
        assertThat(tuned.maxConcurrentStreams()).isEqualTo(50);
        assertThat(tuned.initialWindowSize()).isEqualTo(16384);
        assertThat(tuned.headerTableSize()).isEqualTo(8192);
        assertThat(tuned.maxFrameSize()).isEqualTo(32768);
    }

    @Test
    void valuesOutsideWhatFjordAcceptsAreRefusedWithTheirLine() {
        assertThatThrownBy(() -> parse("""
                        global
                            tune.h2.max-concurrent-streams 0
                        """))
                .hasMessageContaining("haproxy.cfg:2:")
                .hasMessageContaining("max-concurrent-streams 0 (expected: 1-2147483647)");
        assertThatThrownBy(() -> parse("""
                        global
                            tune.h2.fe.max-concurrent-streams 100 rq-load auto
                        """))
                .hasMessageContaining("haproxy.cfg:2:")
                .hasMessageContaining("are not supported");
        assertThatThrownBy(() -> parse("""
                        global
                            tune.h2.header-table-size 70000
                        """)).hasMessageContaining("header-table-size 70000 (expected: 0-65536)");
    }

    @Test
    void fluentTuningSetsTheLimits() {
        ProxyConfig config = ProxyConfig.builder()
                .global(g -> g.http2(h -> h.maxConcurrentStreams(10).maxResetsPerWindow(50)))
                .defaults(d -> d.mode(Mode.HTTP))
                .frontend(
                        "main",
                        f -> f.bind("127.0.0.1:8080", b -> b.proto("h2")).defaultBackend("app"))
                .backend("app", b -> b.server("web1", "127.0.0.1:9000"))
                .build();

        assertThat(config.global().http2().maxConcurrentStreams()).isEqualTo(10);
        assertThat(config.global().http2().maxResetsPerWindow()).isEqualTo(50);
        assertThat(config.frontends()
                        .get("main")
                        .bindOptions(Address.parse("127.0.0.1:8080"))
                        .h2())
                .isTrue();
    }
}
