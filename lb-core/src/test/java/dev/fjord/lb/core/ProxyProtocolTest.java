package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/** The headers {@code send-proxy} and {@code send-proxy-v2} start a server connection with, byte for byte. */
class ProxyProtocolTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("198.18.0.7", 51234);
    private static final InetSocketAddress FRONT = new InetSocketAddress("198.18.0.1", 443);

    @Test
    void version1IsOneLineOfText() {
        assertThat(new String(ProxyProtocol.V1.header(CLIENT, FRONT), StandardCharsets.US_ASCII))
                .isEqualTo("PROXY TCP4 198.18.0.7 198.18.0.1 51234 443\r\n");
        assertThat(new String(
                        ProxyProtocol.V1.header(
                                new InetSocketAddress("2001:db8::7", 40000), new InetSocketAddress("::1", 8080)),
                        StandardCharsets.US_ASCII))
                .isEqualTo("PROXY TCP6 2001:db8:0:0:0:0:0:7 0:0:0:0:0:0:0:1 40000 8080\r\n");
        assertThat(new String(ProxyProtocol.V1.header(null, null), StandardCharsets.US_ASCII))
                .isEqualTo("PROXY UNKNOWN\r\n");
        assertThat(new String(
                        ProxyProtocol.V1.header(CLIENT, new InetSocketAddress("::1", 8080)), StandardCharsets.US_ASCII))
                .as("families differ: no address can be told")
                .isEqualTo("PROXY UNKNOWN\r\n");
    }

    @Test
    void version2IsTheBinaryFormOfTheSpecification() {
        assertThat(HexFormat.of().formatHex(ProxyProtocol.V2.header(CLIENT, FRONT)))
                .isEqualTo(
                        "0d0a0d0a000d0a515549540a" // signature
                                + "21" // version 2, PROXY
                                + "11" // TCP over IPv4
                                + "000c" // 12 bytes of addresses
                                + "c6120007" + "c6120001" // 198.18.0.7, 198.18.0.1
                                + "c822" + "01bb"); // 51234, 443
        assertThat(HexFormat.of().formatHex(ProxyProtocol.V2.header(null, null)))
                .as("LOCAL: a connection of the proxy's own, as health checks send")
                .isEqualTo("0d0a0d0a000d0a515549540a" + "20" + "00" + "0000");
        assertThat(ProxyProtocol.V2.header(
                        new InetSocketAddress("2001:db8::7", 40000), new InetSocketAddress("::1", 8080)))
                .hasSize(16 + 36)
                .startsWith(HexFormat.of().parseHex("0d0a0d0a000d0a515549540a" + "21" + "21" + "0024"));
    }

    @Test
    void noneHasNoHeader() {
        assertThatThrownBy(() -> ProxyProtocol.NONE.header(CLIENT, FRONT)).isInstanceOf(IllegalStateException.class);
    }
}
