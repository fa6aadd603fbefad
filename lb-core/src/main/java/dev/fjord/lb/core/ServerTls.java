package dev.fjord.lb.core;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.internal.InetAddresses;

/**
 * TLS to a server ({@code server ... ssl}) and to its health checks ({@code check-ssl}), as HAProxy configures it.
 * Holds paths and options only; the transport loads the files. Immutable; made through
 * {@link ServerConfig.Builder#ssl(java.util.function.Consumer)}, e.g.
 * {@code s.ssl(t -> t.caFile("/etc/fjord/ca.pem").sni("req.hdr(host)"))}.
 *
 * @param traffic requests go over TLS ({@code ssl})
 * @param checks health checks go over TLS ({@code check-ssl}; HAProxy's default: when {@code traffic} and the checks
 *     have neither their own {@code port} nor {@code addr})
 * @param verify whether the server's certificate is checked ({@code verify}); default {@link TlsVerify#REQUIRED}, as
 *     HAProxy's {@code ssl-server-verify}
 * @param caFile the CAs the server's certificate must chain to ({@code ca-file}); null: {@code systemCa} or none
 * @param systemCa the JDK's trusted CAs ({@code ca-file @system-ca})
 * @param verifyHost the name the certificate must hold when no SNI is sent ({@code verifyhost}); the SNI sent, when
 *     there is one, is checked instead; with neither, only the chain is checked
 * @param sni the sample expression whose value is sent as SNI ({@code sni}): {@code str(NAME)},
 *     {@code req.hdr(host)} (the port removed), {@code ssl_fc_sni} (the client's) or another table-key fetch; null:
 *     none
 * @param checkSni the SNI of health checks ({@code check-sni}); default the {@code sni} when it is a constant
 *     {@code str(NAME)}, else none
 * @param alpn the protocols offered by ALPN ({@code alpn}); empty: none
 * @param certificate a PEM file with the client certificate, its chain and key presented to the server
 *     ({@code crt}); null: none
 * @param minVersion the lowest version ({@code ssl-min-ver}); default TLSv1.2
 * @param maxVersion the highest version ({@code ssl-max-ver}); default TLSv1.3
 * @param ciphers the TLS 1.2 and older cipher list in OpenSSL's syntax ({@code ciphers}); null: the library's
 * @param cipherSuites the TLS 1.3 suites, {@code :}-separated ({@code ciphersuites}); null: the library's
 * @param tickets whether sessions with the server resume by tickets; default true ({@code no-tls-tickets}: false)
 */
