package dev.fjord.lb.core;

import org.jspecify.annotations.Nullable;

/**
 * What a content fetch ({@code req.ssl_sni}, {@code req.len}, ...) found in the held bytes, as HAProxy's sample
 * flags say it: a value or none, and whether a later look at more bytes may find another
 * ({@code SMP_F_MAY_CHANGE}). Immutable.
 *
 * @param value the fetched value (a {@link Long}, a {@link String} or {@link Bytes}); null: none
 * @param mayChange whether more bytes could change the answer
 */
record ContentSample(@Nullable Object value, boolean mayChange) {
    /** No value, and none will come: the bytes are not what the fetch reads. */
    static final ContentSample NONE = new ContentSample(null, false);

    /** No value yet: more bytes are needed. */
    static final ContentSample TOO_SHORT = new ContentSample(null, true);

    static ContentSample of(Object value) {
        return new ContentSample(value, false);
    }

    /** Binary data, as {@code req.payload} fetches it; matched as ISO-8859-1 text by the string matches. */
    static final class Bytes {
        private final byte[] bytes;

        Bytes(byte[] bytes) {
            this.bytes = bytes;
        }

        /** The bytes, not copied. */
        byte[] bytes() {
            return bytes;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes other && java.util.Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }
}
