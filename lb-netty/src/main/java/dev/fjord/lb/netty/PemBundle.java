package dev.fjord.lb.netty;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A certificate, its chain and its private key read from PEM as HAProxy's {@code crt} reads them: the certificates
 * in order (the server's first), the key anywhere in the file (PKCS#8 {@code PRIVATE KEY}, PKCS#1
 * {@code RSA PRIVATE KEY} or SEC1 {@code EC PRIVATE KEY}), or in {@code FILE.key} beside it. The key must be that of
 * the first certificate; an encrypted key is refused. Immutable.
 *
 * @param name what names it in messages and on the runtime socket: the path as configured
 * @param chain the certificates, the server's first
 * @param key the private key of {@code chain.get(0)}
 */
record PemBundle(String name, List<X509Certificate> chain, PrivateKey key) {
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----", Pattern.DOTALL);

    PemBundle {
        chain = List.copyOf(chain);
    }

    /**
     * Reads {@code file}.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    static PemBundle read(Path file) {
        return read(file, null);
    }

    /**
     * Reads {@code file}, with its key in {@code keyFile} (a crt-list line's {@code key}); null: in {@code file}, or
     * else in {@code FILE.key} beside it.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    static PemBundle read(Path file, @Nullable Path keyFile) {
        String text = readText(file);
        if (keyFile != null) {
            return parse(file.toString(), text, readText(keyFile), keyFile.toString());
        }
        Path beside = Path.of(file + ".key");
        String keyText = hasKey(text) || !Files.isReadable(beside) ? null : readText(beside);
        return parse(file.toString(), text, keyText);
    }

    /**
     * Parses {@code text} (certificates and key), with the key in {@code keyText} when it is not in {@code text}.
     *
     * @throws IllegalArgumentException naming {@code name} and what is wrong
     */
    static PemBundle parse(String name, String text, @Nullable String keyText) {
        List<X509Certificate> chain = chain(name, text);
        PrivateKey key = privateKey(name, text);
        if (key == null && keyText != null) {
            key = privateKey(name + ".key", keyText);
        }
        if (key == null) {
            throw new IllegalArgumentException(name + ": no private key (expected: BEGIN PRIVATE KEY, BEGIN RSA "
                    + "PRIVATE KEY or BEGIN EC PRIVATE KEY in the file, or in " + name + ".key)");
        }
        requireMatch(name, chain.get(0), key);
        return new PemBundle(name, chain, key);
    }

    /** {@code name}'s chain in {@code text}, with its key in {@code keyText} (the file {@code keyName}). */
    private static PemBundle parse(String name, String text, String keyText, String keyName) {
        List<X509Certificate> chain = chain(name, text);
        PrivateKey key = privateKey(keyName, keyText);
        if (key == null) {
            throw new IllegalArgumentException(keyName + ": no private key (expected: BEGIN PRIVATE KEY, BEGIN RSA "
                    + "PRIVATE KEY or BEGIN EC PRIVATE KEY)");
        }
        requireMatch(name, chain.get(0), key);
        return new PemBundle(name, chain, key);
    }

