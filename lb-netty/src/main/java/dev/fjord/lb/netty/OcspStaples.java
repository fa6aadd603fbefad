package dev.fjord.lb.netty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The OCSP responses HAProxy staples: for a certificate file {@code FILE}, the DER response in {@code FILE.ocsp} when
 * there is one. A response that is not usable (not about the certificate, status not good, not valid now, malformed)
 * is ignored with a warning, as HAProxy does; so is every response where the TLS library is the JDK's, which cannot
 * staple a given response. The certificate's issuer, which identifies it in the response, comes from the chain in
 * the file or from {@code FILE.issuer}. Static.
 */
final class OcspStaples {
    private static final OperatorLog log = OperatorLog.of(OcspStaples.class.getName());

    private OcspStaples() {}

    /** The response to staple to {@code bundle}, read from {@code certificate}'s {@code .ocsp} file; null: none. */
    static @Nullable OcspResponse load(Path certificate, PemBundle bundle) {
        Path file = Path.of(certificate + ".ocsp");
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            byte[] der = Files.readAllBytes(file);
            if (der.length == 0) {
                return null; // HAProxy: stapling on, nothing to staple yet (a runtime update may bring one)
            }
            if (!TlsProvider.isNative()) {
                log.warn(
                        file + ": OCSP response ignored: stapling needs BoringSSL (netty-tcnative), not the JDK's TLS");
                return null;
            }
            OcspResponse response = OcspResponse.parse(der);
            String problem = response.problem(bundle.chain().get(0), issuer(bundle), Instant.now());
            if (problem != null) {
                log.warn(file + ": OCSP response ignored: " + problem);
                return null;
            }
            return response;
        } catch (IOException | IllegalArgumentException e) {
            log.warn(file + ": OCSP response ignored: " + e.getMessage());
            return null;
        }
    }

    /**
     * The issuer of {@code bundle}'s certificate: the next certificate of its chain when it signed it, else the one in
     * {@code NAME.issuer} beside the file; null when neither is there.
     */
    static @Nullable X509Certificate issuer(PemBundle bundle) {
        List<X509Certificate> chain = bundle.chain();
        X509Certificate leaf = chain.get(0);
        if (chain.size() > 1 && chain.get(1).getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) {
            return chain.get(1);
        }
        Path file = Path.of(bundle.name() + ".issuer");
        if (!Files.isReadable(file)) {
            return null;
        }
        try {
            List<X509Certificate> found = PemBundle.caCertificates(file);
            return found.isEmpty() ? null : found.get(0);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