public record ServerTls(
        boolean traffic,
        boolean checks,
        TlsVerify verify,
        @Nullable Path caFile,
        boolean systemCa,
        @Nullable String verifyHost,
        @Nullable String sni,
        @Nullable String checkSni,
        List<String> alpn,
        @Nullable Path certificate,
        TlsVersion minVersion,
        TlsVersion maxVersion,
        @Nullable String ciphers,
        @Nullable String cipherSuites,
        boolean tickets) {
    /** {@code ca-file @system-ca}: the JDK's trusted CAs. */
    public static final String SYSTEM_CA = "@system-ca";

    /** Parsed sni expressions, by their text: configurations hold few. */
    private static final Map<String, SampleFetch> EXPRESSIONS = new ConcurrentHashMap<>();

    public ServerTls {
        Objects.requireNonNull(verify, "verify");
        alpn = List.copyOf(alpn);
        Objects.requireNonNull(minVersion, "minVersion");
        Objects.requireNonNull(maxVersion, "maxVersion");
    }

    /**
     * The server name sent for {@code request}: the {@code sni} expression's value, without a {@code :port}; null
     * when there is no expression or no value, or the value is an IP address (TLS sends host names only).
     */
    public @Nullable String sni(RequestHead request) {
        if (sni == null) {
            return null;
        }
        Object value = EXPRESSIONS.computeIfAbsent(sni, SampleFetch::parse).fetch(request);
        return value == null ? null : serverName(value.toString());
    }

    /** The SNI of health checks: {@code check-sni}, else a constant {@code sni str(NAME)}, else null. */
    public @Nullable String checkServerName() {
        if (checkSni != null) {
            return checkSni;
        }
        return sni != null && sni.startsWith("str(") && sni.endsWith(")")
                ? serverName(sni.substring(4, sni.length() - 1))
                : null;
    }

    /** The name the server's certificate must hold when {@code sni} was sent: {@code sni}, else {@code verifyhost}. */
    public @Nullable String nameToVerify(@Nullable String sentSni) {
        return sentSni != null ? sentSni : verifyHost;
    }

    private static @Nullable String serverName(String value) {
        String name = value.strip();
        if (name.startsWith("[")) {
            return null; // [v6]:port
        }
        int colon = name.lastIndexOf(':');
        if (colon > 0 && name.indexOf(':') == colon) {
            name = name.substring(0, colon);
        }
        return name.isEmpty() || InetAddresses.isLiteral(name) ? null : name;
    }

    /** Builds {@link ServerTls}; not thread-safe. Values are checked when set, the whole at build. */
    public static final class Builder {
        private final String context;
        private TlsVerify verify = TlsVerify.REQUIRED;
        private @Nullable Path caFile;
        private boolean systemCa;
        private @Nullable String verifyHost;
        private @Nullable String sni;
        private @Nullable String checkSni;
        private List<String> alpn = List.of();
        private @Nullable Path certificate;
        private TlsVersion minVersion = TlsVersion.TLS_1_2;
        private TlsVersion maxVersion = TlsVersion.TLS_1_3;
        private @Nullable String ciphers;
        private @Nullable String cipherSuites;
        private boolean tickets = true;

        Builder(String context) {
            this.context = context;
        }

        /** A copy of {@code other} ({@code default-server}) naming {@code context}. */
        Builder(String context, Builder other) {
            this(context);
            verify = other.verify;
            caFile = other.caFile;
            systemCa = other.systemCa;
            verifyHost = other.verifyHost;
            sni = other.sni;
            checkSni = other.checkSni;
            alpn = other.alpn;
            certificate = other.certificate;
            minVersion = other.minVersion;
            maxVersion = other.maxVersion;
            ciphers = other.ciphers;
            cipherSuites = other.cipherSuites;
            tickets = other.tickets;
        }

        /** {@code verify none|required}; default required. */
        public Builder verify(TlsVerify verify) {
            if (Objects.requireNonNull(verify, "verify") == TlsVerify.OPTIONAL) {
                throw new ConfigException(context + ": verify optional (expected: none or required)");
            }
            this.verify = verify;
            return this;
        }

        /** {@code verify none}: the server's certificate is not checked. */
        public Builder verifyNone() {
            return verify(TlsVerify.NONE);
        }

        /** {@code ca-file FILE} (or {@link #SYSTEM_CA}): the CAs the server's certificate must chain to. */
        public Builder caFile(String file) {
            if (SYSTEM_CA.equals(file)) {
                systemCa = true;
                caFile = null;
            } else {
                caFile = path("ca-file", file);
                systemCa = false;
            }
            return this;
        }

        /** {@code verifyhost NAME}: the name checked in the certificate when no SNI is sent. */
        public Builder verifyHost(String name) {
            this.verifyHost = hostName("verifyhost", name);
            return this;
        }

        /** {@code sni EXPRESSION}, e.g. {@code str(api.example.com)}, {@code req.hdr(host)}, {@code ssl_fc_sni}. */
        public Builder sni(String expression) {
            try {
                SampleFetch.parse(Objects.requireNonNull(expression, "expression"));
            } catch (ConfigException e) {
                throw new ConfigException(context + ": sni: " + e.getMessage());
            }
            this.sni = expression;
            return this;
        }

        /** {@code check-sni NAME}: the SNI of health checks. */
        public Builder checkSni(String name) {
            this.checkSni = hostName("check-sni", name);
            return this;
        }

        /** {@code alpn PROTOCOLS...}, in preference order. */
        public Builder alpn(String... protocols) {
            for (String protocol : protocols) {
                if (protocol.isEmpty()
                        || protocol.length() > 255
                        || protocol.chars().anyMatch(c -> c <= ' ')) {
                    throw new ConfigException(context + ": alpn '" + protocol + "' (expected: e.g. http/1.1)");
                }
            }
            this.alpn = List.of(protocols);
            return this;
        }

        /** {@code crt FILE}: the client certificate, chain and key presented to the server. */
        public Builder crt(String file) {
            this.certificate = path("crt", file);
            return this;
        }

        /** {@code ssl-min-ver}; default TLSv1.2. */
        public Builder minVersion(TlsVersion version) {
            this.minVersion = Objects.requireNonNull(version, "version");
            return this;
        }

        /** {@code ssl-max-ver}; default TLSv1.3. */
        public Builder maxVersion(TlsVersion version) {
            this.maxVersion = Objects.requireNonNull(version, "version");
            return this;
        }

        /** {@code ciphers}: TLS 1.2 and older ciphers offered, OpenSSL's syntax. */
        public Builder ciphers(String ciphers) {
            this.ciphers = cipherList("ciphers", ciphers);
            return this;
        }

        /** {@code ciphersuites}: TLS 1.3 suites offered, e.g. {@code TLS_AES_128_GCM_SHA256}. */
        public Builder cipherSuites(String suites) {
            this.cipherSuites = cipherList("ciphersuites", suites);
            return this;
        }

        /** {@code no-tls-tickets} ({@code false}): sessions with the server do not resume by tickets. */
        public Builder tlsTickets(boolean enabled) {
            this.tickets = enabled;
            return this;
        }

        /**
         * The TLS of a server: {@code options} (or the defaults) when requests ({@code traffic}) or {@code checks} go
         * over TLS, else null.
         */
        static @Nullable ServerTls build(@Nullable Builder options, String context, boolean traffic, boolean checks) {
            if (!traffic && !checks) {
                return null;
            }
            return (options != null ? options : new Builder(context)).build(traffic, checks);
        }

        /**
         * The settings for {@code traffic} and {@code checks}.
         *
         * @throws ConfigException naming the server when the certificate would be checked against no CA
         */
        ServerTls build(boolean traffic, boolean checks) {
            if (verify == TlsVerify.REQUIRED && caFile == null && !systemCa) {
                throw new ConfigException(context + ": ssl with verify required (the default) and no ca-file "
                        + "(expected: ca-file FILE, ca-file @system-ca, or verify none)");
            }
            if (minVersion.compareTo(maxVersion) > 0) {
                throw new ConfigException(context + ": ssl-min-ver " + minVersion + " is above ssl-max-ver "
                        + maxVersion + " (expected: min <= max)");
            }
            return new ServerTls(
                    traffic,
                    checks,
                    verify,
                    caFile,
                    systemCa,
                    verifyHost,
                    sni,
                    checkSni,
                    alpn,
                    certificate,
                    minVersion,
                    maxVersion,
                    ciphers,
                    cipherSuites,
                    tickets);
        }

        private Path path(String what, String file) {
            Objects.requireNonNull(file, what);
            try {
                if (!file.isBlank()) {
                    return Path.of(file);
                }
            } catch (java.nio.file.InvalidPathException e) {
                // reported below
            }
            throw new ConfigException(context + ": " + what + " '" + file + "' (expected: a file path)");
        }

        private String cipherList(String what, String list) {
            return Require.nameList(context, what, list);
        }

        private String hostName(String what, String name) {
            Objects.requireNonNull(name, what);
            if (name.isEmpty() || name.chars().anyMatch(c -> c <= ' ' || c >= 0x7f || c == '/' || c == ':')) {
                throw new ConfigException(context + ": " + what + " '" + name + "' (expected: a host name)");
            }
            return name;
        }
    }
}
