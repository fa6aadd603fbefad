package dev.fjord.lb.core.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.Address;
import dev.fjord.lb.core.Balance;
import dev.fjord.lb.core.BindSocket;
import dev.fjord.lb.core.ProxyConfig;

/**
 * What HAProxy's own example and test configurations write and Fjord refused until 2026-11-29: IPv6 addresses without
 * brackets, address family prefixes, the socket options of a bind and those that change nothing, {@code balance}
 * alone, {@code pathq}, check comments.
 */
class StrangerConfigsTest {
    private static ProxyConfig imported(String text) {
        HaproxyImport.Checked checked = HaproxyImport.check(text, "haproxy.cfg", Map.of());
        assertThat(checked.errors()).isEmpty();
        return checked.imported().builder().build();
    }

    @Test
    void ipv6AddressesWithoutBracketsTakeThePortAfterTheLastColon() {
        assertThat(Address.parse(":::80")).isEqualTo(new Address("::", 80));
        assertThat(Address.parse("2001:db8::1:443")).isEqualTo(new Address("2001:db8::1", 443));
        assertThat(Address.parse("::ffff:127.0.0.1:8080")).isEqualTo(new Address("::ffff:127.0.0.1", 8080));
        assertThat(Address.parse("[::1]:80")).isEqualTo(new Address("::1", 80));
        assertThat(Address.parse("ipv4@*:80")).isEqualTo(new Address("*", 80));
        assertThat(Address.parse("ipv4@10.0.0.1:80")).isEqualTo(new Address("10.0.0.1", 80));
        assertThat(Address.parse("ipv6@:80")).isEqualTo(new Address("::", 80));
        assertThat(Address.parse("ipv6@::1:80")).isEqualTo(new Address("::1", 80));
        assertThat(new Address("::", 80)).hasToString("[::]:80");

        assertThatThrownBy(() -> Address.parse("db8:zz::1:80"))
                .hasMessage("address 'db8:zz::1:80': host 'db8:zz::1' is no IPv6 address (expected: an IPv6 address, "
                        + "its port after the last ':')");
        assertThatThrownBy(() -> Address.parse("mptcp@[::]:5000"))
                .hasMessage("address 'mptcp@[::]:5000': prefix 'mptcp@' is not supported (expected: ipv4@, ipv6@ or "
                        + "none)");
        assertThatThrownBy(() -> Address.parse(":::"))
                .hasMessage("address ':::' (expected: host:port, [ipv6]:port, *:port or :port)");
        assertThatThrownBy(() -> Address.parse("::1:99999"))
                .hasMessage("address '::1:99999': port 99999 (expected: 0-65535)");
    }

    @Test
    void bindsTakeTheirSocketOptionsAndReportThoseThatChangeNothing() {
        HaproxyImport.Checked checked = HaproxyImport.check("""
                frontend main
                    bind :::8080 v4v6 name web id 3 process 1 thread 1-2 nice 10
                    bind 127.0.0.1:8081 v6only defer-accept tfo transparent tcp-ut 20s backlog 100
                    bind 127.0.0.1:8082
                """, "haproxy.cfg", Map.of());

        assertThat(checked.errors()).isEmpty();
        ProxyConfig config = checked.imported().builder().build();
        var frontend = config.frontends().get("main");
        assertThat(frontend.binds())
                .containsExactly(
                        new Address("::", 8080), new Address("127.0.0.1", 8081), new Address("127.0.0.1", 8082));
        assertThat(frontend.bindOptions(new Address("::", 8080)).socket())
                .isEqualTo(new BindSocket(0, true, false, false, false, false, null));
        assertThat(frontend.bindOptions(new Address("127.0.0.1", 8081)).socket())
                .isEqualTo(new BindSocket(100, false, true, true, true, true, Duration.ofSeconds(20)));
        assertThat(frontend.bindOptions(new Address("127.0.0.1", 8082)).socket())
                .isEqualTo(BindSocket.DEFAULT);
        assertThat(checked.report().warnings())
                .containsExactly("haproxy.cfg:2: bind options [name web, id 3, process 1, thread 1-2, nice 10] "
                        + "ignored (nothing in Fjord reads them)");
    }

