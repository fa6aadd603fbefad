package dev.fjord.lb.netty;

import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

import dev.fjord.lb.core.TlsVersion;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.CipherSuiteConverter;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.internal.tcnative.SSL;

/**
 * Which TLS library handshakes: BoringSSL through {@code netty-tcnative-boringssl-static} when its native library
 * loads ({@link OpenSsl#isAvailable()}), else the JDK's; {@code -Dfjord.tls.provider=jdk|openssl} chooses. Also
 * what both take alike: protocol ranges, cipher lists in OpenSSL's names, ALPN. Stateless.
 */
final class TlsProvider {
    private static final OperatorLog log = OperatorLog.of(TlsProvider.class.getName());
    private static final SslProvider PROVIDER = choose();
    /** The TLS 1.3 suites of BoringSSL (fixed) and the defaults of OpenSSL and the JDK, in the names all three use. */
    private static final List<String> TLS13_SUITES =
            List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

    private TlsProvider() {}

    static SslProvider provider() {
        return PROVIDER;
    }

    /** Whether handshakes use BoringSSL/OpenSSL (native) rather than the JDK. */
    static boolean isNative() {
        return PROVIDER != SslProvider.JDK;
    }

    /** Whether the native library is BoringSSL (whose TLS 1.3 suites cannot be chosen). */
    static boolean isBoringSsl() {
        return isNative() && String.valueOf(OpenSsl.versionString()).contains("BoringSSL");
    }

    private static SslProvider choose() {
        String chosen = System.getProperty("fjord.tls.provider", "");
        if (chosen.equalsIgnoreCase("jdk")) {
            return SslProvider.JDK;
        }
        if (OpenSsl.isAvailable()) {
            return SslProvider.OPENSSL;
        }
        log.info("TLS: BoringSSL is not available (" + OpenSsl.unavailabilityCause() + "), using the JDK's TLS");
        return SslProvider.JDK;
    }

    /**
     * {@code no-tls-tickets} on one connection's engine, client or server: BoringSSL's {@code SSL_OP_NO_TICKET}, which
     * Netty clears for TLS 1.3 and does not expose; the JDK's engines are left as they are.
     */
    static void noTickets(SSLEngine engine) {
        if (engine instanceof ReferenceCountedOpenSslEngine openSsl) {
            SSL.setOptions(openSsl.sslPointer(), SSL.SSL_OP_NO_TICKET);
        }
    }

    /**
     * Staples {@code response} (an OCSP response in DER) to the handshake about to start on {@code engine}, a server
     * engine of a context built with OCSP enabled; the JDK's engines cannot staple a given response.
     */
    static void staple(SSLEngine engine, byte[] response) {
        if (engine instanceof ReferenceCountedOpenSslEngine openSsl) {
            openSsl.setOcspResponse(response);
        }
    }

    /** The protocols from {@code min} to {@code max} the library has, in Java's names. */
    static String[] protocols(TlsVersion min, TlsVersion max) {
        List<String> protocols = new ArrayList<>();
        for (TlsVersion version : TlsVersion.values()) {
            if (version.compareTo(min) >= 0 && version.compareTo(max) <= 0 && version != TlsVersion.SSL_3) {
                protocols.add(version.javaName());
            }
        }
        return protocols.toArray(new String[0]);
    }

    /**
     * The names of {@code ciphers} and {@code suites} (OpenSSL's, {@code :}-separated) the library has, in the names
     * it takes; null when both are null (the library's defaults). Names it lacks, and OpenSSL's keywords and
     * exclusions ({@code HIGH}, {@code !aNULL}), are left out, as OpenSSL skips names it does not know. {@code ciphers}
     * concern TLS 1.2 and older only: without {@code suites} (and always with BoringSSL) TLS 1.3 keeps its three.
     *
     * @throws IllegalArgumentException when {@code ciphers} names no cipher the library has
     */
    static @org.jspecify.annotations.Nullable List<String> ciphers(
            @org.jspecify.annotations.Nullable String ciphers, @org.jspecify.annotations.Nullable String suites) {
        if (ciphers == null && suites == null) {
            return null;
        }
        List<String> names = new ArrayList<>();
        Set<String> jdk = isNative() ? Set.of() : jdkCipherSuites();
        int tls12 = 0;
        String[] lists = {ciphers, suites};
        for (int i = 0; i < lists.length; i++) {
            if (lists[i] == null) {
                continue;
            }
            for (String name : lists[i].split(":", -1)) {
                String known = isNative() ? openSslName(name) : jdkName(name, jdk);
                if (known != null && !names.contains(known)) {
                    names.add(known);
                    tls12 += i == 0 ? 1 : 0;
                }
            }
        }
        if (ciphers != null && tls12 == 0) {
            throw new IllegalArgumentException(
                    "ciphers '" + ciphers + "': no cipher " + (isNative() ? "BoringSSL" : "the JDK")
                            + " has (expected: names such as ECDHE-ECDSA-AES128-GCM-SHA256, separated by ':')");
        }
        // a list without TLS 1.3 suites would turn TLS 1.3 off (Netty's rule); ciphers are TLS 1.2's alone (HAProxy's):
        // without ciphersuites, and always with BoringSSL (whose TLS 1.3 suites are fixed), the library's three
        if (isBoringSsl()) {
            names.removeIf(TLS13_SUITES::contains);
        }
        if (suites == null || isBoringSsl()) {
            names.addAll(TLS13_SUITES);
        }
        return names;
    }

    private static @org.jspecify.annotations.Nullable String openSslName(String name) {
        if (name.isEmpty() || "!-+@".indexOf(name.charAt(0)) >= 0) {
            return null;
        }
        return OpenSsl.isCipherSuiteAvailable(name) ? name : null;
    }

    private static @org.jspecify.annotations.Nullable String jdkName(String name, Set<String> supported) {
        if (name.isEmpty() || "!-+@".indexOf(name.charAt(0)) >= 0) {
            return null;
        }
        String java = name.startsWith("TLS_") ? name : CipherSuiteConverter.toJava(name, "TLS");
        return java != null && supported.contains(java) ? java : null;
    }

    private static Set<String> jdkCipherSuites() {
        try {
            return Set.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
        } catch (NoSuchAlgorithmException e) {
            return Set.of();
        }
    }

    /** The cipher suite of a session in OpenSSL's name, as HAProxy prints it ({@code ssl_fc_cipher}, {@code %sslc}). */
    static String openSslCipherName(String javaName) {
        if (javaName.startsWith("TLS_") && !javaName.contains("_WITH_")) {
            return javaName; // a TLS 1.3 suite: OpenSSL prints its IANA name (BoringSSL's AEAD-... is its own)
        }
        String converted = CipherSuiteConverter.toOpenSsl(javaName, false);
        return converted != null ? converted : javaName;
    }

    /** ALPN offering {@code protocols} (none when empty), proceeding without ALPN when the peer offers none of them. */
    static void alpn(SslContextBuilder builder, List<String> protocols) {
        if (!protocols.isEmpty()) {
            builder.applicationProtocolConfig(new ApplicationProtocolConfig(
                    ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    protocols));
        }
    }
}
