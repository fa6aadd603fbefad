package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Crypt} against hashes made by OpenSSL ({@code openssl passwd -1|-5|-6 -salt ...}): MD5-crypt and SHA-crypt,
 * passwords shorter and longer than a digest, a salt cut at 16 characters, {@code rounds=N}.
 */
class CryptTest {
    static Stream<Arguments> opensslHashes() {
        return Stream.of(
                Arguments.of("$1$saltsalt$9xy1btjgzLYfb7hivXtC//", "secret"),
                Arguments.of("$1$saltsalt$5Jhcit4zN9UlGiA0txPkO0", ""),
                Arguments.of(
                        "$1$saltsalt$2AkJFMuP5pxUuldA4i5z/1",
                        "a much longer password than sixteen bytes, even more than sixty-four bytes long!!!!!!!"),
                Arguments.of("$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA", "secret"),
                Arguments.of(
                        "$5$saltsalt$tvi5JflP0nU18EQSI0oSeuemHaJ6ibR3Oy5rcHYhlv4",
                        "a much longer password than sixteen bytes, even more than sixty-four bytes long!!!!!!!"),
                Arguments.of(
                        "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GL"
                                + "c1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1",
                        "secret"),
                Arguments.of(
                        "$6$saltsalt$HGN7rCVilEs/z2GZJiUYlI2PsHebv8OHDMPt3"
                                + "hYAzviIBQx1wI6odCXFNg5T7nVk29r1blAvTe7KqvB8JRp57/",
                        "a much longer password than sixteen bytes, even more than sixty-four bytes long!!!!!!!"),
                Arguments.of(
                        "$6$rounds=10000$abc$TPidcyVdsuALEejDNhmEl6D0An8RGrk3M"
                                + "WNhKXnkA/1s3bobDmHLj1fwXJdVOCPyWqopaBFpgYCiA9mRVYusl0",
                        "pw"),
                Arguments.of("$5$sixteencharsaltX$tyKiPLyLUl8Ywe3E306i4JqIqPND.DQoXdm/1IOo3t.", "pw"));
    }

    @ParameterizedTest
    @MethodSource("opensslHashes")
    void computesWhatOpensslComputes(String hash, String password) {
        assertThat(Crypt.supports(hash)).isTrue();
        assertThat(Crypt.supports(hash.substring(0, hash.length() - 1)))
                .as("cut short")
                .isFalse();
        assertThat(Crypt.hash(hash, password)).isEqualTo(hash);
        assertThat(Crypt.matches(hash, password)).isTrue();
        assertThat(Crypt.matches(hash, password + "x")).isFalse();
    }

    @Test
    void otherSchemesAreNotComputed() {
        assertThat(Crypt.supports("$2b$10$abcdefghijklmnopqrstuu")).isFalse();
        assertThat(Crypt.supports("$y$j9T$abc$def")).isFalse();
        assertThat(Crypt.supports("abJnggxhB/yWI")).isFalse(); // DES
        assertThat(Crypt.matches("$2b$10$abcdefghijklmnopqrstuu", "x")).isFalse();
        assertThat(Crypt.matches("$6$rounds=x$salt$hash", "x")).isFalse();
    }
}