    @Test
    void badBindOptionsNameTheLineAndTheValue() {
        HaproxyImport.Checked checked = HaproxyImport.check("""
                frontend main
                    bind :8080 backlog 0
                    bind :8081 tcp-ut soon
                    bind :8082 name
                    bind :8083 interface eth0
                    bind :8084 ecdhe secp384r1
                """, "haproxy.cfg", Map.of());

        assertThat(checked.errors()).hasSize(5);
        assertThat(checked.errors().get(0))
                .startsWith("haproxy.cfg:2: 'bind' in frontend 'main': ")
                .contains("backlog 0 (expected: 1-1000000)");
        assertThat(checked.errors().get(1))
                .startsWith("haproxy.cfg:3: 'bind' in frontend 'main': ")
                .contains("'soon'");
        assertThat(checked.errors().get(2)).isEqualTo("haproxy.cfg:4: 'bind' in frontend 'main': 'name' needs a value");
        assertThat(checked.errors().get(3))
                .startsWith("haproxy.cfg:5: 'bind' in frontend 'main': bind option 'interface' is not supported yet");
        assertThat(checked.errors().get(4))
                .isEqualTo("haproxy.cfg:6: 'bind' in frontend 'main': TLS options without 'ssl' (expected: bind "
                        + "ADDRESS ssl crt FILE ...)");
    }

    @Test
    void aPortRangeBindsEachPort() {
        ProxyConfig config = imported("""
                frontend main
                    bind 127.0.0.1:8000-8002,:::9000-9001 defer-accept
                listen old 127.0.0.2:7000-7001
                    server s1 127.0.0.1:80
                """);

        var main = config.frontends().get("main");
        assertThat(main.binds())
                .containsExactly(
                        new Address("127.0.0.1", 8000),
                        new Address("127.0.0.1", 8001),
                        new Address("127.0.0.1", 8002),
                        new Address("::", 9000),
                        new Address("::", 9001));
        assertThat(main.bindOptions(new Address("::", 9001)).socket().deferAccept())
                .isTrue();
        assertThat(config.frontends().get("old").binds())
                .containsExactly(new Address("127.0.0.2", 7000), new Address("127.0.0.2", 7001));

        HaproxyImport.Checked checked = HaproxyImport.check("""
                frontend a
                    bind :8010-8000
                frontend b
                    bind :0-11
                frontend c
                    bind :65016-
                frontend d :7000-99999
                """, "haproxy.cfg", Map.of());
        assertThat(checked.errors())
                .containsExactly(
                        "haproxy.cfg:2: 'bind' in frontend 'a': bind address ':8010-8000': port range 8010-8000 "
                                + "(expected: LOW-HIGH, LOW not above HIGH)",
                        "haproxy.cfg:4: 'bind' in frontend 'b': bind address ':0-11': port range end 0 (expected: "
                                + "LOW-HIGH, each 1-65535)",
                        "haproxy.cfg:6: 'bind' in frontend 'c': bind address ':65016-': port range end '' (expected: "
                                + "LOW-HIGH, each 1-65535)",
                        "haproxy.cfg:7: 'frontend' in frontend 'd': bind address ':7000-99999': port range end "
                                + "99999 (expected: LOW-HIGH, each 1-65535)");
    }

    @Test
    void dstIsTheAddressTheClientConnectedTo() {
        dev.fjord.lb.core.Router router = dev.fjord.lb.core.Router.of(imported("""
                defaults
                    mode http
                frontend main
                    bind :80
                    acl internal dst 10.0.0.0/8
                    http-request set-header X-Dst %[dst]:%[dst_port]
                    use_backend inside if internal
                    default_backend outside
                backend inside
                    server s1 127.0.0.1:8001
                backend outside
                    server s2 127.0.0.1:8002
                """));

        var inside = router.route(dev.fjord.lb.core.RequestHead.builder()
                        .uri("/")
                        .localAddress("10.1.2.3")
                        .localPort(80)
                        .build())
                .asForward();
        assertThat(inside.backend().name()).isEqualTo("inside");
        assertThat(inside.forwardedRequest().header("X-Dst")).isEqualTo("10.1.2.3:80");
        var outside = router.route(dev.fjord.lb.core.RequestHead.builder()
                        .uri("/")
                        .localAddress("192.0.2.1")
                        .localPort(80)
                        .build())
                .asForward();
        assertThat(outside.backend().name()).isEqualTo("outside");
    }

    @Test
    void balanceAloneIsRoundRobinAsInHaproxy() {
        ProxyConfig config = imported("""
                backend app
                    balance
                    server web1 127.0.0.1:8081
                """);

        assertThat(config.backends().get("app").settings().balance()).isEqualTo(Balance.roundRobin());
    }

