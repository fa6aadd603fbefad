package dev.fjord.lb.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GratuitousArpTest {

    @ParameterizedTest
    @CsvSource({
        "v2-garp-lb1, 02:00:c6:12:00:01",
        "v2-garp-lb2, 02:00:c6:12:00:02",
        "v3-garp-lb1, 02:00:c6:12:00:01",
        "v3-garp-lb2, 02:00:c6:12:00:02"
    })
    void framesAreWhatKeepalivedSends(String vector, String mac) throws Exception {
        String hex;
        try (InputStream in = GratuitousArpTest.class.getResourceAsStream("/vectors/" + vector + ".hex")) {
            hex = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
        String[] parts = hex.split("\\s+");
        byte[] captured = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            captured[i] = (byte) Integer.parseInt(parts[i], 16);
        }

        byte[] frame =
                GratuitousArp.frame(GratuitousArp.mac(mac), (Inet4Address) InetAddress.getByName("198.18.0.100"));

        assertThat(frame).isEqualTo(captured);
        assertThatThrownBy(() -> GratuitousArp.mac("02:00")).hasMessageStartingWith("mac: '02:00'");
    }
}
