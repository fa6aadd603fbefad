package dev.fjord.lb.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VrrpConfigTest {

    private static VrrpConfig.Builder base() {
        return VrrpConfig.builder("VI_51")
                .interfaceName("eth0")
                .sourceAddress("198.18.0.1")
                .vrid(51)
                .virtualAddress("198.18.0.100");
    }

    @Test
    void builtWithKeepalivedsDefaults() {
        VrrpConfig config = base().build();

        assertThat(config.priority()).isEqualTo(100);
        assertThat(config.version()).isEqualTo(3);
        assertThat(config.preempt()).isTrue();
        assertThat(config.unicastPeers()).isNull();
        assertThat(config.garp()).isEqualTo(GratuitousArpSchedule.KEEPALIVED);
        assertThat(config.prefixLength()).isEqualTo(32); // keepalived's for a VIP written without one
        assertThat(base().unicastPeers("198.18.0.2").build().unicastPeers()).hasSize(1);
    }

    @Test
    void virtualAddressesMayCarryTheirPrefixAsKeepalivedWritesThem() {
        VrrpConfig config = VrrpConfig.builder("VI_1")
                .interfaceName("eth0")
                .sourceAddress("198.18.0.1")
                .vrid(51)
                .virtualAddress("198.18.0.100/24")
                .virtualAddress("198.18.0.101")
                .build();

        assertThat(config.prefixLength()).isEqualTo(24);
        assertThat(config.virtualAddresses())
                .extracting(java.net.InetAddress::getHostAddress)
                .containsExactly("198.18.0.100", "198.18.0.101");
        assertThatThrownBy(() -> base().virtualAddress("198.18.0.101/16").prefixLength(24))
                .hasMessage("vrrp instance 'VI_51': prefix length 24: /24 differs from /16 given before "
                        + "(expected: one prefix length per instance)");
        assertThatThrownBy(() -> base().virtualAddress("198.18.0.101/33"))
                .hasMessage("vrrp instance 'VI_51': "
                        + "virtual address '198.18.0.101/33' (expected: a prefix length of 1-32)");
    }

    @Test
    void errorsNameTheInstanceTheValueAndTheRule() {
        assertThatThrownBy(() -> base().priority(300))
                .hasMessage("vrrp instance 'VI_51': priority 300 (expected: 1-255)");
        assertThatThrownBy(() -> base().unicastPeers())
                .hasMessage("vrrp instance 'VI_51': unicast_peer: no peer "
                        + "(expected: at least one address; leave unicast out for multicast)");
        assertThatThrownBy(() -> base().vrid(0))
                .hasMessage("vrrp instance 'VI_51': virtual_router_id 0 " + "(expected: 1-255)");
        assertThatThrownBy(() -> base().password("s3cret").build())
                .hasMessage(
                        "vrrp instance 'VI_51': " + "authentication with VRRPv3 (expected: version 2, or no password)");
        assertThatThrownBy(() -> VrrpConfig.builder("VI_9")
                        .interfaceName("eth0")
                        .sourceAddress("198.18.0.1")
                        .vrid(9)
                        .build())
                .hasMessage("vrrp instance 'VI_9': no virtual_ipaddress (expected: at least one)");
        assertThatThrownBy(() -> base().virtualAddress("vip.example"))
                .hasMessage("vrrp instance 'VI_51': virtual address 'vip.example' (expected: an IPv4 address)");
        assertThatThrownBy(() -> base().garpRepeat(256).build())
                .hasMessage("vrrp instance 'VI_51': garp_master_repeat 256 (expected: 0-255)");
        assertThatThrownBy(() -> base().garpMasterRefresh(java.time.Duration.ofSeconds(10), 0)
                        .build())
                .hasMessage("vrrp instance 'VI_51': garp_master_refresh_repeat 0 (expected: 1-255)");
    }
}
