package dev.fjord.lb.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The codec against advertisements captured from keepalived 2.2.7 (test resources, vectors/). */
class VrrpCodecTest {

    static Stream<String> vectors() {
        return Stream.of(
                "v2-auth-lb1-prio0",
                "v2-auth-lb1-prio150",
                "v2-auth-lb2-prio0",
                "v2-auth-lb2-prio100",
                "v2-lb1-prio0",
                "v2-lb1-prio150",
                "v2-lb2-prio0",
                "v2-lb2-prio100",
                "v3-2vip-lb1-prio0",
                "v3-2vip-lb1-prio150",
                "v3-2vip-lb2-prio0",
                "v3-2vip-lb2-prio100",
                "v3-lb1-prio0",
                "v3-lb1-prio150",
                "v3-lb2-prio0",
                "v3-lb2-prio100",
                "v3-unicast-lb1-prio0",
                "v3-unicast-lb1-prio150",
                "v3-unicast-lb2-prio0",
                "v3-unicast-lb2-prio100");
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = VrrpCodecTest.class.getResourceAsStream("/vectors/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static byte[] hex(String text) {
        String[] parts = text.trim().split("\\s+");
        byte[] bytes = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            bytes[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return bytes;
    }

    /** The decoded fields of a vector's .txt: {@code vrrp.priority = 150 (...)} becomes priority -> 150. */
    private static Map<String, String> fields(String text) {
        Map<String, String> fields = new HashMap<>();
        for (String line : text.split("\n")) {
            int equals = line.indexOf(" = ");
            if (line.startsWith("vrrp.") || line.startsWith("ipv4.")) {
                fields.put(
                        line.substring(0, line.indexOf(' ')).strip(),
                        line.substring(equals + 3).strip());
            }
        }
        return fields;
    }

    private static Inet4Address ip(String text) throws IOException {
        return (Inet4Address) InetAddress.getByName(text);
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void decodesWhatKeepalivedSentAndEncodesItBackByteForByte(String vector) throws Exception {
        byte[] packet = hex(resource(vector + ".hex"));
        Map<String, String> expected = fields(resource(vector + ".txt"));

        VrrpCodec.Received received = VrrpCodec.decode(packet);
        Advertisement ad = received.advertisement();

        assertThat(ad.version()).isEqualTo(Integer.parseInt(expected.get("vrrp.version")));
        assertThat(ad.vrid()).isEqualTo(Integer.parseInt(expected.get("vrrp.vrid")));
        assertThat(ad.priority())
                .isEqualTo(Integer.parseInt(expected.get("vrrp.priority").split(" ")[0]));
        assertThat(ad.addresses())
                .map(InetAddress::getHostAddress)
                .containsExactlyElementsOf(
                        Arrays.asList(expected.get("vrrp.ip_addresses").split(",\\s*")));
        if (ad.version() == 3) {
            assertThat(ad.interval())
                    .isEqualTo(Duration.ofMillis(10L
                            * Integer.parseInt(
                                    expected.get("vrrp.max_advert_int").split(" ")[0])));
        } else {
            assertThat(ad.interval())
                    .isEqualTo(Duration.ofSeconds(
                            Integer.parseInt(expected.get("vrrp.adver_int").split(" ")[0])));
            assertThat(ad.password()).isEqualTo(vector.contains("auth") ? "s3cret" : "");
        }
        assertThat(received.ttl()).isEqualTo(255);
        assertThat(received.source()).isEqualTo(ip(expected.get("ipv4.src")));
        assertThat(received.destination()).isEqualTo(ip(expected.get("ipv4.dst")));

        byte[] message = Arrays.copyOfRange(packet, 20, packet.length);
        assertThat(VrrpCodec.encode(ad, received.source(), received.destination()))
                .isEqualTo(message);
    }

    @Test
    void v3AcceptsTheMessageOnlyChecksumToo() throws Exception {
        Advertisement ad = new Advertisement(3, 51, 100, Duration.ofSeconds(1), List.of(ip("198.18.0.100")), "");
        byte[] message = VrrpCodec.encode(ad, ip("198.18.0.2"), VrrpCodec.GROUP);
        message[6] = 0;
        message[7] = 0;
        int messageOnly = VrrpCodec.checksum(message, null, null);
        message[6] = (byte) (messageOnly >>> 8);
        message[7] = (byte) messageOnly;

        assertThat(VrrpCodec.decodeMessage(message, ip("198.18.0.2"), VrrpCodec.GROUP))
                .isEqualTo(ad);
    }

    @Test
    void malformedPacketsAreDiscardedWithTheirReason() throws Exception {
        byte[] packet = hex(resource("v3-lb1-prio150.hex"));
        byte[] lowTtl = packet.clone();
        lowTtl[8] = 64;
        assertThatThrownBy(() -> VrrpCodec.decode(lowTtl))
                .isInstanceOf(VrrpException.class)
                .hasMessage("TTL 64 (expected: 255)");
        byte[] corrupt = packet.clone();
        corrupt[corrupt.length - 1] ^= 1;
        assertThatThrownBy(() -> VrrpCodec.decode(corrupt)).hasMessage("bad checksum");
        byte[] wrongProtocol = packet.clone();
        wrongProtocol[9] = 17;
        assertThatThrownBy(() -> VrrpCodec.decode(wrongProtocol)).hasMessage("IP protocol 17 (expected: 112)");
        assertThatThrownBy(() -> VrrpCodec.decode(Arrays.copyOf(packet, 24))).hasMessageStartingWith("IPv4 lengths");
    }
}
