package dev.fjord.lb.core.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.ConfigException;
import dev.fjord.lb.core.CustomLogFormat;
import dev.fjord.lb.core.HttpRequestRule;
import dev.fjord.lb.core.LogTarget;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.RequestHead;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.Settings;
import dev.fjord.lb.core.StatsConfig;

/** The logging, stats-page and small keywords of issue 17, as the import reads them. */
class LoggingKeywordsTest {
    private static ProxyConfig config(String text) {
        return HaproxyImport.parse(text, "haproxy.cfg", Map.of()).builder().build();
    }

    @Test
    void logLinesTakeLengthFormatFacilityLevelAndMinimumLevel() {
        ProxyConfig config = config("""
                global
                    log stdout format raw local0
                    log 127.0.0.1:514 len 4096 format rfc5424 local1 notice err
                defaults
                    mode http
                frontend main
                    bind :80
                """);

        assertThat(config.global().logs())
                .containsExactly(
                        LogTarget.of("stdout", "local0").withFormat(LogTarget.Format.RAW),
                        new LogTarget("127.0.0.1:514", "local1", "notice")
                                .withFormat(LogTarget.Format.RFC5424)
                                .withMaxLength(4096)
                                .withMinLevel("err"));
        assertThatThrownBy(() -> config("""
                global
                    log stdout format json local0
                """))
                .hasMessageContaining("haproxy.cfg:2: 'log' in global: log: format 'json' (expected: local, rfc3164, "
                        + "rfc5424, priority, short, timed, iso or raw)");
        assertThatThrownBy(() -> config("""
                global
                    log 127.0.0.1 sample 1:2 local0
                """))
                .hasMessage("haproxy.cfg:2: 'log' in global: log option 'sample' is not supported yet");
    }

    @Test
    void noLogForgetsWhatTheDefaultsGaveAndTheLoggingOptionsAreRead() {
        ProxyConfig config = config("""
                defaults
                    mode http
                    log global
                    log 10.0.0.5 local0
                    option dontlog-normal
                    option log-separate-errors
                    option log-health-checks
                    log-format "%ci [%tr] %ST %{+Q}r"
                frontend quiet
                    bind :80
                    no log
                    default_backend app
                frontend clf
                    bind :81
                    option httplog clf
                    default_backend app
                backend app
                    server web1 10.0.0.1:80
                """);

        Settings quiet = config.frontends().get("quiet").settings();
        assertThat(quiet.logGlobal()).isFalse();
        assertThat(quiet.logTargets()).isEmpty();
        assertThat(quiet.logOptions().dontLogNormal()).isTrue();
        assertThat(quiet.logOptions().logSeparateErrors()).isTrue();
        assertThat(quiet.logOptions().customFormat()).isEqualTo("%ci [%tr] %ST %{+Q}r");
        assertThat(config.frontends().get("clf").settings().logOptions().customFormat())
                .isEqualTo(CustomLogFormat.HTTP_CLF);
        assertThat(config.backends().get("app").settings().logOptions().logHealthChecks())
                .isTrue();
        assertThatThrownBy(() -> config("""
                frontend main
                    bind :80
                    log-format "%ci %[req.body] %ST"
                """))
                .hasMessageStartingWith("haproxy.cfg:3: 'log-format' in frontend 'main': log-format: sample "
                        + "'req.body': fetch 'req.body' is not supported yet (expected: src, src_port,");
        assertThatThrownBy(() -> config("""
                backend app
                    unique-id-format %[uuid()]
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessage("haproxy.cfg:2: 'unique-id-format' in backend 'app': not allowed in a backend (allowed in: "
                        + "defaults, frontend, listen)");
        assertThatThrownBy(() -> config("""
                backend app
                    option dontlog-normal
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "haproxy.cfg:2: 'option dontlog-normal' in backend 'app': not allowed in a backend");
    }

    @Test
    void setLogLevelAndUseServiceAreRequestRules() {
        ProxyConfig config = config("""
                defaults
                    mode http
                frontend main
                    bind :80
                    http-request set-log-level silent if { path /health }
                    http-request use-service prometheus-exporter if { path /metrics }
                    default_backend app
                backend app
                    server web1 10.0.0.1:80
                """);

        assertThat(config.frontends().get("main").httpRequestRules())
                .element(0)
                .isInstanceOf(HttpRequestRule.SetLogLevel.class);
        Router router = Router.of(config);
        assertThat(router.route(RequestHead.get("/metrics")).toString()).isEqualTo("SERVICE prometheus-exporter");
        assertThat(router.logLevel(router.route(RequestHead.get("/health")))).isEqualTo("silent");
        assertThat(router.logLevel(router.route(RequestHead.get("/")))).isNull();
        assertThat(router.route(RequestHead.get("/health")).asForward().server().name())
                .isEqualTo("web1");
        assertThatThrownBy(() -> config("""
                frontend main
                    bind :80
                    http-request use-service lua.hello
                """))
                .hasMessageContaining("use-service 'lua.hello' is not supported yet (expected: prometheus-exporter)");
    }

    @Test
    void statsPageOptionsAreRead() {
        StatsConfig stats = config("""
                defaults
                    mode http
                listen stats
                    bind :8404
                    stats enable
                    stats uri /stats
                    stats scope app
                    stats scope .
                    stats show-node lb1
                    stats show-desc Primary load balancer
                    stats show-legends
                    stats realm Fjord
                    stats refresh 10s
                    stats hide-version
                """).frontends().get("stats").stats();

        assertThat(stats).isNotNull();
        assertThat(stats.scope()).containsExactly("app", ".");
        assertThat(stats.inScope("app", "stats")).isTrue();
        assertThat(stats.inScope("stats", "stats")).isTrue();
        assertThat(stats.inScope("other", "stats")).isFalse();
        assertThat(stats.node()).isEqualTo("lb1");
        assertThat(stats.description()).isEqualTo("Primary load balancer");
        assertThat(stats.showLegends()).isTrue();
        assertThat(stats.realm()).isEqualTo("Fjord");
        assertThat(stats.hideVersion()).isTrue();
    }

    @Test
    void unconditionalUseBackendPortlessServersAndAllbackupsInDefaults() {
        ProxyConfig config = config("""
                defaults
                    mode http
                    option allbackups
                frontend main
                    bind :80
                    use_backend blue if { path_beg /beta }
                    use_backend green
                    default_backend blue
                backend blue
                    server b1 10.0.0.1
                    server b2 10.0.0.2 backup
                backend green
                    option httpclose
                    server g1 10.0.0.3:8080
                """);

        Router router = Router.of(config);
        assertThat(router.route(RequestHead.get("/beta/x")).backend().name()).isEqualTo("blue");
        assertThat(router.route(RequestHead.get("/")).backend().name()).isEqualTo("green");
        assertThat(config.backends().get("blue").allBackups()).isTrue();
        assertThat(config.backends().get("blue").server("b1").address().port()).isZero();
        assertThat(config.backends().get("blue").server("b1").addressFor(8443).toString())
                .isEqualTo("10.0.0.1:8443");
        assertThat(config.backends().get("green").server("g1").addressFor(8443).port())
                .isEqualTo(8080);
        assertThatThrownBy(() -> config("""
                backend app
                    server web1 10.0.0.1 check
                """))
                .hasMessageContaining(
                        "server 'web1': check: the server has no port, so its checks need one " + "(expected: port N)");
        assertThatThrownBy(() -> config("""
                frontend main
                    bind :80
                    option allbackups
                """))
                .hasMessageContaining(
                        "haproxy.cfg:3: 'option allbackups' in frontend 'main': not allowed in a frontend");
    }
}
