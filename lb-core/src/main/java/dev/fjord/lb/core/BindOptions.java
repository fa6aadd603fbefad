package dev.fjord.lb.core;

import org.jspecify.annotations.Nullable;

/**
 * Options of one {@code bind} line beyond its address. Immutable; {@link #DEFAULT} has none.
 *
 * @param acceptProxy connections start with a PROXY protocol header (v1 or v2, detected) whose source address is the
 *     client's for ACLs, {@code X-Forwarded-For}, logs and stickiness ({@code accept-proxy}); a connection without a
 *     valid header is closed
 * @param tls TLS on the bind ({@code ssl crt ...}); null: plain connections
 * @param h2 connections speak HTTP/2 from their first byte ({@code proto h2}): on a plain bind, h2c with prior
 *     knowledge, on a TLS bind whatever ALPN chose; requests are forwarded to servers as HTTP/1.1. Needs
 *     {@code mode http}. Default false: HTTP/1.x, or HTTP/2 on a TLS bind whose {@code alpn} offers {@code h2}
 * @param socket the listening socket's options ({@code backlog}, {@code defer-accept}, {@code v6only}, ...)
 */
public record BindOptions(boolean acceptProxy, @Nullable TlsBind tls, boolean h2, BindSocket socket) {
    /** A plain bind. */
    public static final BindOptions DEFAULT = new BindOptions(false, null, false);

    public BindOptions {
        java.util.Objects.requireNonNull(socket, "socket");
    }

    /** Options with the socket's defaults. */
    public BindOptions(boolean acceptProxy, @Nullable TlsBind tls, boolean h2) {
        this(acceptProxy, tls, h2, BindSocket.DEFAULT);
    }

    /** Options of a plain HTTP/1.x bind. */
    public BindOptions(boolean acceptProxy) {
        this(acceptProxy, null, false);
    }

    /** Builds {@link BindOptions}; not thread-safe. */
    public static final class Builder {
        private final String context;
        private boolean acceptProxy;
        private TlsBind.@Nullable Builder tls;
        private boolean h2;
        private int backlog;
        private boolean v4v6;
        private boolean v6only;
        private boolean deferAccept;
        private boolean fastOpen;
        private boolean transparent;
        private java.time.@Nullable Duration userTimeout;

        /** @param context names the bind in messages, e.g. {@code frontend 'main': bind '*:443'} */
        Builder(String context) {
            this.context = context;
        }

        /** {@code accept-proxy}: connections start with a PROXY protocol header, v1 or v2. */
        public Builder acceptProxy() {
            this.acceptProxy = true;
            return this;
        }

        /**
         * {@code ssl}: connections are TLS, terminated here with the certificates and options {@code spec} sets,
         * e.g. {@code b.ssl(t -> t.crt("/etc/fjord/site.pem"))}.
         */
        public Builder ssl(java.util.function.Consumer<TlsBind.Builder> spec) {
            if (tls == null) {
                tls = new TlsBind.Builder(context);
            }
            spec.accept(tls);
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

        /**
         * The listen backlog of this bind ({@code backlog}); default 0: the frontend's.
         *
         * @throws ConfigException unless 1-1,000,000
         */
        public Builder backlog(int backlog) {
            if (backlog < 1 || backlog > 1_000_000) {
                throw new ConfigException(context + ": backlog " + backlog + " (expected: 1-1000000)");
            }
            this.backlog = backlog;
            return this;
        }

        /** {@code v4v6}: an IPv6 wildcard address takes IPv4 connections too, whatever the system's default. */
        public Builder v4v6() {
            this.v4v6 = true;
            return this;
        }

        /** {@code v6only}: an IPv6 address takes IPv6 connections only. */
        public Builder v6only() {
            this.v6only = true;
            return this;
        }

        /** {@code defer-accept}: a connection is accepted once its first data arrive (or after a second). */
        public Builder deferAccept() {
            this.deferAccept = true;
            return this;
        }

        /** {@code tfo}: TCP Fast Open on the listening socket. */
        public Builder fastOpen() {
            this.fastOpen = true;
            return this;
        }

        /** {@code transparent}: binds an address that is not the machine's own; needs {@code CAP_NET_ADMIN}. */
        public Builder transparent() {
            this.transparent = true;
            return this;
        }

        /**
         * {@code tcp-ut}: how long sent data may go unacknowledged before a connection is dropped.
         *
         * @throws ConfigException when negative or over 24 days
         */
        public Builder userTimeout(java.time.Duration timeout) {
            if (timeout.isNegative() || timeout.toMillis() > Integer.MAX_VALUE) {
                throw new ConfigException(context + ": tcp-ut " + timeout + " (expected: 0 to 24 days)");
            }
            this.userTimeout = timeout;
            return this;
        }

        /**
         * The options.
         *
         * @throws ConfigException naming the bind when the TLS settings are incomplete or contradict each other
         */
        BindOptions build() {
            BindSocket socket = new BindSocket(backlog, v4v6, v6only, deferAccept, fastOpen, transparent, userTimeout);
            return new BindOptions(acceptProxy, tls == null ? null : tls.build(), h2, socket);
        }
    }
}
