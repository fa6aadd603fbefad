package dev.fjord.lb.core;

import java.util.EnumSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The fetches of the client connection's TLS handshake ({@link RequestHead#tls()}): {@code ssl_fc} (1 on a TLS
 * connection, else 0), {@code ssl_fc_sni}, {@code ssl_fc_protocol}, {@code ssl_fc_cipher}, {@code ssl_fc_alpn},
 * {@code ssl_c_used}, {@code ssl_c_verify}, {@code ssl_c_s_dn}; on a plain connection only {@code ssl_fc},
 * {@code ssl_c_used} (0) have a value, as in HAProxy. Stateless.
 */
final class TlsFetches {
    private static final Set<AclFetch> FETCHES = EnumSet.of(
            AclFetch.SSL_FC,
            AclFetch.SSL_FC_SNI,
            AclFetch.SSL_FC_PROTOCOL,
            AclFetch.SSL_FC_CIPHER,
            AclFetch.SSL_FC_ALPN,
            AclFetch.SSL_C_USED,
            AclFetch.SSL_C_VERIFY,
            AclFetch.SSL_C_S_DN);

    private TlsFetches() {}

    /** Whether {@code fetch} reads the TLS handshake. */
    static boolean reads(AclFetch fetch) {
        return FETCHES.contains(fetch);
    }

    /** The value of {@code fetch} for {@code request}: a String or an Integer; null when there is none. */
    static @Nullable Object value(AclFetch fetch, RequestHead request) {
        ClientTls tls = request.tls();
        if (tls == null) {
            return fetch == AclFetch.SSL_FC || fetch == AclFetch.SSL_C_USED ? 0 : null;
        }
        return switch (fetch) {
            case SSL_FC -> 1;
            case SSL_FC_SNI -> tls.sni();
            case SSL_FC_PROTOCOL -> tls.protocol();
            case SSL_FC_CIPHER -> tls.cipher();
            case SSL_FC_ALPN -> tls.alpn();
            case SSL_C_USED -> tls.clientCertificate() ? 1 : 0;
            case SSL_C_VERIFY -> tls.verifyResult();
            case SSL_C_S_DN -> tls.clientSubject();
            default -> throw new AssertionError(fetch);
        };
    }
}
