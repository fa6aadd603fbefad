package dev.fjord.lb.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * A {@code crt-list} file as HAProxy reads it: one certificate a line,
 * {@code PATH [[OPTION ...]] [[!]SNI-FILTER ...]}; blank lines and {@code #} comments are skipped. The options in
 * brackets override the bind's for that certificate: {@code alpn LIST}, {@code no-alpn}, {@code ssl-min-ver V},
 * {@code ssl-max-ver V}, {@code ciphers LIST}, {@code ciphersuites LIST}, {@code curves LIST}, {@code ca-file FILE},
 * {@code verify none|optional|required}, {@code key FILE}; the others HAProxy knows ({@code ecdhe}, {@code ocsp},
 * ...) are refused by name. A filter names an SNI the certificate serves ({@code *.example.com} covers one label),
 * {@code !name} excludes one from the line's wildcards, {@code *} makes it a default certificate; a line with filters
 * serves their names instead of those of its certificate. Relative paths resolve from {@code crt-base} (certificates
 * and keys) and {@code ca-base} (CA files) when given. Stateless.
 */
public final class CrtList {
    private static final List<String> SUPPORTED = List.of(
            "alpn",
            "no-alpn",
            "ssl-min-ver",
            "ssl-max-ver",
            "ciphers",
            "ciphersuites",
            "curves",
            "ca-file",
            "verify",
            "key");
    private static final List<String> NOT_YET = List.of(
            "allow-0rtt",
            "ca-verify-file",
            "client-sigalgs",
            "crl-file",
            "ecdhe",
            "no-ca-names",
            "npn",
            "sigalgs",
            "crt",
            "ocsp",
            "issuer",
            "sctl",
            "ocsp-update");

    /**
     * What one line overrides; null (or {@code alpn} null): the bind's setting.
     *
     * @param alpn the protocols offered by ALPN; empty: none ({@code no-alpn})
     */
    public record Options(
            @Nullable List<String> alpn,
            @Nullable TlsVersion minVersion,
            @Nullable TlsVersion maxVersion,
            @Nullable String ciphers,
            @Nullable String cipherSuites,
            @Nullable Path caFile,
            @Nullable TlsVerify verify,
            @Nullable String curves) {
        /** Nothing overridden: a {@code crt} of the bind line. */
        public static final Options NONE = new Options(null, null, null, null, null, null, null, null);

        public Options {
            alpn = alpn == null ? null : List.copyOf(alpn);
        }
    }

    /**
     * One line.
     *
     * @param certificate the PEM file (chain and, unless {@code key} is set, its key)
     * @param key the private key's file ({@code key}); null: in the certificate's file or {@code FILE.key}
     * @param names the names it serves (exact or {@code *.domain}); empty with no filter at all: its certificate's
     * @param excluded names its wildcards do not serve ({@code !name})
     * @param fallback a default certificate ({@code *}), served when no name matches
     * @param options what it overrides of the bind's settings
     * @param origin {@code FILE:LINE}, for messages
     */
    public record Entry(
            Path certificate,
            @Nullable Path key,
            List<String> names,
            List<String> excluded,
            boolean fallback,
            Options options,
            String origin) {
        public Entry {
            names = List.copyOf(names);
            excluded = List.copyOf(excluded);
        }

        /** A {@code crt} of the bind line: its certificate's names, the bind's settings. */
        public static Entry of(Path certificate) {
            return new Entry(certificate, null, List.of(), List.of(), false, Options.NONE, certificate.toString());
        }

        /** Whether the line has SNI filters, which then replace its certificate's names. */
        public boolean filtered() {
            return !names.isEmpty() || !excluded.isEmpty() || fallback;
        }
    }

    private CrtList() {}

    /**
     * Reads {@code file}; {@code crtBase} and {@code caBase} (nullable) are the directories relative paths resolve
     * from, as HAProxy's {@code crt-base} and {@code ca-base}.
     *
     * @throws ConfigException naming the file, its line and what is wrong
     */
    public static List<Entry> read(Path file, @Nullable Path crtBase, @Nullable Path caBase) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException("crt-list '" + file + "': no such file");
        } catch (IOException e) {
            throw new ConfigException("crt-list '" + file + "': cannot read (" + e.getMessage() + ")");
        }
        return parse(file.toString(), lines, crtBase, caBase);
    }

    /**
     * Parses the lines of the crt-list {@code name}.
     *
     * @throws ConfigException naming {@code name}, the line and what is wrong
     */
    public static List<Entry> parse(String name, List<String> lines, @Nullable Path crtBase, @Nullable Path caBase) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String origin = "crt-list " + name + ":" + (i + 1);
            try {
                entries.add(line(line, origin, crtBase, caBase));
            } catch (ConfigException e) {
                throw new ConfigException(origin + ": " + e.getMessage());
            }
        }
        if (entries.isEmpty()) {
            throw new ConfigException(
                    "crt-list " + name + ": no certificate (expected: lines PATH [[OPTION ...]] [SNI-FILTER ...])");
        }
        return entries;
    }

    private static Entry line(String line, String origin, @Nullable Path crtBase, @Nullable Path caBase) {
        int end = firstSpace(line);
        Path certificate = resolve(crtBase, line.substring(0, end));
        String rest = line.substring(end).strip();
        List<String> optionWords = List.of();
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw new ConfigException("'[' without ']' (expected: PATH [OPTION ...] [SNI-FILTER ...])");
            }
            optionWords = words(rest.substring(1, close));
            rest = rest.substring(close + 1).strip();
        }
        Path[] key = {null};
        Options options = options(optionWords, crtBase, caBase, key);
        List<String> names = new ArrayList<>();
        List<String> excluded = new ArrayList<>();
        boolean fallback = false;
        for (String filter : words(rest)) {
            String sni = filter.toLowerCase(Locale.ROOT);
            if (sni.equals("*")) {
                fallback = true;
            } else if (sni.startsWith("!")) {
                if (!sni.startsWith("!*")) { // HAProxy ignores a negated wildcard
                    excluded.add(sni.substring(1));
                }
            } else if (sni.contains("[") || sni.contains("]")) {
                throw new ConfigException("'" + filter + "': options go in one [...] right after the path");
            } else {
                names.add(sni);
            }
        }
        return new Entry(certificate, key[0], names, excluded, fallback, options, origin);
    }

    /** The options in {@code words}; a {@code key FILE} goes to {@code key[0]}. */
    private static Options options(
            List<String> words, @Nullable Path crtBase, @Nullable Path caBase, @Nullable Path[] key) {
        List<String> alpn = null;
        TlsVersion min = null;
        TlsVersion max = null;
        String ciphers = null;
        String suites = null;
        Path caFile = null;
        TlsVerify verify = null;
        String curves = null;
        TlsBind.Builder check = TlsBind.Builder.checking("[...]"); // its setters check the values
        for (int i = 0; i < words.size(); i++) {
            String option = words.get(i);
            switch (option) {
                case "no-alpn" -> alpn = List.of();
                case "alpn" -> {
                    alpn = List.of(value(words, ++i, option).split(",", -1));
                    check.alpn(alpn.toArray(String[]::new));
                }
                case "ssl-min-ver" -> min = version(option, value(words, ++i, option));
                case "ssl-max-ver" -> max = version(option, value(words, ++i, option));
                case "ciphers" -> {
                    ciphers = value(words, ++i, option);
                    check.ciphers(ciphers);
                }
                case "ciphersuites" -> {
                    suites = value(words, ++i, option);
                    check.cipherSuites(suites);
                }
                case "curves" -> {
                    curves = value(words, ++i, option);
                    check.curves(curves);
                }
                case "ca-file" -> caFile = resolve(caBase, value(words, ++i, option));
                case "key" -> key[0] = resolve(crtBase, value(words, ++i, option));
                case "verify" -> verify = TlsVerify.parse(value(words, ++i, option));
                default ->
                    throw new ConfigException((NOT_YET.contains(option)
                                    ? "option '" + option + "' is not supported yet"
                                    : "unknown option '" + option + "'")
                            + " (supported in [...]: " + String.join(", ", SUPPORTED) + ")");
            }
        }
        return new Options(alpn, min, max, ciphers, suites, caFile, verify, curves);
    }

    private static TlsVersion version(String option, String word) {
        try {
            return TlsVersion.parse(word);
        } catch (ConfigException e) {
            throw new ConfigException(option + " " + e.getMessage());
        }
    }

    private static String value(List<String> words, int index, String option) {
        if (index >= words.size()) {
            throw new ConfigException("'" + option + "' needs a value");
        }
        return words.get(index);
    }

    /**
     * {@code path}, from {@code base} when relative and a base is given, as HAProxy reads files under {@code crt-base}
     * and {@code ca-base}.
     *
     * @throws ConfigException when it is not a path
     */
    public static Path resolve(@Nullable Path base, String path) {
        try {
            Path given = Path.of(path);
            return base == null || given.isAbsolute() ? given : base.resolve(given);
        } catch (InvalidPathException e) {
            throw new ConfigException("'" + path + "' (expected: a file path)");
        }
    }

    private static int firstSpace(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (Character.isWhitespace(line.charAt(i))) {
                return i;
            }
        }
        return line.length();
    }

    private static List<String> words(String text) {
        String stripped = text.strip();
        return stripped.isEmpty() ? List.of() : List.of(stripped.split("\\s+"));
    }
}
