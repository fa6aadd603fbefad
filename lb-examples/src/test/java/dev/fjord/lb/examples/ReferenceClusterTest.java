package dev.fjord.lb.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.Address;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.Router;

class ReferenceClusterTest {

    @Test
    void builderKeepsTheFilesAddresses() {
        ProxyConfig config = ReferenceCluster.builder().build();

        assertThat(config.frontend("main").binds()).containsExactly(Address.parse("*:80"));
        assertThat(config.frontend("stats").binds()).containsExactly(Address.parse("*:1936"));
        assertThat(config.backend("app").server("web1").address()).isEqualTo(Address.parse("192.168.10.11:80"));
    }

    @Test
    void atMovesEveryAddress() {
        ProxyConfig config = ReferenceCluster.at("127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:9001", "127.0.0.1:9002");

        assertThat(config.frontend("main").binds()).containsExactly(Address.parse("127.0.0.1:0"));
        assertThat(config.frontend("stats").binds()).containsExactly(Address.parse("127.0.0.1:0"));
        assertThat(config.backend("app").server("web2").address()).isEqualTo(Address.parse("127.0.0.1:9002"));
        assertThat(config.backend("app"))
                .isEqualTo(ReferenceCluster.builder()
                        .editBackend(
                                "app",
                                b -> b.editServer("web1", s -> s.address("127.0.0.1:9001"))
                                        .editServer("web2", s -> s.address("127.0.0.1:9002")))
                        .build()
                        .backend("app"));
    }

    @Test
    void routingTableShowsRoundRobinStickinessAndMaint() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Router router =
                Router.of(ReferenceCluster.at("127.0.0.1:8080", "127.0.0.1:1936", "127.0.0.1:8081", "127.0.0.1:8082"));

        Main.printRoutingTable(router, new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(bytes.toString(StandardCharsets.UTF_8)
                        .lines()
                        .map(String::strip)
                        .toList())
                .anyMatch(l -> l.startsWith("GET / :8080") && l.contains("app/web1 set-cookie SERVERID=s1; path=/"))
                .anyMatch(l -> l.startsWith("GET /IMAGES/logo.PNG") && l.endsWith("acls [url_static]"))
                .anyMatch(l -> l.startsWith("GET / :1936") && l.contains("RESPOND 401"))
                .last()
                .asString()
                .contains("app/web1 set-cookie SERVERID=s1");
    }
}
