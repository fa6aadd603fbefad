package dev.fjord.lb.netty;

/** The names of the TLS handlers in a pipeline. */
final class TlsNames {
    static final String SNI_SELECTOR = "fjord.tls.sni";
    static final String SSL_HANDLER = "fjord.tls";

    private TlsNames() {}
}
