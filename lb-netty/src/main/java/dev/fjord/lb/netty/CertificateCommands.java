package dev.fjord.lb.netty;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The runtime socket's certificate commands, answered word for word as HAProxy 2.6 answers them: {@code set ssl cert
 * FILE <<} with the PEM payload (certificate, chain, key) opens or updates the transaction, {@code commit ssl cert
 * FILE} serves it from the next handshake on every bind that has FILE, {@code abort ssl cert FILE} drops it, {@code
 * show ssl cert} lists the certificates and the transaction; {@code set ssl ocsp-response BASE64} (or its payload)
 * staples a DER OCSP response to the certificates it is about ({@link OcspStaples}' checks). One transaction at a time,
 * as in HAProxy. Established connections keep the certificate they were served. Thread-safe.
 */
final class CertificateCommands {
    private final TlsRuntime tls;
    private @Nullable PemBundle transaction;

    CertificateCommands(TlsRuntime tls) {
        this.tls = tls;
    }

    /** Whether {@code line} is one of these commands. */
    static boolean handles(String line) {
        List<String> words = List.of(line.strip().split("\\s+"));
        if (words.size() >= 3
                && words.get(0).equals("set")
                && words.get(1).equals("ssl")
                && words.get(2).equals("ocsp-response")) {
            return true;
        }
        return words.size() >= 3
                && List.of("set", "commit", "abort", "show").contains(words.get(0))
                && words.get(1).equals("ssl")
                && words.get(2).equals("cert");
    }

    /** The answer to {@code line}; {@code payload}: the lines after {@code <<}, for {@code set ssl cert}. */
    synchronized String execute(String line, @Nullable String payload) {
        List<String> words = List.of(line.strip().split("\\s+"));
        String name = words.size() > 3 ? words.get(3) : "";
        if (words.get(0).equals("show")) {
            return show();
        }
        if (words.get(2).equals("ocsp-response")) {
            return ocspResponse(payload != null ? payload : words.size() > 3 ? words.get(3) : "");
        }
        if (name.isEmpty() || name.equals("<<")) {
            return "'" + words.get(0) + " ssl cert' expects a filename\n\n";
        }
        return switch (words.get(0)) {
            case "set" -> set(name, payload);
            case "commit" -> commit(name);
            default -> abort(name);
        };
    }

    private String set(String name, @Nullable String payload) {
        if (payload == null || payload.isBlank()) {
            return "'set ssl cert' expects a filename and a certificate as a payload\n\n";
        }
        PemBundle open = transaction;
        if (open != null && !open.name().equals(name)) {
            return "The ongoing transaction is about '" + open.name() + "' but you are trying to set '" + name
                    + "'\nCan't update " + name + "!\n\n";
        }
        if (!tls.knows(name)) {
            return "Can't replace a certificate which is not referenced by the configuration!\nCan't update " + name
                    + "!\n\n";
        }
        try {
            transaction = PemBundle.parse(name, payload, null);
        } catch (IllegalArgumentException e) {
            return "unable to load certificate from file '" + name + "': " + e.getMessage()
                    + "\nCan't load the payload\nCan't update " + name + "!\n\n";
        }
        return (open == null ? "Transaction created" : "Transaction updated") + " for certificate " + name + "!\n\n";
    }

    /** {@code set ssl ocsp-response BASE64}: the DER response stapled to the certificates it is about. */
    private String ocspResponse(String base64) {
        String text = base64.replace("\r", "").replace("\n", "").strip();
        if (text.isEmpty()) {
            return "'set ssl ocsp-response' expects response in base64 encoding.\n\n";
        }
        OcspResponse response;
        try {
            response = OcspResponse.parse(java.util.Base64.getDecoder().decode(text));
        } catch (IllegalArgumentException e) {
            return e.getMessage() != null && e.getMessage().startsWith("OCSP")
                    ? e.getMessage() + ".\n\n"
                    : "'set ssl ocsp-response' received invalid base64 encoded response.\n\n";
        }
        if (tls.staple(response).isEmpty()) {
            return "OCSP single response: Certificate ID does not match any certificate or issuer.\n\n";
        }
        return "OCSP Response updated!\n\n";
    }

    private String commit(String name) {
        PemBundle open = transaction;
        if (open == null || !open.name().equals(name)) {
            return "No ongoing transaction! !\nCan't commit " + name + "!\n\n";
        }
        try {
            tls.replaceCertificate(open);
        } catch (IllegalArgumentException e) {
            return "Committing " + name + ".\n" + e.getMessage() + "\nCan't commit " + name + "!\n\n";
        }
        transaction = null;
        return "Committing " + name + ".\nSuccess!\n\n";
    }

    private String abort(String name) {
        PemBundle open = transaction;
        if (open == null || !open.name().equals(name)) {
            return "No ongoing transaction!\n\n";
        }
        transaction = null;
        return "Transaction aborted for certificate '" + name + "'!\n\n";
    }

    private String show() {
        StringBuilder out = new StringBuilder();
        PemBundle open = transaction;
        if (open != null) {
            out.append("# transaction\n*").append(open.name()).append('\n');
        }
        out.append("# filename\n");
        tls.certificateNames().forEach(name -> out.append(name).append('\n'));
        return out.append('\n').toString();
    }
}
