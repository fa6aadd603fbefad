package dev.fjord.lb.core.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.Acl;
import dev.fjord.lb.core.Address;
import dev.fjord.lb.core.Balance;
import dev.fjord.lb.core.Condition;
import dev.fjord.lb.core.ConfigException;
import dev.fjord.lb.core.ConnectionMode;
import dev.fjord.lb.core.Cookie;
import dev.fjord.lb.core.ForwardFor;
import dev.fjord.lb.core.HashType;
import dev.fjord.lb.core.HttpCheck;
import dev.fjord.lb.core.HttpRequestRule;
import dev.fjord.lb.core.LogTarget;
import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.PassiveCheck;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.RetryOn;
import dev.fjord.lb.core.ServerConfig;
import dev.fjord.lb.core.Settings;
import dev.fjord.lb.core.StickRule;
import dev.fjord.lb.core.StickTable;

class HaproxyImportTest {

    private static HaproxyImport parse(String text) {
        return HaproxyImport.parse(text, "haproxy.cfg", Map.of("WEB1", "10.0.0.11:80"));
    }

    @Test
    void everySupportedKeywordImportsIntoTheSameValuesAsTheFluentApi() {
        ProxyConfig imported = parse("""
                global
                    maxconn 2000
                    log 127.0.0.1:514 local0 info
                    spread-checks 5
                    stats socket /run/fjord.sock mode 600 level admin
                    nbthread 4
                defaults
                    mode http
                    retries 2
                    option redispatch
                    retry-on conn-failure 503
                    timeout connect 5s
                    timeout client 30s
                    timeout server 30000
                    option forwardfor except 10.0.0.0/8 header X-Client if-none
                    option http-keep-alive
                frontend www
                    bind :8080,:8081
                    maxconn 100
                    acl api path_beg -i /api
                    acl admin src 192.168.0.0/16
                    http-request deny deny_status 429 if api !admin
                    http-request redirect scheme https code 301 unless { hdr(x-forwarded-proto) https }
                    http-request set-header X-Via "fjord proxy"
                    http-request return status 200 content-type text/plain string "pong" if { path /ping }
                    use_backend api if api
                    default_backend app
                    stats enable
                    stats uri /haproxy?stats
                    stats realm Fjord\\ Stats
                    stats auth ops:s3cret
                    stats admin if admin
                backend api
                    balance leastconn
                    server api1 "${WEB1}" check weight 10 maxconn 50 maxqueue 100 observe layer7 error-limit 5 \\
                        on-error mark-down
                backend app
                    balance url_param user
                    hash-type consistent
                    cookie SRV insert indirect nocache httponly domain .example.com maxidle 30m
                    option httpchk GET /health HTTP/1.1
                    http-check send hdr Host app.example
                    http-check expect status 200-299
                    http-check disable-on-404
                    default-server inter 3s fall 2 rise 3 slowstart 1m
                    server web1 10.0.0.21:80 check cookie w1 port 8080 init-state fully-down
                    server web2 10.0.0.22:80 check cookie w2 backup on-marked-down shutdown-sessions
                    stick-table type ip size 200k expire 30m
                    stick on src
                    option allbackups
                """).builder().build();

        ProxyConfig built = ProxyConfig.builder()
                .global(g -> g.maxConn(2000)
                        .log(new LogTarget("127.0.0.1:514", "local0", "info"))
                        .spreadChecks(5)
                        .statsSocket("/run/fjord.sock"))
                .defaults(d -> d.mode(Mode.HTTP)
                        .retries(2)
                        .redispatch(true)
                        .retryOn(RetryOn.CONN_FAILURE, RetryOn.STATUS_503)
                        .timeoutConnect(Duration.ofSeconds(5))
                        .timeoutClient(Duration.ofSeconds(30))
                        .timeoutServer(Duration.ofSeconds(30))
                        .forwardFor(ForwardFor.except("10.0.0.0/8")
                                .header("X-Client")
                                .ifNone())
                        .connectionMode(ConnectionMode.KEEP_ALIVE))
                .frontend(
                        "www",
                        f -> f.bind(":8080")
                                .bind(":8081")
                                .maxConn(100)
                                .acl("api", Acl.pathBeg("/api").ignoreCase())
                                .acl("admin", Acl.src("192.168.0.0/16"))
                                .httpRequest(HttpRequestRule.deny(429).when("api !admin"))
                                .httpRequest(HttpRequestRule.redirectScheme("https", 301)
                                        .unless("{ hdr(x-forwarded-proto) https }"))
                                .httpRequest(HttpRequestRule.setHeader("X-Via", "fjord proxy"))
                                .httpRequest(HttpRequestRule.returnResponse(200, "text/plain", "pong")
                                        .when("{ path /ping }"))
                                .useBackend("api", "api")
                                .defaultBackend("app")
                                .stats(s -> s.uri("/haproxy?stats")
                                        .realm("Fjord Stats")
                                        .auth("ops", "s3cret")
                                        .admin(Condition.parse("if admin"))))
                .backend(
                        "api",
                        b -> b.balance(Balance.leastConn())
                                .server(
                                        "api1",
                                        "10.0.0.11:80",
                                        s -> s.check()
                                                .weight(10)
                                                .maxConn(50)
                                                .maxQueue(100)
                                                .observe(PassiveCheck.layer7()
                                                        .errorLimit(5)
                                                        .onError(PassiveCheck.OnError.MARK_DOWN))))
                .backend(
                        "app",
                        b -> b.balance(Balance.urlParam("user"))
                                .hashType(HashType.CONSISTENT)
                                .cookie(Cookie.insert("SRV")
                                        .indirect()
                                        .noCache()
                                        .httpOnly()
                                        .domain(".example.com")
                                        .maxIdle(Duration.ofMinutes(30)))
                                .httpCheck(HttpCheck.get("/health")
                                        .version("HTTP/1.1")
                                        .header("Host", "app.example")
                                        .expect(HttpCheck.Expect.status("200-299"))
                                        .disableOn404())
                                .defaultServer(s -> s.inter(Duration.ofSeconds(3))
                                        .fall(2)
                                        .rise(3)
                                        .slowStart(Duration.ofMinutes(1)))
                                .server(
                                        "web1",
                                        "10.0.0.21:80",
                                        s -> s.check()
                                                .cookie("w1")
                                                .checkPort(8080)
                                                .initState(ServerConfig.InitState.FULLY_DOWN))
                                .server(
                                        "web2",
                                        "10.0.0.22:80",
                                        s -> s.check().cookie("w2").backup().shutdownSessionsOnDown())
                                .stickTable(StickTable.ip(200 * 1024).expire(Duration.ofMinutes(30)))
                                .stick(StickRule.on("src"))
                                .allBackups())
                .build();

        assertThat(imported).isEqualTo(built);
    }

