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
                    bind :10000
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
                                        "haproxy.cfg:7: 'bind' in peers 'mypeers': 'bind' is not supported yet "
                                                + "(expected: peer NAME ADDR:PORT)",
                                        "haproxy.cfg:8: 'peer' in peers 'mypeers': peer 'lb1' is defined twice",
                                        "haproxy.cfg:11: 'stick-table' in frontend 'fe': peers 'otherpeers' is not "
                                                + "defined (defined: [mypeers])"));
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