    @Test
    void sendNameHeaderIsInheritedFromDefaultsAndRefusesFramingFields() {
        ProxyConfig config = imported("""
                defaults
                    mode http
                    http-send-name-header X-Server
                backend app
                    server web1 127.0.0.1:8081
                backend other
                    http-send-name-header X-Served-By
                    server web2 127.0.0.1:8082
                """);
        assertThat(config.backends().get("app").settings().sendNameHeader()).isEqualTo("X-Server");
        assertThat(config.backends().get("other").settings().sendNameHeader()).isEqualTo("X-Served-By");

        HaproxyImport.Checked checked = HaproxyImport.check("""
                backend app
                    http-send-name-header Content-Length
                    http-send-name-header
                """, "haproxy.cfg", Map.of());
        assertThat(checked.errors())
                .containsExactly(
                        "haproxy.cfg:2: 'http-send-name-header' in backend 'app': http-send-name-header "
                                + "'Content-Length' (expected: a header other than Host, Content-Length, "
                                + "Transfer-Encoding and Connection)",
                        "haproxy.cfg:3: 'http-send-name-header' in backend 'app': http-send-name-header '' "
                                + "(expected: a header name)");
    }

    @Test
    void protocolChecksAreTcpCheckScriptsAndTheirArgumentsAreChecked() {
        ProxyConfig config = imported("""
                backend mail
                    option smtpchk EHLO lb.example.com
                    server m1 127.0.0.1:25 check
                backend db
                    option mysql-check user haproxy post-80
                    server d1 127.0.0.1:3306 check
                backend pg
                    option pgsql-check user monitor
                    server p1 127.0.0.1:5432 check
                backend tls
                    option ssl-hello-chk
                    server t1 127.0.0.1:443 check
                """);
        assertThat(config.backends().get("mail").settings().tcpCheck())
                .isEqualTo(dev.fjord.lb.core.ProtocolChecks.smtp("EHLO lb.example.com"));
        assertThat(config.backends().get("db").settings().tcpCheck())
                .isEqualTo(dev.fjord.lb.core.ProtocolChecks.mysql(
                        "haproxy", dev.fjord.lb.core.ProtocolChecks.MysqlLogin.POST_80));
        assertThat(config.backends().get("pg").settings().tcpCheck())
                .isEqualTo(dev.fjord.lb.core.ProtocolChecks.pgsql("monitor"));
        assertThat(config.backends().get("tls").settings().tcpCheck())
                .isEqualTo(dev.fjord.lb.core.ProtocolChecks.sslHello());

        HaproxyImport.Checked checked = HaproxyImport.check("""
                backend a
                    option mysql-check login haproxy
                backend b
                    option mysql-check user haproxy post-99
                backend c
                    option pgsql-check
                backend d
                    option smtpchk HELO
                """, "haproxy.cfg", Map.of());
        assertThat(checked.errors())
                .containsExactly(
                        "haproxy.cfg:2: 'option mysql-check' in backend 'a': 'login' (expected: option mysql-check "
                                + "[user NAME [post-41|pre-41|post-80]])",
                        "haproxy.cfg:4: 'option mysql-check' in backend 'b': 'post-99' (expected: post-41, pre-41 or "
                                + "post-80)",
                        "haproxy.cfg:6: 'option pgsql-check' in backend 'c': expected: option pgsql-check user NAME",
                        "haproxy.cfg:8: 'option smtpchk' in backend 'd': 'HELO' needs a domain (expected: option "
                                + "smtpchk [HELO|EHLO DOMAIN])");
    }

    @Test
    void mysqlPacketsAreCountedWholeAndAnErrorPacketFails() {
        var greetingThenOk = new dev.fjord.lb.core.TcpCheck.MysqlPackets(2);
        String greeting = "\u0003\u0000\u0000\u0000\n8\u0000";
        String ok = "\u0002\u0000\u0000\u0002\u0000\u0000";
        assertThat(greetingThenOk.judge("\u0003\u0000")).isZero();
        assertThat(greetingThenOk.judge(greeting)).isZero(); // the second packet has not come
        assertThat(greetingThenOk.judge(greeting + ok.substring(0, 5))).isZero(); // nor all of it
        assertThat(greetingThenOk.judge(greeting + ok)).isOne();
        assertThat(greetingThenOk.judge(greeting + "\u0003\u0000\u0000\u0002\u00ff\u0015\u0004"))
                .isEqualTo(-1);
        assertThat(new dev.fjord.lb.core.TcpCheck.MysqlPackets(1).judge("\u0002\u0000\u0000\u0000\u00ff\u006a"))
                .isEqualTo(-1);
    }

    @Test
    void checkCommentsAreAccepted() {
        ProxyConfig config = imported("""
                backend app
                    option httpchk
                    http-check comment "the home page answers"
                    http-check send meth GET uri /
                    http-check expect status 200
                    server web1 127.0.0.1:8081 check
                backend redis
                    option tcp-check
                    tcp-check comment PING
                    tcp-check send PING\\r\\n
                    tcp-check expect string +PONG
                    server r1 127.0.0.1:6379 check
                """);

        assertThat(config.backends().get("app").settings().httpCheck().uri()).isEqualTo("/");
        assertThat(config.backends().get("redis").settings().tcpCheck().steps()).hasSize(2);
    }
}
