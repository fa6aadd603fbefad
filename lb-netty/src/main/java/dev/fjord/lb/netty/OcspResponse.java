package dev.fjord.lb.netty;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;

import org.jspecify.annotations.Nullable;

/**
 * An OCSP response (RFC 6960) in DER, read as far as HAProxy reads a {@code .ocsp} file before stapling it: a
 * successful response holding one single response, its certificate ID (hash algorithm, issuer name and key hashes,
 * serial number), status and validity. The signature is the client's to verify, as with HAProxy. Immutable.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6960#section-4.2.1">RFC 6960 4.2.1: ASN.1 of OCSP responses</a>
 */
final class OcspResponse {
    /** SHA-1 and SHA-256, the OIDs of RFC 6960 certificate IDs, in DER. */
    private static final byte[] SHA1 = {0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a};

    private static final byte[] SHA256 = {0x06, 0x09, 0x60, (byte) 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
    /** id-pkix-ocsp-basic, the only response type (RFC 6960 4.2.1). */
    private static final byte[] BASIC = {0x06, 0x09, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01};

    /** Clocks disagree: HAProxy's {@code OCSP_MAX_RESPONSE_TIME_SKEW}. */
    private static final long SKEW_SECONDS = 300;

    private final byte[] der;
    private final String hashAlgorithm;
    private final byte[] issuerNameHash;
    private final byte[] issuerKeyHash;
    private final BigInteger serial;
    private final boolean good;
    private final Instant thisUpdate;
    private final @Nullable Instant nextUpdate;

    private OcspResponse(
            byte[] der,
            String hashAlgorithm,
            byte[] issuerNameHash,
            byte[] issuerKeyHash,
            BigInteger serial,
            boolean good,
            Instant thisUpdate,
            @Nullable Instant nextUpdate) {
        this.der = der;
        this.hashAlgorithm = hashAlgorithm;
        this.issuerNameHash = issuerNameHash;
        this.issuerKeyHash = issuerKeyHash;
        this.serial = serial;
        this.good = good;
        this.thisUpdate = thisUpdate;
        this.nextUpdate = nextUpdate;
    }

    /** The response as read, stapled as it is; not to be modified. */
    byte[] der() {
        return der;
    }

    /**
     * Reads {@code der}.
     *
     * @throws IllegalArgumentException saying what is not as expected
     */
    static OcspResponse parse(byte[] der) {
        Cursor response = new Cursor(der, 0, der.length).enter(0x30, "OCSPResponse");
        byte[] status = response.next(0x0a, "responseStatus");
        if (status.length != 1 || status[0] != 0) {
            throw new IllegalArgumentException(
                    "OCSP response status " + (status.length == 1 ? status[0] : -1) + " (expected: 0, successful)");
        }
        Cursor bytes = response.enter(0xa0, "responseBytes").enter(0x30, "ResponseBytes");
        if (!Arrays.equals(bytes.raw(0x06, "responseType"), BASIC)) {
            throw new IllegalArgumentException("OCSP response type (expected: id-pkix-ocsp-basic)");
        }
        byte[] basic = bytes.next(0x04, "response");
        Cursor data = new Cursor(basic, 0, basic.length)
                .enter(0x30, "BasicOCSPResponse")
                .enter(0x30, "ResponseData");
        data.skipIf(0xa0); // version
        data.skipAny(); // responderID
        data.next(0x18, "producedAt");
        Cursor responses = data.enter(0x30, "responses");
        Cursor single = responses.enter(0x30, "SingleResponse");
        if (responses.hasMore()) {
            throw new IllegalArgumentException("OCSP response with several single responses (expected: one)");
        }
        Cursor certId = single.enter(0x30, "CertID");
        byte[] algorithm = certId.enter(0x30, "hashAlgorithm").raw(0x06, "algorithm");
        String hash = Arrays.equals(algorithm, SHA1) ? "SHA-1" : Arrays.equals(algorithm, SHA256) ? "SHA-256" : null;
        if (hash == null) {
            throw new IllegalArgumentException("OCSP certificate ID hash (expected: SHA-1 or SHA-256)");
        }
        byte[] nameHash = certId.next(0x04, "issuerNameHash");
        byte[] keyHash = certId.next(0x04, "issuerKeyHash");
        BigInteger serial = new BigInteger(certId.next(0x02, "serialNumber"));
        int statusTag = single.peekTag();
        single.skipAny(); // certStatus: good [0] NULL, revoked [1], unknown [2]
        Instant thisUpdate = time(single.next(0x18, "thisUpdate"));
        Instant nextUpdate = null;
        if (single.hasMore() && single.peekTag() == 0xa0) {
            byte[] next = single.next(0xa0, "nextUpdate");
            nextUpdate = time(new Cursor(next, 0, next.length).next(0x18, "nextUpdate"));
        }
        return new OcspResponse(
                der.clone(), hash, nameHash, keyHash, serial, statusTag == 0x80, thisUpdate, nextUpdate);
    }

    /**
     * Why this response cannot be stapled to {@code leaf} at {@code now}, or null when it can: it must say good, be
     * about {@code leaf} (serial and issuer name; the issuer's key too when {@code issuer} is known) and be valid
     * now, within five minutes of clock skew, as HAProxy requires.
     */
    @Nullable
    String problem(X509Certificate leaf, @Nullable X509Certificate issuer, Instant now) {
        if (!serial.equals(leaf.getSerialNumber())
                || !Arrays.equals(
                        issuerNameHash, digest(leaf.getIssuerX500Principal().getEncoded()))
                || (issuer != null && !Arrays.equals(issuerKeyHash, digest(subjectPublicKey(issuer))))) {
            return "it is about certificate serial " + serial.toString(16) + " (expected: the certificate's, "
                    + leaf.getSerialNumber().toString(16) + ", from its issuer)";
        }
        if (!good) {
            return "the certificate's status is not good (revoked or unknown)";
        }
        if (thisUpdate.isAfter(now.plusSeconds(SKEW_SECONDS))) {
            return "it is valid from " + thisUpdate + " only";
        }
        if (nextUpdate != null && nextUpdate.isBefore(now.minusSeconds(SKEW_SECONDS))) {
            return "it expired at " + nextUpdate;
        }
        return null;
    }

    @Override
    public String toString() {
        return "OcspResponse[serial " + serial.toString(16) + ", " + (good ? "good" : "not good") + ", " + thisUpdate
                + " to " + nextUpdate + ", issuer name " + HexFormat.of().formatHex(issuerNameHash) + "]";
    }

    private byte[] digest(byte[] data) {
        try {
            return MessageDigest.getInstance(hashAlgorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(hashAlgorithm + " is part of every JDK", e);
        }
    }

    /** The subjectPublicKey bits of {@code certificate}: what RFC 6960's issuerKeyHash hashes. */
    private static byte[] subjectPublicKey(X509Certificate certificate) {
        byte[] info = certificate.getPublicKey().getEncoded(); // SubjectPublicKeyInfo
        Cursor spki = new Cursor(info, 0, info.length).enter(0x30, "SubjectPublicKeyInfo");
        spki.skipAny(); // algorithm
        byte[] bits = spki.next(0x03, "subjectPublicKey");
        return Arrays.copyOfRange(bits, 1, bits.length); // without the unused-bits byte
    }

    /** A GeneralizedTime, {@code YYYYMMDDHHMMSS[.fff]Z}. */
    private static Instant time(byte[] text) {
        String value = new String(text, java.nio.charset.StandardCharsets.US_ASCII);
        if (value.length() < 15 || !value.endsWith("Z")) {
            throw new IllegalArgumentException("OCSP time '" + value + "' (expected: YYYYMMDDHHMMSSZ)");
        }
        try {
            return LocalDateTime.of(
                            Integer.parseInt(value.substring(0, 4)),
                            Integer.parseInt(value.substring(4, 6)),
                            Integer.parseInt(value.substring(6, 8)),
                            Integer.parseInt(value.substring(8, 10)),
                            Integer.parseInt(value.substring(10, 12)),
                            Integer.parseInt(value.substring(12, 14)))
                    .toInstant(ZoneOffset.UTC);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("OCSP time '" + value + "' (expected: YYYYMMDDHHMMSSZ)", e);
        }
    }

    /** Reads the elements of one DER constructed value in order. */
    private static final class Cursor {
        private final byte[] der;
        private int position;
        private final int end;

        Cursor(byte[] der, int start, int end) {
            this.der = der;
            this.position = start;
            this.end = end;
        }

        boolean hasMore() {
            return position < end;
        }

        int peekTag() {
            if (position >= end) {
                throw new IllegalArgumentException("OCSP response ends early");
            }
            return der[position] & 0xff;
        }

        /** The next element's content, which must be tagged {@code tag}. */
        byte[] next(int tag, String what) {
            int[] element = element(tag, what);
            return Arrays.copyOfRange(der, element[0], element[0] + element[1]);
        }

        /** The next element whole (tag and length too), which must be tagged {@code tag}. */
        byte[] raw(int tag, String what) {
            int start = position;
            int[] element = element(tag, what);
            return Arrays.copyOfRange(der, start, element[0] + element[1]);
        }

        /** A cursor over the next element's content, which must be tagged {@code tag}. */
        Cursor enter(int tag, String what) {
            int[] element = element(tag, what);
            return new Cursor(der, element[0], element[0] + element[1]);
        }

        void skipAny() {
            element(peekTag(), "element");
        }

        void skipIf(int tag) {
            if (hasMore() && peekTag() == tag) {
                skipAny();
            }
        }

        private int[] element(int tag, String what) {
            if (peekTag() != tag) {
                throw new IllegalArgumentException("OCSP response: " + what + " (expected: DER tag 0x"
                        + Integer.toHexString(tag) + ", found 0x" + Integer.toHexString(peekTag()) + ")");
            }
            int[] element = Der.header(der, position);
            if (element == null || element[0] + element[1] > end) {
                throw new IllegalArgumentException("OCSP response: " + what + " is cut short or malformed");
            }
            position = element[0] + element[1];
            return element;
        }
    }
}
