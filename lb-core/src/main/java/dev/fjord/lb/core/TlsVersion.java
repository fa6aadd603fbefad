package dev.fjord.lb.core;

import java.util.Locale;

/** A TLS protocol version as HAProxy names it in {@code ssl-min-ver} and {@code ssl-max-ver}. */
public enum TlsVersion {
    SSL_3("SSLv3", "SSLv3"),
    TLS_1_0("TLSv1.0", "TLSv1"),
    TLS_1_1("TLSv1.1", "TLSv1.1"),
    TLS_1_2("TLSv1.2", "TLSv1.2"),
    TLS_1_3("TLSv1.3", "TLSv1.3");

    private final String haproxyName;
    private final String javaName;

    TlsVersion(String haproxyName, String javaName) {
        this.haproxyName = haproxyName;
        this.javaName = javaName;
    }

    /** The name in a haproxy.cfg, e.g. {@code TLSv1.2}. */
    public String haproxyName() {
        return haproxyName;
    }

    /** The name Java's and Netty's {@code setEnabledProtocols} take, e.g. {@code TLSv1} for TLS 1.0. */
    public String javaName() {
        return javaName;
    }

    /**
     * The version HAProxy writes {@code name} for ({@code SSLv3}, {@code TLSv1.0} ... {@code TLSv1.3}), case
     * insensitively.
     *
     * @throws ConfigException naming the value and the names expected
     */
    public static TlsVersion parse(String name) {
        for (TlsVersion version : values()) {
            if (version.haproxyName.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return version;
            }
        }
        throw new ConfigException("'" + name + "' (expected: SSLv3, TLSv1.0, TLSv1.1, TLSv1.2 or TLSv1.3)");
    }

    @Override
    public String toString() {
        return haproxyName;
    }
}
