package dev.fjord.lb.netty;

import io.netty.buffer.ByteBuf;

/**
 * Whether a TLS client can be served a certificate with an ECDSA key, read from its ClientHello as HAProxy reads it to
 * choose between an ECDSA and an RSA certificate of the same name: its {@code signature_algorithms} must list an ECDSA
 * scheme (none listed: TLS 1.2's default), and it must offer TLS 1.3 ({@code supported_versions}), whose cipher
 * suites do not depend on the key, or a TLS 1.2 ECDHE-ECDSA cipher suite. Stateless.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3">RFC 8446 4.2.3: signature algorithms</a>
 */
final class ClientHelloKeys {
    private static final int SIGNATURE_ALGORITHMS = 13;
    private static final int SUPPORTED_VERSIONS = 43;

    private ClientHelloKeys() {}

    /**
     * Whether the ClientHello body in {@code hello} (from its {@code legacy_version}, as Netty's SNI handlers get it)
     * takes an ECDSA certificate; true when it cannot be read (the handshake then fails or succeeds as it would).
     */
    static boolean takesEcdsa(ByteBuf hello) {
        int end = hello.writerIndex();
        int at = hello.readerIndex() + 34; // legacy_version, random
        if (at + 1 > end) {
            return true;
        }
        at += 1 + hello.getUnsignedByte(at); // legacy_session_id
        if (at + 2 > end) {
            return true;
        }
        int suitesEnd = at + 2 + hello.getUnsignedShort(at);
        boolean ecdsaSuite = false;
        for (int suite = at + 2; suite + 2 <= Math.min(suitesEnd, end); suite += 2) {
            ecdsaSuite |= isEcdsaSuite(hello.getUnsignedShort(suite));
        }
        at = suitesEnd;
        if (at + 1 > end) {
            return true;
        }
        at += 1 + hello.getUnsignedByte(at); // legacy_compression_methods
        if (at + 2 > end) {
            return ecdsaSuite; // no extensions: TLS 1.2 or older, default signature algorithms
        }
        int extensionsEnd = Math.min(end, at + 2 + hello.getUnsignedShort(at));
        at += 2;
        boolean listed = false;
        boolean ecdsaScheme = false;
        boolean tls13 = false;
        while (at + 4 <= extensionsEnd) {
            int type = hello.getUnsignedShort(at);
            int length = hello.getUnsignedShort(at + 2);
            int body = at + 4;
            int bodyEnd = Math.min(extensionsEnd, body + length);
            if (type == SIGNATURE_ALGORITHMS && body + 2 <= bodyEnd) {
                listed = true;
                for (int scheme = body + 2; scheme + 2 <= bodyEnd; scheme += 2) {
                    ecdsaScheme |= isEcdsaScheme(hello.getUnsignedShort(scheme));
                }
            } else if (type == SUPPORTED_VERSIONS && body + 1 <= bodyEnd) {
                for (int version = body + 1; version + 2 <= bodyEnd; version += 2) {
                    tls13 |= hello.getUnsignedShort(version) == 0x0304;
                }
            }
            at = body + length;
        }
        return (!listed || ecdsaScheme) && (tls13 || ecdsaSuite);
    }

    /** ecdsa_secp256r1_sha256 and the others ({@code 0x0403} ...), and TLS 1.2's (hash, ecdsa) pairs. */
    private static boolean isEcdsaScheme(int scheme) {
        int hash = scheme >> 8;
        return (scheme & 0xff) == 0x03 && hash >= 1 && hash <= 6;
    }

    /** TLS_ECDHE_ECDSA_WITH_* (RFC 4492, 5289, 7905, 7251, 6209, 6367). */
    private static boolean isEcdsaSuite(int suite) {
        return (suite >= 0xc006 && suite <= 0xc00a)
                || suite == 0xc023
                || suite == 0xc024
                || suite == 0xc02b
                || suite == 0xc02c
                || suite == 0xc048
                || suite == 0xc049
                || suite == 0xc05c
                || suite == 0xc05d
                || suite == 0xc072
                || suite == 0xc073
                || suite == 0xc086
                || suite == 0xc087
                || (suite >= 0xc0ac && suite <= 0xc0af)
                || suite == 0xcca9;
    }
}
