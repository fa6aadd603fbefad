package dev.fjord.lb.core;

/**
 * Options of one {@code bind} line beyond its address. Immutable; {@link #DEFAULT} has none.
 *
 * @param acceptProxy connections start with a PROXY protocol header (v1 or v2, detected) whose source address is the
 *     client's for ACLs, {@code X-Forwarded-For}, logs and stickiness ({@code accept-proxy}); a connection without a
 *     valid header is closed
 * @param h2 connections speak HTTP/2 from their first byte ({@code proto h2}): on a plain bind, h2c with prior
 *     knowledge; requests are forwarded to servers as HTTP/1.1. Needs {@code mode http}. Default false: HTTP/1.x
 */
public record BindOptions(boolean acceptProxy, boolean h2) {
    /** A plain bind. */
    public static final BindOptions DEFAULT = new BindOptions(false, false);

    /** Options of an HTTP/1.x bind. */
    public BindOptions(boolean acceptProxy) {
        this(acceptProxy, false);
    }

    /** Builds {@link BindOptions}; not thread-safe. */
    public static final class Builder {
        private boolean acceptProxy;
        private boolean h2;

        Builder() {}

        /** {@code accept-proxy}: connections start with a PROXY protocol header, v1 or v2. */
        public Builder acceptProxy() {
            this.acceptProxy = true;
            return this;
        }

        /**
         * {@code proto NAME}, as HAProxy spells it: {@code h2} for connections that speak HTTP/2 from their first byte
         * (h2c with prior knowledge on a plain bind: {@code curl --http2-prior-knowledge}), {@code h1} for HTTP/1.x
         * (the default). HTTP/1.1's {@code Upgrade: h2c} is never answered by Fjord itself, as by HAProxy.
         *
         * @throws ConfigException for another protocol
         */
        public Builder proto(String name) {
            switch (name) {
                case "h2" -> h2 = true;
                case "h1" -> h2 = false;
                default -> throw new ConfigException("proto '" + name + "' is not supported (supported: h1, h2)");
            }
            return this;
        }

        BindOptions build() {
            return new BindOptions(acceptProxy, h2);
        }
    }
}