    private static List<X509Certificate> chain(String name, String text) {
        List<X509Certificate> chain = certificates(name, text);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(name + ": no certificate (expected: a PEM file with BEGIN CERTIFICATE, "
                    + "then its chain and private key)");
        }
        return chain;
    }

    /**
     * The certificates of a {@code ca-file}.
     *
     * @throws IllegalArgumentException naming the file when it holds none or cannot be read
     */
    static List<X509Certificate> caCertificates(Path file) {
        List<X509Certificate> certificates = certificates(file.toString(), readText(file));
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(file + ": no certificate (expected: PEM CA certificates)");
        }
        return certificates;
    }

    /** The names the server certificate serves, lower case: its DNS subject alternative names, then its CN. */
    Set<String> serverNames() {
        Set<String> names = new LinkedHashSet<>();
        X509Certificate leaf = chain.get(0);
        try {
            var alternatives = leaf.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alternative : alternatives) {
                    if (alternative.size() == 2
                            && Integer.valueOf(2).equals(alternative.get(0))
                            && alternative.get(1) instanceof String dns) {
                        names.add(dns.toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // no names from the extension; the CN below still counts
        }
        String cn = DistinguishedNames.commonName(leaf.getSubjectX500Principal());
        if (cn != null) {
            names.add(cn.toLowerCase(Locale.ROOT));
        }
        return names;
    }

    private static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read (" + e.getMessage() + ")");
        } catch (RuntimeException e) { // MalformedInputException is an IOException; others: not text
            throw new IllegalArgumentException(file + ": not a PEM text file");
        }
    }

    private static boolean hasKey(String text) {
        return text.contains("PRIVATE KEY-----");
    }

    private static List<X509Certificate> certificates(String name, String text) {
        List<X509Certificate> certificates = new ArrayList<>();
        Matcher block = BLOCK.matcher(text);
        while (block.find()) {
            if (!block.group(1).equals("CERTIFICATE") && !block.group(1).equals("TRUSTED CERTIFICATE")) {
                continue;
            }
            try {
                CertificateFactory factory = CertificateFactory.getInstance("X.509");
                certificates.add((X509Certificate)
                        factory.generateCertificate(new ByteArrayInputStream(decode(name, block.group(2)))));
            } catch (CertificateException e) {
                throw new IllegalArgumentException(name + ": certificate " + (certificates.size() + 1)
                        + " cannot be read (" + e.getMessage() + ")");
            }
        }
        return certificates;
    }

    private static @Nullable PrivateKey privateKey(String name, String text) {
        Matcher block = BLOCK.matcher(text);
        while (block.find()) {
            String type = block.group(1);
            if (type.equals("ENCRYPTED PRIVATE KEY") || block.group(2).contains("Proc-Type: 4,ENCRYPTED")) {
                throw new IllegalArgumentException(name + ": the private key is encrypted (expected: an unencrypted "
                        + "key, as HAProxy reads without a passphrase)");
            }
            byte[] der = switch (type) {
                case "PRIVATE KEY" -> decode(name, block.group(2));
                case "RSA PRIVATE KEY" -> PrivateKeys.pkcs8FromPkcs1(decode(name, block.group(2)));
                case "EC PRIVATE KEY" -> PrivateKeys.pkcs8FromSec1(name, decode(name, block.group(2)));
                default -> null;
            };
            if (der != null) {
                return PrivateKeys.load(name, new PKCS8EncodedKeySpec(der));
            }
        }
        return null;
    }

    private static byte[] decode(String name, String base64) {
        try {
            return Base64.getMimeDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": invalid base64 in a PEM block");
        }
    }

    /** Refuses a key that is not the certificate's, as HAProxy does ("inconsistencies between private key"). */
    private static void requireMatch(String name, X509Certificate certificate, PrivateKey key) {
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        if (!key.getAlgorithm().equals("EC") && !key.getAlgorithm().equals("RSA")) {
            return; // Ed25519 and others: left to the TLS library
        }
        try {
            byte[] probe = name.getBytes(StandardCharsets.UTF_8);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // a key of another type than the certificate's: reported below
        }
        throw new IllegalArgumentException(
                name + ": the private key is not the certificate's (expected: the key of the first certificate)");
    }

    /** Key formats HAProxy reads that Java's {@link KeyFactory} does not, wrapped into PKCS#8. */
    static final class PrivateKeys {
        private PrivateKeys() {}

        static PrivateKey load(String name, PKCS8EncodedKeySpec spec) {
            for (String algorithm : List.of("RSA", "EC", "Ed25519", "RSASSA-PSS")) {
                try {
                    return KeyFactory.getInstance(algorithm).generatePrivate(spec);
                } catch (GeneralSecurityException e) {
                    // the next algorithm
                }
            }
            throw new IllegalArgumentException(name + ": the private key cannot be read (expected: RSA or EC)");
        }

        /** PKCS#1 {@code RSAPrivateKey} inside a PKCS#8 {@code PrivateKeyInfo} with rsaEncryption. */
        static byte[] pkcs8FromPkcs1(byte[] pkcs1) {
            byte[] rsaAlgorithm = {
                0x30,
                0x0d,
                0x06,
                0x09,
                0x2a,
                (byte) 0x86,
                0x48,
                (byte) 0x86,
                (byte) 0xf7,
                0x0d,
                0x01,
                0x01,
                0x01,
                0x05,
                0x00
            };
            return Der.sequence(Der.concat(new byte[] {0x02, 0x01, 0x00}, rsaAlgorithm, Der.tlv(0x04, pkcs1)));
        }

        /** SEC1 {@code ECPrivateKey} inside a PKCS#8 {@code PrivateKeyInfo} with id-ecPublicKey and its curve. */
        static byte[] pkcs8FromSec1(String name, byte[] sec1) {
            byte[] curve = Der.contextTag(sec1, 0xa0); // parameters [0]: the named curve's OID
            if (curve == null) {
                throw new IllegalArgumentException(name + ": EC PRIVATE KEY without its curve (expected: a named "
                        + "curve, as openssl ecparam -genkey writes it)");
            }
            byte[] ecPublicKey = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
            byte[] algorithm = Der.sequence(Der.concat(ecPublicKey, curve));
            return Der.sequence(Der.concat(new byte[] {0x02, 0x01, 0x00}, algorithm, Der.tlv(0x04, sec1)));
        }
    }
}
