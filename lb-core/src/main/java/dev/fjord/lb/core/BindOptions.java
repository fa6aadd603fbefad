package dev.fjord.lb.core;

import org.jspecify.annotations.Nullable;

/**
 * Options of one {@code bind} line beyond its address. Immutable; {@link #DEFAULT} has none.
 *
 * @param acceptProxy connections start with a PROXY protocol header (v1 or v2, detected) whose source address is the
 *     client's for ACLs, {@code X-Forwarded-For}, logs and stickiness ({@code accept-proxy}); a connection without a
 *     valid header is closed
 * @param tls TLS on the bind ({@code ssl crt ...}); null: plain connections
 */
public record BindOptions(boolean acceptProxy, @Nullable TlsBind tls) {
    /** A plain bind. */
    public static final BindOptions DEFAULT = new BindOptions(false, null);

    /** Options without TLS. */
    public BindOptions(boolean acceptProxy) {
        this(acceptProxy, null);
    }

    /** Builds {@link BindOptions}; not thread-safe. */
    public static final class Builder {
        private final String context;
        private boolean acceptProxy;
        private TlsBind.@Nullable Builder tls;

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
         * The options.
         *
         * @throws ConfigException naming the bind when the TLS settings are incomplete or contradict each other
         */
        BindOptions build() {
            return new BindOptions(acceptProxy, tls == null ? null : tls.build());
        }
    }
}
