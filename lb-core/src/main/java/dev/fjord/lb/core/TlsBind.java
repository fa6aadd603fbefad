package dev.fjord.lb.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * TLS on a bind ({@code bind ADDRESS ssl crt ...}): where the certificates are and how handshakes go. Holds paths
 * and options only; the transport loads the files. Immutable; made by {@link Builder}, e.g.
 * {@code f.bind("127.0.0.1:8443", b -> b.ssl(t -> t.crt("/etc/fjord/site.pem").alpn("http/1.1")))}.
 *
 * @param certificates {@code crt} paths in order: a PEM file holding a certificate, its chain and its private key
 *     (a key in {@code FILE.key} beside it also does), or a directory whose every such file counts, in name order.
 *     The first certificate is the default one, served when the client's SNI matches none
 * @param crtList a {@code crt-list} file: one certificate path per line, optionally followed by options of its own
 *     and the SNI names it serves ({@link CrtList}); null: none
 * @param listed the lines of {@code crtList}, read when the settings are built; empty without one
 * @param alpn the protocols offered by ALPN, in preference order ({@code alpn h2,http/1.1}); empty (the default):
 *     no ALPN. An HTTP frontend offers only {@code http/1.1} of them until Fjord speaks HTTP/2
 * @param minVersion the lowest version accepted ({@code ssl-min-ver}); default {@link TlsVersion#TLS_1_2}, as HAProxy
 * @param maxVersion the highest ({@code ssl-max-ver}); default {@link TlsVersion#TLS_1_3}
 * @param ciphers the TLS 1.2 and older cipher list in OpenSSL's syntax ({@code ciphers}); null: the library's
 * @param cipherSuites the TLS 1.3 suites, {@code :}-separated ({@code ciphersuites}); null: the library's
 * @param caFile the CAs that client certificates must chain to ({@code ca-file}); null: none
 * @param verify whether client certificates are asked for ({@code verify}); default {@link TlsVerify#NONE}
 * @param strictSni a handshake whose SNI matches no certificate is refused instead of served the default one
 *     ({@code strict-sni})
 * @param curves the key exchange groups offered, {@code :}-separated in preference order ({@code curves
 *     X25519:P-256}); null: the library's
 * @param tickets whether sessions resume by tickets; default true ({@code no-tls-tickets}: false)
 * @param preferClientCiphers the client's cipher order wins over the server's ({@code prefer-client-ciphers});
 *     default false
 */
public record TlsBind(
        List<Path> certificates,
        @Nullable Path crtList,
        List<CrtList.Entry> listed,
        List<String> alpn,
        TlsVersion minVersion,
        TlsVersion maxVersion,
        @Nullable String ciphers,
        @Nullable String cipherSuites,
        @Nullable Path caFile,
        TlsVerify verify,
        boolean strictSni,
        @Nullable String curves,
        boolean tickets,
        boolean preferClientCiphers) {

    public TlsBind {
        certificates = List.copyOf(certificates);
        listed = List.copyOf(listed);
        alpn = List.copyOf(alpn);
        Objects.requireNonNull(minVersion, "minVersion");
        Objects.requireNonNull(maxVersion, "maxVersion");
        Objects.requireNonNull(verify, "verify");
    }

    /** Every file this bind reads: certificates, the crt-list, the CA file. */
    public List<Path> files() {
        List<Path> files = new ArrayList<>(certificates);
        if (crtList != null) {
            files.add(crtList);
        }
        if (caFile != null) {
            files.add(caFile);
        }
        return files;
    }

    /**
     * The settings a crt-list line's certificate is served with: these, with what the line overrides.
     *
     * @throws ConfigException naming the line when the result does not hold together (a minimum above the maximum,
     *     {@code verify} without a CA file)
     */
    public TlsBind settingsOf(CrtList.Entry entry) {
        CrtList.Options o = entry.options();
        if (o.equals(CrtList.Options.NONE)) {
            return this;
        }
        TlsBind over = new TlsBind(
                List.of(entry.certificate()),
                null,
                List.of(),
                o.alpn() == null ? alpn : o.alpn(),
                o.minVersion() == null ? minVersion : o.minVersion(),
                o.maxVersion() == null ? maxVersion : o.maxVersion(),
                o.ciphers() == null ? ciphers : o.ciphers(),
                o.cipherSuites() == null ? cipherSuites : o.cipherSuites(),
                o.caFile() == null ? caFile : o.caFile(),
                o.verify() == null ? verify : o.verify(),
                strictSni,
                o.curves() == null ? curves : o.curves(),
                tickets,
                preferClientCiphers);
        Builder.check(entry.origin(), over);
        return over;
    }

    /** Builds a {@link TlsBind}; not thread-safe. Values are checked when set, the whole at {@code build}. */
    public static final class Builder {
        private final String context;
        private final List<Path> certificates = new ArrayList<>();
        private @Nullable Path crtList;
        private @Nullable Path crtBase;
        private @Nullable Path caBase;
        private List<String> alpn = List.of();
        private TlsVersion minVersion = TlsVersion.TLS_1_2;
        private TlsVersion maxVersion = TlsVersion.TLS_1_3;
        private @Nullable String ciphers;
        private @Nullable String cipherSuites;
        private @Nullable Path caFile;
        private TlsVerify verify = TlsVerify.NONE;
        private boolean strictSni;
        private @Nullable String curves;
        private boolean tickets = true;
        private boolean preferClientCiphers;

        /** @param context names the bind in messages, e.g. {@code frontend 'main': bind '*:443'} */
        Builder(String context) {
            this(context, ": ssl");
        }

        private Builder(String context, String suffix) {
            this.context = context + suffix;
        }

        /** A builder whose setters check values for a crt-list line, naming it {@code context} in messages. */
        static Builder checking(String context) {
            return new Builder(context, "");
        }

        /** Adds {@code crt FILE|DIR}; the first certificate added is the default one. */
        public Builder crt(Path fileOrDirectory) {
            certificates.add(Objects.requireNonNull(fileOrDirectory, "fileOrDirectory"));
            return this;
        }

        /** Adds {@code crt FILE|DIR}. */
        public Builder crt(String fileOrDirectory) {
            return crt(path("crt", fileOrDirectory));
        }

        /**
         * {@code crt-list FILE}: certificates, each with options of its own and the SNI names it serves, one a line
         * ({@link CrtList}); read at {@code build}, relative paths in it from the working directory.
         */
        public Builder crtList(String file) {
            return crtList(file, null, null);
        }

        /**
         * {@code crt-list FILE}, relative paths in it resolved as HAProxy's {@code crt-base} (certificates, keys) and
         * {@code ca-base} (CA files) say; null: from the working directory.
         */
        public Builder crtList(String file, @Nullable Path crtBase, @Nullable Path caBase) {
            this.crtList = path("crt-list", file);
            this.crtBase = crtBase;
            this.caBase = caBase;
            return this;
        }

        /** {@code alpn PROTOCOLS...}: the protocols offered, in preference order, e.g. {@code h2}, {@code http/1.1}. */
        public Builder alpn(String... protocols) {
            List<String> list = List.of(protocols);
            if (list.isEmpty()) {
                throw new ConfigException(context + ": alpn: no protocol (expected: e.g. alpn http/1.1)");
            }
            for (String protocol : list) {
                if (protocol.isEmpty()
                        || protocol.length() > 255
                        || protocol.chars().anyMatch(c -> c <= ' ' || c >= 0x7f || c == ',')) {
                    throw new ConfigException(context + ": alpn '" + protocol
                            + "' (expected: protocol names of 1-255 printable characters, e.g. h2,http/1.1)");
                }
            }
            this.alpn = list;
            return this;
        }

        /** {@code ssl-min-ver}: the lowest version accepted; default TLSv1.2. */
        public Builder minVersion(TlsVersion version) {
            this.minVersion = Objects.requireNonNull(version, "version");
            return this;
        }

        /** {@code ssl-max-ver}: the highest version accepted; default TLSv1.3. */
        public Builder maxVersion(TlsVersion version) {
            this.maxVersion = Objects.requireNonNull(version, "version");
            return this;
        }

        /** {@code ciphers}: TLS 1.2 and older ciphers, OpenSSL's syntax ({@code ECDHE-ECDSA-AES128-GCM-SHA256:...}). */
        public Builder ciphers(String ciphers) {
            this.ciphers = cipherList("ciphers", ciphers);
            return this;
        }

        /** {@code ciphersuites}: TLS 1.3 suites, e.g. {@code TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384}. */
        public Builder cipherSuites(String suites) {
            this.cipherSuites = cipherList("ciphersuites", suites);
            return this;
        }

        /** {@code ca-file FILE}: the CAs client certificates must chain to. */
        public Builder caFile(String file) {
            this.caFile = path("ca-file", file);
            return this;
        }

        /** {@code verify none|optional|required}: whether client certificates are asked for; default none. */
        public Builder verify(TlsVerify verify) {
            this.verify = Objects.requireNonNull(verify, "verify");
            return this;
        }

        /** {@code strict-sni}: refuse a handshake whose SNI matches no certificate. */
        public Builder strictSni() {
            this.strictSni = true;
            return this;
        }

        /** {@code curves}: the key exchange groups offered, e.g. {@code X25519:P-256}; default: the library's. */
        public Builder curves(String curves) {
            this.curves = cipherList("curves", curves);
            return this;
        }

        /**
         * {@code no-tls-tickets} ({@code false}): sessions do not resume by tickets (TLS 1.3 then resumes none);
         * {@code tls-tickets} ({@code true}, the default) undoes it.
         */
        public Builder tlsTickets(boolean enabled) {
            this.tickets = enabled;
            return this;
        }

        /** {@code prefer-client-ciphers}: the client's cipher order wins over the server's. */
        public Builder preferClientCiphers() {
            this.preferClientCiphers = true;
            return this;
        }

        /**
         * The settings.
         *
         * @throws ConfigException naming the bind, the value and what was expected
         */
        TlsBind build() {
            if (certificates.isEmpty() && crtList == null) {
                throw new ConfigException(context + ": no certificate (expected: crt FILE|DIR or crt-list FILE)");
            }
            List<CrtList.Entry> listed;
            try {
                listed = crtList == null ? List.of() : CrtList.read(crtList, crtBase, caBase);
            } catch (ConfigException e) {
                throw new ConfigException(context + ": " + e.getMessage());
            }
            TlsBind built = new TlsBind(
                    certificates,
                    crtList,
                    listed,
                    alpn,
                    minVersion,
                    maxVersion,
                    ciphers,
                    cipherSuites,
                    caFile,
                    verify,
                    strictSni,
                    curves,
                    tickets,
                    preferClientCiphers);
            check(context, built);
            for (CrtList.Entry entry : listed) {
                try {
                    built.settingsOf(entry);
                } catch (ConfigException e) {
                    throw new ConfigException(context + ": " + e.getMessage());
                }
            }
            return built;
        }

        /** Checks what the settings say together; {@code context} names them in messages. */
        static void check(String context, TlsBind settings) {
            if (settings.minVersion().compareTo(settings.maxVersion()) > 0) {
                throw new ConfigException(context + ": ssl-min-ver " + settings.minVersion() + " is above ssl-max-ver "
                        + settings.maxVersion() + " (expected: min <= max)");
            }
            if (settings.verify() != TlsVerify.NONE && settings.caFile() == null) {
                throw new ConfigException(
                        context + ": verify " + settings.verify().keyword()
                                + " without ca-file (expected: ca-file FILE naming the CAs client certificates"
                                + " chain to)");
            }
        }

        private Path path(String what, String file) {
            Objects.requireNonNull(file, what);
            if (file.isBlank()) {
                throw new ConfigException(context + ": " + what + " '' (expected: a file path)");
            }
            try {
                return Path.of(file);
            } catch (java.nio.file.InvalidPathException e) {
                throw new ConfigException(context + ": " + what + " '" + file + "' (expected: a file path)");
            }
        }

        private String cipherList(String what, String list) {
            return Require.nameList(context, what, list);
        }
    }
}
