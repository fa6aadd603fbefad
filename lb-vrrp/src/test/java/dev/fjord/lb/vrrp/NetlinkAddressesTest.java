package dev.fjord.lb.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/** The rtnetlink requests, byte for byte; the lab's tests ({@link FailoverLabTest}) run them against a kernel. */
class NetlinkAddressesTest {

    @Test
    void anAddRequestIsWhatIpAddrAddSendsForALocalAddress() throws Exception {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "skipped: the expected bytes are little-endian");
        Inet4Address vip = (Inet4Address) InetAddress.getByName("198.18.0.100");

        byte[] add = NetlinkAddresses.message((short) 20, 7, vip, 24, 3);
        byte[] delete = NetlinkAddresses.message((short) 21, 8, vip, 24, 3);

        // nlmsghdr: length 40, RTM_NEWADDR, REQUEST|ACK|EXCL|CREATE, seq 7, pid 0
        // ifaddrmsg: AF_INET, /24, no flags, scope universe, ifindex 3; IFA_LOCAL and IFA_ADDRESS 198.18.0.100
        assertThat(HexFormat.of().formatHex(add))
                .isEqualTo("28000000" + "1400" + "0506" + "07000000" + "00000000" + "02180000" + "03000000"
                        + "08000200c6120064" + "08000100c6120064");
        assertThat(HexFormat.of().formatHex(delete))
                .isEqualTo("28000000" + "1500" + "0500" + "08000000" + "00000000" + "02180000" + "03000000"
                        + "08000200c6120064" + "08000100c6120064");
    }
}
