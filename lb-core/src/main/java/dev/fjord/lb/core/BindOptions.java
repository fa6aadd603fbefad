package dev.fjord.lb.core;

/**
 * Options of one {@code bind} line beyond its address. Immutable; {@link #DEFAULT} has none.
 *
 * @param acceptProxy connections start with a PROXY protocol header (v1 or v2, detected) whose source address is the
 *     client's for ACLs, {@code X-Forwarded-For}, logs and stickiness ({@code accept-proxy}); a connection without a
 *     valid header is closed
 */
public record BindOptions(boolean acceptProxy) {
    /** A plain bind. */
    public static final BindOptions DEFAULT = new BindOptions(false);

    /** Builds {@link BindOptions}; not thread-safe. */
    public static final class Builder {
        private boolean acceptProxy;

        Builder() {}

        /** {@code accept-proxy}: connections start with a PROXY protocol header, v1 or v2. */
        public Builder acceptProxy() {
            this.acceptProxy = true;
            return this;
        }

        BindOptions build() {
            return new BindOptions(acceptProxy);
        }
    }
}
