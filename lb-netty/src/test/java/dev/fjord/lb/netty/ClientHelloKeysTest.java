package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import org.junit.jupiter.api.Test;

import io.netty.buffer.Unpooled;

/**
 * {@link ClientHelloKeys} on ClientHellos the JDK's TLS client writes, and on hostile ones: cut at every length and
 * with random bytes changed, it answers without throwing.
 */
class ClientHelloKeysTest {
    /** The ClientHello body (from legacy_version), as Netty's SNI handler passes it. */
    private static byte[] hello(String[] protocols) throws Exception {
        SSLEngine engine = SSLContext.getDefault().createSSLEngine("localhost", 443);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(protocols);
        engine.setSSLParameters(parameters);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] record = new byte[out.remaining()];
        out.get(record);
        return Arrays.copyOfRange(record, 5 + 4, record.length); // record header, handshake header
    }

    /** {@code hello} with every signature scheme it lists replaced by rsa_pss_rsae_sha256 (0x0804). */
    private static byte[] rsaSchemesOnly(byte[] hello) {
        byte[] out = hello.clone();
        int at = 34;
        at += 1 + (out[at] & 0xff); // session id
        at += 2 + ((out[at] & 0xff) << 8 | (out[at + 1] & 0xff)); // cipher suites
        at += 1 + (out[at] & 0xff); // compression
        int end = at + 2 + ((out[at] & 0xff) << 8 | (out[at + 1] & 0xff));
        at += 2;
        while (at + 4 <= end) {
            int type = (out[at] & 0xff) << 8 | (out[at + 1] & 0xff);
            int length = (out[at + 2] & 0xff) << 8 | (out[at + 3] & 0xff);
            if (type == 13) {
                for (int scheme = at + 6; scheme + 2 <= at + 4 + length; scheme += 2) {
                    out[scheme] = 0x08;
                    out[scheme + 1] = 0x04;
                }
            }
            at += 4 + length;
        }
        return out;
    }

    @Test
    void readsWhatTheClientOffers() throws Exception {
        byte[] hello = hello(new String[] {"TLSv1.3", "TLSv1.2"});
        assertThat(ClientHelloKeys.takesEcdsa(Unpooled.wrappedBuffer(hello))).isTrue();
        assertThat(ClientHelloKeys.takesEcdsa(Unpooled.wrappedBuffer(rsaSchemesOnly(hello))))
                .isFalse();
    }

    @Test
    void aCutOrGarbledHelloNeverThrows() throws Exception {
        byte[] hello = hello(new String[] {"TLSv1.3", "TLSv1.2"});
        for (int length = 0; length <= hello.length; length++) {
            byte[] cut = Arrays.copyOf(hello, length);
            assertThatCode(() -> ClientHelloKeys.takesEcdsa(Unpooled.wrappedBuffer(cut)))
                    .as("cut at %d", length)
                    .doesNotThrowAnyException();
        }
        Random random = new Random(20261129);
        for (int i = 0; i < 5_000; i++) {
            byte[] garbled = hello.clone();
            for (int change = 0; change < 1 + random.nextInt(4); change++) {
                garbled[random.nextInt(garbled.length)] = (byte) random.nextInt(256);
            }
            assertThatCode(() -> ClientHelloKeys.takesEcdsa(Unpooled.wrappedBuffer(garbled)))
                    .doesNotThrowAnyException();
        }
    }
}
