package dev.fjord.lb.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import org.jspecify.annotations.Nullable;

/**
 * The crypt(3) password hashes HAProxy's {@code userlist} {@code password} lines carry and glibc reads: MD5-crypt
 * ({@code $1$}) and SHA-crypt ({@code $5$} SHA-256, {@code $6$} SHA-512, with {@code rounds=N$}), after Ulrich
 * Drepper's specification. Other schemes (DES, bcrypt, yescrypt) are refused where the configuration is read. Stateless
 * and thread-safe.
 */
final class Crypt {
    private static final String ALPHABET = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final int DEFAULT_ROUNDS = 5000;

    private Crypt() {}

    /**
     * A whole hash of the schemes this class computes: the scheme, {@code rounds=N$} for SHA-crypt, the salt, then the
     * digest of its length in crypt's alphabet (a hash cut short in a copy would otherwise never match).
     */
    private static final java.util.regex.Pattern WHOLE =
            java.util.regex.Pattern.compile("\\$1\\$[^$\\s]{0,8}\\$[./0-9A-Za-z]{22}"
                    + "|\\$5\\$(rounds=[0-9]{1,9}\\$)?[^$\\s]{0,16}\\$[./0-9A-Za-z]{43}"
                    + "|\\$6\\$(rounds=[0-9]{1,9}\\$)?[^$\\s]{0,16}\\$[./0-9A-Za-z]{86}");

    /** Whether {@code hash} is a whole hash of a scheme this class computes ({@code $1$}, {@code $5$}, {@code $6$}). */
    static boolean supports(String hash) {
        return WHOLE.matcher(hash).matches();
    }

    /** Whether {@code password} hashes to {@code hash}, compared in constant time. */
    static boolean matches(String hash, String password) {
        String computed = hash(hash, password);
        return computed != null
                && MessageDigest.isEqual(
                        computed.getBytes(StandardCharsets.UTF_8), hash.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code password} hashed with the scheme, salt and rounds {@code setting} (a hash, or its {@code $id$salt}). */
    static @Nullable String hash(String setting, String password) {
        byte[] key = password.getBytes(StandardCharsets.UTF_8);
        if (setting.startsWith("$1$")) {
            return md5(key, salt(setting.substring(3), 8));
        }
        if (setting.startsWith("$5$")) {
            return sha(key, setting.substring(3), "SHA-256", "$5$");
        }
        if (setting.startsWith("$6$")) {
            return sha(key, setting.substring(3), "SHA-512", "$6$");
        }
        return null;
    }

    private static String salt(String rest, int max) {
        int end = rest.indexOf('$');
        String salt = end < 0 ? rest : rest.substring(0, end);
        return salt.length() > max ? salt.substring(0, max) : salt;
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from this JVM", e);
        }
    }

    private static String sha(byte[] key, String rest, String algorithm, String prefix) {
        int rounds = DEFAULT_ROUNDS;
        boolean roundsGiven = false;
        if (rest.startsWith("rounds=")) {
            int end = rest.indexOf('$');
            if (end < 0) {
                return "";
            }
            try {
                long asked = Long.parseLong(rest.substring(7, end));
                rounds = (int) Math.max(1000, Math.min(999_999_999L, asked));
            } catch (NumberFormatException e) {
                return "";
            }
            roundsGiven = true;
            rest = rest.substring(end + 1);
        }
        byte[] salt = salt(rest, 16).getBytes(StandardCharsets.UTF_8);
        MessageDigest md = digest(algorithm);
        md.update(key);
        md.update(salt);
        md.update(key);
        byte[] b = md.digest();
        int size = b.length;
        md.update(key);
        md.update(salt);
        int count = key.length;
        for (; count > size; count -= size) {
            md.update(b);
        }
        md.update(b, 0, count);
        for (count = key.length; count > 0; count >>= 1) {
            md.update((count & 1) != 0 ? b : key);
        }
        byte[] a = md.digest();
        for (int i = 0; i < key.length; i++) {
            md.update(key);
        }
        byte[] p = repeat(md.digest(), key.length);
        for (int i = 0; i < 16 + (a[0] & 0xff); i++) {
            md.update(salt);
        }
        byte[] s = repeat(md.digest(), salt.length);
        byte[] c = a;
        for (int i = 0; i < rounds; i++) {
            md.update((i & 1) != 0 ? p : c);
            if (i % 3 != 0) {
                md.update(s);
            }
            if (i % 7 != 0) {
                md.update(p);
            }
            md.update((i & 1) != 0 ? c : p);
            c = md.digest();
        }
        StringBuilder out = new StringBuilder(prefix);
        if (roundsGiven) {
            out.append("rounds=").append(rounds).append('$');
        }
        out.append(new String(salt, StandardCharsets.UTF_8)).append('$');
        if (size == 32) {
            for (int k = 0; k < 10; k++) {
                int x = k;
                int y = k + 10;
                int z = k + 20;
                switch (k % 3) {
                    case 0 -> encode(out, c[x], c[y], c[z], 4);
                    case 1 -> encode(out, c[z], c[x], c[y], 4);
                    default -> encode(out, c[y], c[z], c[x], 4);
                }
            }
            encode(out, (byte) 0, c[31], c[30], 3);
        } else {
            for (int k = 0; k < 21; k++) {
                int first = k * 22 % 63;
                encode(out, c[first], c[(first + 21) % 63], c[(first + 42) % 63], 4);
            }
            encode(out, (byte) 0, (byte) 0, c[63], 2);
        }
        return out.toString();
    }

    private static String md5(byte[] key, String saltText) {
        byte[] salt = saltText.getBytes(StandardCharsets.UTF_8);
        MessageDigest md = digest("MD5");
        md.update(key);
        md.update(salt);
        md.update(key);
        byte[] last = md.digest();
        md.update(key);
        md.update("$1$".getBytes(StandardCharsets.US_ASCII));
        md.update(salt);
        for (int left = key.length; left > 0; left -= 16) {
            md.update(last, 0, Math.min(left, 16));
        }
        for (int i = key.length; i != 0; i >>>= 1) {
            md.update((i & 1) != 0 ? 0 : key[0]);
        }
        byte[] f = md.digest();
        for (int i = 0; i < 1000; i++) {
            md.update((i & 1) != 0 ? key : f);
            if (i % 3 != 0) {
                md.update(salt);
            }
            if (i % 7 != 0) {
                md.update(key);
            }
            md.update((i & 1) != 0 ? f : key);
            f = md.digest();
        }
        StringBuilder out = new StringBuilder("$1$").append(saltText).append('$');
        encode(out, f[0], f[6], f[12], 4);
        encode(out, f[1], f[7], f[13], 4);
        encode(out, f[2], f[8], f[14], 4);
        encode(out, f[3], f[9], f[15], 4);
        encode(out, f[4], f[10], f[5], 4);
        encode(out, (byte) 0, (byte) 0, f[11], 2);
        return out.toString();
    }

    private static byte[] repeat(byte[] digest, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = digest[i % digest.length];
        }
        return out;
    }

    private static void encode(StringBuilder out, byte high, byte middle, byte low, int chars) {
        int word = ((high & 0xff) << 16) | ((middle & 0xff) << 8) | (low & 0xff);
        for (int i = 0; i < chars; i++) {
            out.append(ALPHABET.charAt(word & 0x3f));
            word >>>= 6;
        }
    }
}
