package dev.fjord.lb.core.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.Address;
import dev.fjord.lb.core.ConfigException;
import dev.fjord.lb.core.PeersConfig;
import dev.fjord.lb.core.ProxyConfig;

/** {@code peers} sections, {@code localpeer} and {@code stick-table ... peers NAME}, imported as HAProxy reads them. */
final class PeersImportTest {

    private static ProxyConfig parse(String text) {
        return HaproxyImport.parse(text, "haproxy.cfg", Map.of()).builder().build();
    }

    @Test
    void peersSection_withLocalPeer_sharesTheTable() {
        ProxyConfig config = parse("""
                global
                    localpeer lb1
                peers mypeers
                    peer lb1 127.0.0.1:10000
                    peer lb2 127.0.0.2:10000
                defaults
                    mode http
                frontend fe
                    bind :80
                    stick-table type ip size 1m expire 30s store http_req_rate(10s) peers mypeers
                    http-request track-sc0 src
                    default_backend app
                backend app
                    server web1 127.0.0.1:8080
                """);

        PeersConfig peers = config.peers().get("mypeers");
        assertThat(peers.localPeer()).isEqualTo("lb1");
        assertThat(peers.localAddress()).isEqualTo(new Address("127.0.0.1", 10000));
        assertThat(peers.remotePeers()).containsExactly(Map.entry("lb2", new Address("127.0.0.2", 10000)));
        assertThat(config.frontend("fe").stickTable().peers()).isEqualTo("mypeers");
    }

    @Test
    void localPeer_afterThePeersSection_isStillRead() {
        ProxyConfig config = parse("""
                peers mypeers
                    peer lb1 127.0.0.1:10000
                global
                    localpeer lb1
                """);

        assertThat(config.peers().get("mypeers").localPeer()).isEqualTo("lb1");
    }

    @Test
    void peersErrors_nameTheLineAndTheExpectedForm() {
        assertThatThrownBy(() -> parse("""
                global
                    localpeer lb1
                peers mypeers
                    peer lb1 127.0.0.1:10000
                    peer lb2 127.0.0.2
                    peer lb3
                    table t1 type ip size 1m
                    peer lb1 127.0.0.1:10001
                frontend fe
                    bind :80
                    stick-table type ip size 1m peers otherpeers
                """))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.errors())
                                .containsExactly(
                                        "haproxy.cfg:5: 'peer' in peers 'mypeers': peer 'lb2' address '127.0.0.2' "
                                                + "(expected: ip:port, e.g. 127.0.0.1:10000)",
                                        "haproxy.cfg:6: 'peer' in peers 'mypeers': expected: peer NAME ADDR:PORT",
                                        "haproxy.cfg:7: 'table' in peers 'mypeers': 'table' is not supported yet "
                                                + "(expected: peer NAME ADDR:PORT)",
                                        "haproxy.cfg:8: 'peer' in peers 'mypeers': peer 'lb1' is defined twice",
                                        "haproxy.cfg:11: 'stick-table' in frontend 'fe': peers 'otherpeers' is not "
                                                + "defined (defined: [mypeers])"));
    }

    @Test
    void haproxy2BindAndServerForm_givesTheLocalPeerTheBindAddress() {
        ProxyConfig config = parse("""
                global
                    localpeer lb1
                peers mypeers
                    bind 127.0.0.1:10000
                    default-server
                    server lb1
                    server lb2 127.0.0.2:10000
                """);

        PeersConfig peers = config.peers().get("mypeers");
        assertThat(peers.localAddress()).isEqualTo(new Address("127.0.0.1", 10000));
        assertThat(peers.peers()).containsOnlyKeys("lb1", "lb2");
        assertThat(peers.remotePeers()).containsExactly(Map.entry("lb2", new Address("127.0.0.2", 10000)));
    }

    @Test
    void bindAndServerMistakes_nameTheLineOrTheSection() {
        assertThatThrownBy(() -> parse("""
                        global
                            localpeer lb1
                        peers mypeers
                            bind 127.0.0.1:10000 ssl crt /etc/peers.pem
                            default-server ssl verify none
                            server lb1
                            server lb2 127.0.0.2:10000 ssl
                        """))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.errors())
                                .containsExactly(
                                        // the bind refused, the local peer has no address either
                                        "haproxy.cfg:3: peers 'mypeers': server 'lb1' has no address (expected: the"
                                                + " local peer 'lb1', whose address a 'bind ADDR:PORT' line gives)",
                                        "haproxy.cfg:4: 'bind' in peers 'mypeers': options after the address [ssl, crt,"
                                                + " /etc/peers.pem] are not supported yet (SSL between peers; expected:"
                                                + " bind ADDR:PORT)",
                                        "haproxy.cfg:5: 'default-server' in peers 'mypeers': options [ssl, verify,"
                                                + " none] are not supported yet (SSL between peers)",
                                        "haproxy.cfg:7: 'server' in peers 'mypeers': options after the address [ssl]"
                                                + " are not supported yet (SSL between peers; expected: server NAME"
                                                + " [ADDR:PORT])"));
        assertThatThrownBy(() -> parse("""
                        global
                            localpeer lb1
                        peers mypeers
                            bind 127.0.0.1:10000
                            peer lb1 127.0.0.1:10000
                        """))
                .hasMessageContaining("'bind' with 'peer' lines (expected: either 'peer NAME ADDR:PORT' lines, or"
                        + " 'bind ADDR:PORT' with 'server' lines, as HAProxy)");
        assertThatThrownBy(() -> parse("""
                        global
                            localpeer lb1
                        peers mypeers
                            bind 127.0.0.1:10000
                            server lb1 127.0.0.1:10000
                            server lb2
                        """))
                .hasMessageContaining("server 'lb2' has no address (expected: the local peer 'lb1', whose address a"
                        + " 'bind ADDR:PORT' line gives)");
    }

    @Test
    void peersWithoutLocalPeer_isAnErrorNamingThePeers() {
        assertThatThrownBy(() -> parse("""
                peers mypeers
                    peer lb1 127.0.0.1:10000
                    peer lb2 127.0.0.2:10000
                """))
                .hasMessage("haproxy.cfg:1: peers 'mypeers': no local peer (expected: localPeer(NAME), 'localpeer "
                        + "NAME' in global, naming one of [lb1, lb2])");
        assertThatThrownBy(() -> parse("""
                global
                    localpeer lb9
                peers mypeers
                    peer lb1 127.0.0.1:10000
                """))
                .hasMessage("haproxy.cfg:3: peers 'mypeers': the local peer 'lb9' has no 'peer' line (expected: one "
                        + "of [lb1])");
    }

    @Test
    void builder_tableNamingUndefinedPeers_failsAtBuild() {
        assertThatThrownBy(() -> ProxyConfig.builder()
                        .frontend(
                                "fe",
                                f -> f.bind(":80")
                                        .stickTable(dev.fjord.lb.core.StickTable.ip(10)
                                                .peers("nope")))
                        .build())
                .hasMessage("frontend 'fe': stick-table peers 'nope' is not defined (defined: [])");
    }
}
