package dev.fjord.lb.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * The first bytes a client sent on a {@code mode tcp} connection, held while {@code tcp-request content} rules inspect
 * them ({@code tcp-request inspect-delay}): what the {@code req.len}, {@code req.payload}, {@code req.ssl_hello_type},
 * {@code req.ssl_sni} and {@code req.ssl_ver} fetches read. {@linkplain #complete() Complete} when no more bytes will
 * be looked at (the delay expired, the buffer is full, the client closed, or there is no delay): a fetch whose data
 * is incomplete then answers nothing rather than waiting. Immutable and thread-safe.
 */
public final class RequestContent {
    /** What HAProxy holds at most for inspection (its default {@code tune.bufsize}): 16 KiB. */
    public static final int LIMIT = 16384;

    /** No content, and none to wait for: what an HTTP request head or a connection without inspection carries. */
    public static final RequestContent NONE = new RequestContent(new byte[0], true);

    private final byte[] bytes;
    private final boolean complete;

    private RequestContent(byte[] bytes, boolean complete) {
        this.bytes = bytes;
        this.complete = complete;
    }

    /**
     * The content {@code bytes} (copied, at most {@link #LIMIT} of them); {@code complete} when no more will come.
     * Content of {@link #LIMIT} bytes is complete whatever {@code complete} says, as HAProxy's full buffer is.
     */
    public static RequestContent of(byte[] bytes, boolean complete) {
        Objects.requireNonNull(bytes, "bytes");
        byte[] copy = Arrays.copyOf(bytes, Math.min(bytes.length, LIMIT));
        return new RequestContent(copy, complete || copy.length == LIMIT);
    }

    /** The number of bytes held ({@code req.len}). */
    public int length() {
        return bytes.length;
    }

    /** A copy of the bytes held. */
    public byte[] toByteArray() {
        return bytes.clone();
    }

    /** Whether no more bytes will be looked at, so that incomplete data is final. */
    public boolean complete() {
        return complete;
    }

    /** The same bytes, complete. */
    public RequestContent completed() {
        return complete ? this : new RequestContent(bytes, true);
    }

    /** The bytes held, not copied: never modified by the callers in this package. */
    byte[] bytes() {
        return bytes;
    }

    @Override
    public String toString() {
        return "RequestContent[" + bytes.length + " bytes" + (complete ? ", complete]" : "]");
    }
}
