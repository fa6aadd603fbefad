package dev.fjord.lb.core;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What a client connection's TLS handshake settled, as the {@code ssl_fc*} and {@code ssl_c_*} fetches and the
 * access log's {@code %sslv} and {@code %sslc} read it. The transport makes one per connection; null on
 * {@link RequestHead#tls()} means the connection is not TLS ({@code ssl_fc} false). Immutable.
 *
 * @param protocol the version, as OpenSSL names it: {@code TLSv1.2}, {@code TLSv1.3} ({@code ssl_fc_protocol})
 * @param cipher the cipher suite, as OpenSSL names it, e.g. {@code TLS_AES_128_GCM_SHA256} or
 *     {@code ECDHE-ECDSA-AES128-GCM-SHA256} ({@code ssl_fc_cipher})
 * @param sni the server name the client asked for, lower case; null when it sent none ({@code ssl_fc_sni})
 * @param alpn the application protocol agreed by ALPN, e.g. {@code http/1.1}; null when none
 * @param clientCertificate whether the client presented a certificate ({@code ssl_c_used})
 * @param verifyResult the verification result of the client's certificate, OpenSSL's code: 0 is OK, as is no
 *     certificate ({@code ssl_c_verify}); a failed one ends the handshake, so a request sees 0
 * @param clientSubject the subject of the client's certificate as OpenSSL's one-line form writes it,
 *     {@code /C=NO/O=Fjord Test/CN=fjord-client}; null without one ({@code ssl_c_s_dn})
 */
public record ClientTls(
        String protocol,
        String cipher,
        @Nullable String sni,
        @Nullable String alpn,
        boolean clientCertificate,
        int verifyResult,
        @Nullable String clientSubject) {
    public ClientTls {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(cipher, "cipher");
    }
}
