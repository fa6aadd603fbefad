package dev.fjord.lb.netty;

/**
 * Bounds on what a client may send, enforced by the proxy's request parser before anything is forwarded. Immutable.
 *
 * <pre>{@code
 * FjordProxy.builder(router).limits(HttpLimits.builder().maxBodyBytes(10 << 20).build())
 * }</pre>
 *
 * @param maxRequestLine bytes of the request line; longer answers 414; default 8192
 * @param maxHeaderBytes bytes of all header lines (and of trailers); more answers 431; default 16384
 * @param maxHeaderCount header fields; more answers 431; default 100
 * @param maxBodyBytes bytes of a request body; more answers 413; default 0: unlimited
 * @param maxChunkLine bytes of a chunk-size line with its extensions; longer answers 400; default 4096
 * @param retryBufferBytes request body bytes kept to re-send on a {@code retry-on} retry; a larger body makes the
 *     request not retryable beyond connection failures; default 16384
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9112#section-2.3">RFC 9112 2.3: length limits</a>
 */
public record HttpLimits(
        int maxRequestLine,
        int maxHeaderBytes,
        int maxHeaderCount,
        long maxBodyBytes,
        int maxChunkLine,
        int retryBufferBytes) {
    /** 8192, 16384, 100, unlimited, 4096, 16384. */
    public static final HttpLimits DEFAULT = new HttpLimits(8192, 16384, 100, 0, 4096, 16384);

    public HttpLimits {
        atLeast("maxRequestLine", maxRequestLine, 64);
        atLeast("maxHeaderBytes", maxHeaderBytes, 256);
        atLeast("maxHeaderCount", maxHeaderCount, 1);
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: >= 0, 0 is unlimited)");
        }
        atLeast("maxChunkLine", maxChunkLine, 32);
        atLeast("retryBufferBytes", retryBufferBytes, 0);
    }

    /** A builder starting from {@link #DEFAULT}. */
    public static Builder builder() {
        return new Builder(DEFAULT);
    }

    /** A builder starting from these limits. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    private static void atLeast(String name, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= " + min + ")");
        }
    }

    /** Builds {@link HttpLimits}; not thread-safe. */
    public static final class Builder {
        private int maxRequestLine;
        private int maxHeaderBytes;
        private int maxHeaderCount;
        private long maxBodyBytes;
        private int maxChunkLine;
        private int retryBufferBytes;

        private Builder(HttpLimits from) {
            maxRequestLine = from.maxRequestLine;
            maxHeaderBytes = from.maxHeaderBytes;
            maxHeaderCount = from.maxHeaderCount;
            maxBodyBytes = from.maxBodyBytes;
            maxChunkLine = from.maxChunkLine;
            retryBufferBytes = from.retryBufferBytes;
        }

        /** See {@link HttpLimits#maxRequestLine()}. */
        public Builder maxRequestLine(int bytes) {
            maxRequestLine = bytes;
            return this;
        }

        /** See {@link HttpLimits#maxHeaderBytes()}. */
        public Builder maxHeaderBytes(int bytes) {
            maxHeaderBytes = bytes;
            return this;
        }

        /** See {@link HttpLimits#maxHeaderCount()}. */
        public Builder maxHeaderCount(int count) {
            maxHeaderCount = count;
            return this;
        }

        /** See {@link HttpLimits#maxBodyBytes()}. */
        public Builder maxBodyBytes(long bytes) {
            maxBodyBytes = bytes;
            return this;
        }

        /** See {@link HttpLimits#maxChunkLine()}. */
        public Builder maxChunkLine(int bytes) {
            maxChunkLine = bytes;
            return this;
        }

        /** See {@link HttpLimits#retryBufferBytes()}. */
        public Builder retryBufferBytes(int bytes) {
            retryBufferBytes = bytes;
            return this;
        }

        public HttpLimits build() {
            return new HttpLimits(
                    maxRequestLine, maxHeaderBytes, maxHeaderCount, maxBodyBytes, maxChunkLine, retryBufferBytes);
        }
    }
}
