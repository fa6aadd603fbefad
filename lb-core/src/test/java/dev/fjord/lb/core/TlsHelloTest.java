package dev.fjord.lb.core;

import static dev.fjord.lb.core.ClientHellos.concat;
import static dev.fjord.lb.core.ClientHellos.extension;
import static dev.fjord.lb.core.ClientHellos.handshake;
import static dev.fjord.lb.core.ClientHellos.hello;
import static dev.fjord.lb.core.ClientHellos.message;
import static dev.fjord.lb.core.ClientHellos.records;
import static dev.fjord.lb.core.ClientHellos.serverName;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TlsHelloTest {
    private static final long TLS_1_0 = (3 << 16) | 1;
    private static final long TLS_1_2 = (3 << 16) | 3;

    private static ContentSample sni(byte[] bytes) {
        return TlsHello.sni(bytes, bytes.length);
    }

    private static ContentSample found(Object value) {
        return ContentSample.of(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void aJdkClientHelloGivesItsServerNameTypeAndVersion(String protocol) {
        byte[] hello = ClientHellos.jdk("a.example.com", protocol);

        assertThat(sni(hello)).isEqualTo(found("a.example.com"));
        assertThat(TlsHello.helloType(hello, hello.length)).isEqualTo(found(1L));
        assertThat(TlsHello.version(hello, hello.length)).isEqualTo(found(TLS_1_2)); // 1.3 says 1.2 here too
    }

    @Test
    void everyPrefixOfAHelloWaitsForMoreAndNeverGuesses() {
        byte[] hello = ClientHellos.jdk("a.example.com", "TLSv1.3");

        for (int length = 0; length < hello.length; length++) {
            assertThat(TlsHello.sni(hello, length))
                    .as("sni of %d bytes", length)
                    .isEqualTo(ContentSample.TOO_SHORT);
            assertThat(TlsHello.helloType(hello, length))
                    .as("hello type of %d bytes", length)
                    .isEqualTo(ContentSample.TOO_SHORT);
        }
        assertThat(TlsHello.sni(hello, hello.length)).isEqualTo(found("a.example.com"));
    }

    @Test
    void aHelloSplitOverSeveralRecordsIsReassembled() {
        byte[] message = handshake(ClientHellos.jdk("split.example.com", "TLSv1.3"));

        assertThat(sni(records(message, 3))).isEqualTo(found("split.example.com"));
        assertThat(sni(records(message, 100, 1))).isEqualTo(found("split.example.com"));
        assertThat(sni(records(message, 1))).isEqualTo(found("split.example.com"));
        byte[] tiny = records(message, 2);
        assertThat(TlsHello.sni(tiny, tiny.length - 1)).isEqualTo(ContentSample.TOO_SHORT);
    }

    @Test
    void bytesAfterTheHelloAreIgnored() {
        byte[] early = {0x17, 3, 3, 0, 2, 42, 42};

        assertThat(sni(concat(ClientHellos.jdk("a.example.com", "TLSv1.3"), early)))
                .isEqualTo(found("a.example.com"));
    }

    @Test
    void theHostNameIsTheFirstEntryOfTypeZero() {
        byte[] names = serverName(7, "other-type", 0, "b.example.com", 0, "c.example.com");
        byte[] hello = records(hello(32, 2, 1, extension(10, new byte[] {0, 2, 0, 29}), names), 16384);

        assertThat(sni(hello)).isEqualTo(found("b.example.com"));
    }

    @Test
    void theNameIsGivenAsSent() {
        assertThat(sni(records(hello(0, 2, 1, serverName(0, "MiXeD.Example.COM")), 16384)))
                .isEqualTo(found("MiXeD.Example.COM"));
    }

    @Test
    void aHelloWithoutServerNameHasNone() {
        byte[] noExtensions = records(hello(0, 2, 1), 16384);
        byte[] otherExtensions = records(hello(0, 2, 1, extension(16, new byte[] {0, 3, 2, 'h', '2'})), 16384);
        byte[] emptyName = records(hello(0, 2, 1, serverName(0, "")), 16384);
        byte[] noHostName = records(hello(0, 2, 1, serverName(1, "x")), 16384);

        assertThat(sni(noExtensions)).isEqualTo(ContentSample.NONE);
        assertThat(sni(otherExtensions)).isEqualTo(ContentSample.NONE);
        assertThat(sni(emptyName)).isEqualTo(ContentSample.NONE);
        assertThat(sni(noHostName)).isEqualTo(ContentSample.NONE);
        assertThat(TlsHello.helloType(noExtensions, noExtensions.length)).isEqualTo(found(1L));
    }

    @Test
    void somethingElseThanTlsHasNoValueAtOnce() {
        byte[] http = "GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] ssh = "SSH-2.0-OpenSSH_9.6\r\n".getBytes(StandardCharsets.US_ASCII);

        for (byte[] bytes : new byte[][] {http, ssh, {'G'}, {0x16, 2}}) {
            assertThat(sni(bytes))
                    .as(new String(bytes, StandardCharsets.ISO_8859_1))
                    .isEqualTo(ContentSample.NONE);
        }
        assertThat(TlsHello.helloType(http, http.length)).isEqualTo(ContentSample.NONE);
        assertThat(TlsHello.version(http, http.length)).isEqualTo(ContentSample.NONE);
        assertThat(TlsHello.version(ssh, ssh.length)).isEqualTo(ContentSample.NONE);
    }

    @Test
    void anSslv2CompatibleHelloHasAVersionButNoServerNameNorHandshakeType() {
        byte[] v2 = ClientHellos.sslv2();

        assertThat(sni(v2)).isEqualTo(ContentSample.NONE);
        assertThat(TlsHello.helloType(v2, v2.length)).isEqualTo(ContentSample.NONE);
        assertThat(TlsHello.version(v2, v2.length)).isEqualTo(found(TLS_1_0));
        assertThat(TlsHello.version(v2, v2.length - 1)).isEqualTo(ContentSample.TOO_SHORT);
        byte[] badChallenge = v2.clone();
        badChallenge[10] = 8; // challenge length 8: below 16
        assertThat(TlsHello.version(badChallenge, badChallenge.length)).isEqualTo(ContentSample.NONE);
    }

    @Test
    void malformedHellosHaveNoServerName() {
        byte[] name = serverName(0, "a.example.com");
        byte[][] malformed = {
            records(hello(33, 2, 1, name), 16384), // session id over 32
            records(hello(0, 0, 1, name), 16384), // no cipher
            records(hello(0, 2, 0, name), 16384), // no compression method
            records(message(2, Arrays.copyOfRange(hello(0, 2, 1, name), 4, 100)), 16384), // a ServerHello
            records(message(1, new byte[20]), 16384), // too short to hold an extension
            records(hello(0, 2, 1, extension(0, new byte[] {0, 9, 0, 0, 5, 'a'})), 16384), // list past its extension
            records(hello(0, 2, 1, extension(0, new byte[] {0, 4, 0, 0, 9, 'a'})), 16384), // name past its list
            {0x16, 3, 1, 0, 0}, // an empty record
            {0x16, 3, 1, 0x50, 0}, // a record over 2^14 + 2048 bytes
        };

        for (byte[] bytes : malformed) {
            assertThat(sni(bytes)).as(Arrays.toString(Arrays.copyOf(bytes, 12))).isEqualTo(ContentSample.NONE);
        }
    }

    @Test
    void anExtensionLongerThanTheListIsMalformed() {
        byte[] hello = hello(0, 2, 1, serverName(0, "a.example.com"));
        hello[hello.length - 20] = 0x7f; // the server_name extension's length, high byte: past the list

        assertThat(sni(records(hello, 16384))).isEqualTo(ContentSample.NONE);
    }

    @Test
    void aHelloDeclaringMoreThanCanBeHeldIsNone() {
        byte[] header = {0x16, 3, 1, 0, 4, 1, 0, 0x50, 0}; // handshake of 20 480 bytes

        assertThat(sni(header)).isEqualTo(ContentSample.NONE);
    }

    @Test
    void aRecordOfAnotherTypeInTheMiddleOfTheHelloIsNone() {
        byte[] message = handshake(ClientHellos.jdk("a.example.com", "TLSv1.3"));
        byte[] first = records(Arrays.copyOf(message, 50), 50);
        byte[] alert = {0x15, 3, 3, 0, 2, 2, 40};

        assertThat(sni(concat(first, alert))).isEqualTo(ContentSample.NONE);
    }

    @Test
    void helloTypeFollowsHaproxyOnOtherRecordTypes() {
        byte[] serverHello = records(message(2, new byte[40]), 16384);
        byte[] sslv3Below = {0x16, 2, 0, 0, 4, 1, 0, 0, 0};

        assertThat(TlsHello.helloType(serverHello, serverHello.length)).isEqualTo(found(2L));
        assertThat(TlsHello.helloType(sslv3Below, sslv3Below.length)).isEqualTo(ContentSample.NONE);
    }
}
