package dev.fjord.lb.core.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.Address;
import dev.fjord.lb.core.BackendConfig;
import dev.fjord.lb.core.ConfigException;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.ResolversConfig;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.ServerTemplate;

/** {@code resolvers} sections and {@code server-template} lines, imported and built, as HAProxy 2.x reads them. */
class DiscoveryImportTest {
    private static final String CFG = """
            resolvers dns
                nameserver local 127.0.0.1:8600
                resolve_retries 2
                timeout resolve 500ms
                timeout retry 200ms
                hold valid 5s
                hold nx 3s
                hold obsolete 1s
                hold timeout 7s
                hold refused 8s
                hold other 9s
                accepted_payload_size 8192

            defaults
                mode http

            frontend main
                bind 127.0.0.1:8080
                default_backend app

            backend app
                balance roundrobin
                server-template web 1-5 _http._tcp.app.test resolvers dns check inter 1s maxconn 30
                server-template api 3 api.app.test:9000 resolvers dns resolve-prefer ipv6 init-addr none
            """;

    @Test
    void aResolversSectionAndServerTemplatesImportWithTheirValues() {
        ProxyConfig config =
                HaproxyImport.parse(CFG, "haproxy.cfg", Map.of()).builder().build();

        ResolversConfig dns = config.resolvers().get("dns");
        assertThat(dns.nameservers()).containsExactly(Address.parse("127.0.0.1:8600"));
        assertThat(dns.resolveRetries()).isEqualTo(2);
        assertThat(dns.timeoutResolve()).isEqualTo(Duration.ofMillis(500));
        assertThat(dns.timeoutRetry()).isEqualTo(Duration.ofMillis(200));
        assertThat(dns.holdValid()).isEqualTo(Duration.ofSeconds(5));
        assertThat(dns.holdNx()).isEqualTo(Duration.ofSeconds(3));
        assertThat(dns.holdObsolete()).isEqualTo(Duration.ofSeconds(1));
        assertThat(dns.holdTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(dns.holdRefused()).isEqualTo(Duration.ofSeconds(8));
        assertThat(dns.holdOther()).isEqualTo(Duration.ofSeconds(9));
        assertThat(dns.acceptedPayloadSize()).isEqualTo(8192);

        BackendConfig app = config.backend("app");
        assertThat(app.servers()).isEmpty();
        ServerTemplate web = app.serverTemplates().get(0);
        assertThat(web.prefix()).isEqualTo("web");
        assertThat(web.count()).isEqualTo(5);
        assertThat(web.srv()).isTrue();
        assertThat(web.fqdn()).isEqualTo("_http._tcp.app.test");
        assertThat(web.prototype().check()).isTrue();
        assertThat(web.prototype().inter()).isEqualTo(Duration.ofSeconds(1));
        assertThat(web.prototype().maxConn()).isEqualTo(30);
        ServerTemplate api = app.serverTemplates().get(1);
        assertThat(api.srv()).isFalse();
        assertThat(api.port()).isEqualTo(9000);
        assertThat(api.preferIpv6()).isTrue();
    }

    @Test
    void aNamedServerWithResolversIsOneServerDnsKeepsUpToDateAndAnIpAddressIsJustAServer() {
        ProxyConfig config = HaproxyImport.parse(
                        CFG.replace(
                                "    server-template api",
                                "    server db db.app.test:5432 resolvers dns init-addr last,libc,none check\n"
                                        + "    server fixed 10.0.0.9:80 resolvers dns\n"
                                        + "    server-template api"),
                        "haproxy.cfg",
                        Map.of())
                .builder()
                .build();

        BackendConfig app = config.backend("app");
        assertThat(app.servers()).extracting(s -> s.name()).containsExactly("fixed");
        ServerTemplate db = app.serverTemplates().get(1);
        assertThat(db.named()).isTrue();
        assertThat(db.serverName(1)).isEqualTo("db");
        assertThat(db.fqdn()).isEqualTo("db.app.test");
        assertThat(db.port()).isEqualTo(5432);
        assertThat(db.prototype().check()).isTrue();
        assertThat(db.initAddr()).containsExactly("last", "libc", "none");
        assertThat(app.serverTemplates().get(0).initAddr())
                .as("templates start without an address")
                .isEmpty();
    }

    @Test
    void aNamedServerWithoutInitAddrTakesHaproxysLastLibcAndABadOneNamesItsLine() {
        ProxyConfig config = HaproxyImport.parse(
                        CFG.replace(
                                "    server-template api",
                                "    server db db.app.test:5432 resolvers dns\n" + "    server-template api"),
                        "haproxy.cfg",
                        Map.of())
                .builder()
                .build();
        assertThat(config.backend("app").serverTemplates().get(1).initAddr()).containsExactly("last", "libc");

        assertThatThrownBy(() -> HaproxyImport.parse(
                        CFG.replace(
                                "    server-template api",
                                "    server db db.app.test:5432 resolvers dns"
                                        + " init-addr libc,dns\n    server-template api"),
                        "haproxy.cfg",
                        Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("haproxy.cfg:24:")
                .hasMessageContaining("server 'db': init-addr 'libc,dns' (expected: last, libc, none or IP addresses,"
                        + " separated by commas)");
    }

    @Test
    void mistakesNameTheLineTheTemplateAndWhatWasExpected() {
        assertThatThrownBy(() -> HaproxyImport.parse(
                                CFG.replace("resolvers dns check", "resolvers nodns check"), "haproxy.cfg", Map.of())
                        .builder()
                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "backend 'app': server-template 'web': resolvers 'nodns' is not defined " + "(defined: [dns])");
        assertThatThrownBy(() ->
                        HaproxyImport.parse(CFG.replace("api.app.test:9000", "api.app.test"), "haproxy.cfg", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("haproxy.cfg:24:")
                .hasMessageContaining("(expected: _service._proto.name for SRV records, or name:port for A records)");
        assertThatThrownBy(() -> HaproxyImport.parse(
                        CFG.replace("timeout retry 200ms", "timeout query 200ms"), "haproxy.cfg", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("haproxy.cfg:5:")
                .hasMessageContaining("timeout 'query' (expected: resolve or retry)");
        assertThatThrownBy(() -> ProxyConfig.builder().resolvers("empty", r -> {}))
                .isInstanceOf(ConfigException.class)
                .hasMessage("resolvers 'empty': no nameserver (expected: at least one 'nameserver NAME ADDR:PORT', "
                        + "or 'parse-resolv-conf')");
    }

    @Test
    void serversFoundByDnsStayThroughAReconfigurationThatKeepsTheirTemplate() {
        ProxyConfig config =
                HaproxyImport.parse(CFG, "haproxy.cfg", Map.of()).builder().build();
        Router router = Router.of(config);
        router.backend("app").addServer("web1", "127.0.0.1:8081", s -> {});
        router.backend("app").addServer("extra", "127.0.0.1:8082", s -> {});

        router.reconfigure(
                HaproxyImport.parse(CFG.replace("balance roundrobin", "balance leastconn"), "haproxy.cfg", Map.of())
                        .builder()
                        .build());

        // the backend changed: web1 fills a slot of server-template web, so DNS, not the reload, takes it away; 'extra'
        // was added by hand and leaves as the new config does not have it
        assertThat(router.backend("app").servers()).extracting(s -> s.name()).containsExactly("web1");
    }
}