    @Test
    void listenSectionReadsFrontendAndBackendKeywordsIntoTheListenBuilder() {
        ProxyConfig imported = parse("""
                defaults
                    mode http
                listen web *:80
                    acl api path_beg /api
                    http-request set-header X-Via fjord
                    use_backend api if api
                    default_backend app
                    stats uri /stats
                    balance leastconn
                    cookie SRV insert
                    stick-table type ip size 1k
                    stick on src
                    option allbackups
                    default-server inter 3s
                    server web1 10.0.0.1:80 check cookie w1
                backend api
                    server api1 10.0.0.2:80
                backend app
                    server app1 10.0.0.3:80
                """).builder().build();

        ProxyConfig built = ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP))
                .listen(
                        "web",
                        l -> l.bind("*:80")
                                .acl("api", Acl.pathBeg("/api"))
                                .httpRequest(HttpRequestRule.setHeader("X-Via", "fjord"))
                                .useBackend("api", Condition.parse("if api"))
                                .defaultBackend("app")
                                .stats(s -> s.uri("/stats"))
                                .balance(Balance.leastConn())
                                .cookie(Cookie.insert("SRV"))
                                .stickTable(StickTable.ip(1024)) // no expire: entries stay until the table is full
                                .stick(StickRule.on("src"))
                                .allBackups()
                                .defaultServer(s -> s.inter(Duration.ofSeconds(3)))
                                .server("web1", "10.0.0.1:80", s -> s.check().cookie("w1")))
                .backend("api", b -> b.server("api1", "10.0.0.2:80"))
                .backend("app", b -> b.server("app1", "10.0.0.3:80"))
                .build();

        assertThat(imported).isEqualTo(built);
        assertThat(imported.frontend("web").defaultBackend()).isEqualTo("app");
    }

    @Test
    void processLevelDirectivesAreReportedAsIgnored() {
        HaproxyImport imported = parse("""
                global
                    chroot /var/lib/haproxy
                    user haproxy
                    daemon
                    tune.bufsize 32768
                defaults
                    mode http
                    contimeout 5000
                """);

        assertThat(imported.report().ignored())
                .containsExactly(
                        "haproxy.cfg:2: chroot /var/lib/haproxy",
                        "haproxy.cfg:3: user haproxy",
                        "haproxy.cfg:4: daemon",
                        "haproxy.cfg:5: tune.bufsize 32768");
        assertThat(imported.report().warnings())
                .containsExactly("haproxy.cfg:8: contimeout is obsolete; read as timeout connect");
        assertThat(imported.builder().build().defaults().timeouts().connect()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void unknownKeywordNamesFileLineKeywordAndSection() {
        assertThatThrownBy(() -> parse("""
                backend app
                    balanse roundrobin
                """))
                .hasMessage("haproxy.cfg:2: unknown keyword 'balanse' in backend 'app' "
                        + "(see the README's table of supported keywords)");
        assertThatThrownBy(() -> parse("""
                defaults
                    option logasap
                """))
                .hasMessage("haproxy.cfg:2: 'option logasap' in defaults is not supported yet "
                        + "(see the README's table of supported keywords)");
    }

    @Test
    void logLinesOfASectionAddToWhatTheDefaultsGive() {
        ProxyConfig config = parse("""
                global
                    log 127.0.0.1 local2
                defaults
                    mode http
                    log global
                    log 10.0.0.5:1514 local0
                frontend main
                    bind :80
                    log stdout local1 notice
                    default_backend app
                backend app
                    server web1 10.0.0.1:80
                """).builder().build();

        Settings main = config.frontends().get("main").settings();
        assertThat(main.logGlobal()).isTrue();
        assertThat(main.logTargets())
                .containsExactly(LogTarget.of("10.0.0.5:1514", "local0"), new LogTarget("stdout", "local1", "notice"));
        assertThatThrownBy(() -> parse("""
                frontend main
                    log 10.0.0.5
                """))
                .hasMessage("haproxy.cfg:2: 'log' in frontend 'main': '10.0.0.5': missing facility (expected: log "
                        + "ADDRESS [len LENGTH] [format FORMAT] FACILITY [LEVEL [MINLEVEL]], or log global)");
    }

    @Test
    void badTimeUnitNamesTheKeyword() {
        assertThatThrownBy(() -> parse("""
                defaults
                    timeout connect 10x
                """))
                .hasMessage("haproxy.cfg:2: 'timeout connect' in defaults: '10x' "
                        + "(expected: a time such as 100ms, 10s or 1m)");
    }

    @Test
    void backendUsedButNotDefined() {
        assertThatThrownBy(() -> parse("""
                frontend main
                    bind :80
                    default_backend apps
                backend app
                    server web1 10.0.0.1:80
                """))
                .hasMessage("haproxy.cfg:3: 'default_backend' in frontend 'main': backend 'apps' is not defined "
                        + "(defined: [app])");
    }

    @Test
    void serverWithoutAddress() {
        assertThatThrownBy(() -> parse("""
                backend app
                    server web1 check
                """))
                .hasMessage("haproxy.cfg:2: 'server' in backend 'app': server 'web1' has no address "
                        + "(expected: server NAME ADDRESS [options])");
    }

    @Test
    void invalidValuesKeepTheBuilderMessageBehindTheLine() {
        assertThatThrownBy(() -> parse("""
                backend app
                    server web1 10.0.0.1:80 weight 300
                """))
                .hasMessage(
                        "haproxy.cfg:2: 'server' in backend 'app': server 'web1': weight 300 " + "(expected: 0-256)");
        assertThatThrownBy(() -> parse("""
                userlist admins
                """))
                .hasMessage("haproxy.cfg:1: section 'userlist' is not supported "
                        + "(expected: global, defaults, frontend, backend or listen)");
        assertThatThrownBy(() -> parse("""
                frontend main
                    bind :443 ssl crt /etc/ssl/site.pem
                """))
                .hasMessage("haproxy.cfg:2: 'bind' in frontend 'main': bind option 'ssl' is not supported yet "
                        + "(supported: accept-proxy, proto)");
        assertThatThrownBy(() -> HaproxyImport.parse("backend app\n    server web1 \"${NOPE}\"\n", "x.cfg", Map.of()))
                .hasMessage("x.cfg:2: environment variable 'NOPE' is not set");
    }

    @Test
    void sectionsCanBeChangedBeforeBuilding() {
        ProxyConfig config = parse("""
                frontend main *:80
                    default_backend app
                backend app
                    server web1 192.168.10.11:80
                """)
                .builder()
                .editFrontend("main", f -> f.clearBinds().bind("127.0.0.1:0"))
                .editBackend("app", b -> b.editServer("web1", s -> s.address("127.0.0.1:9000")))
                .build();

        assertThat(config.frontend("main").binds()).containsExactly(Address.parse("127.0.0.1:0"));
        assertThat(config.backend("app").server("web1").address()).isEqualTo(Address.parse("127.0.0.1:9000"));
    }

    @Test
    void everyErrorOfAFileIsReportedAtOnceWithItsLine() {
        assertThatThrownBy(() -> parse("""
                global
                    maxconn lots
                defaults
                    mode http
                    timeout connect 5parsecs
                frontend main
                    bind :80
                    balanse roundrobin
                    use_backend apps if { path_beg /api }
                    default_backend app
                userlist admins
                    user admin insecure-password x
                backend app
                    server web1 127.0.0.1:80 weight 300
                """))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.errors())
                                .containsExactly(
                                        "haproxy.cfg:2: 'maxconn' in global: 'lots' (expected: a whole number)",
                                        "haproxy.cfg:5: 'timeout connect' in defaults: '5parsecs' (expected: a time "
                                                + "such as 100ms, 10s or 1m)",
                                        "haproxy.cfg:8: unknown keyword 'balanse' in frontend 'main' (see the "
                                                + "README's table of "
                                                + "supported keywords)",
                                        "haproxy.cfg:9: 'use_backend' in frontend 'main': backend 'apps' is not "
                                                + "defined (defined: [app])",
                                        "haproxy.cfg:11: section 'userlist' is not supported (expected: global, "
                                                + "defaults, frontend, "
                                                + "backend or listen)",
                                        "haproxy.cfg:14: 'server' in backend 'app': server 'web1': weight 300 "
                                                + "(expected: 0-256)"));
    }
}
