package dev.fjord.lb.netty;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * HAProxy's {@code maxzlibmem}: the native memory the compression of responses may hold at once, counted as
 * {@link #STATE_BYTES} a response being compressed; beyond it a response goes uncompressed (as in HAProxy). No limit
 * when the configured value is 0. Thread-safe.
 */
final class ZlibBudget {
    /** zlib's state at Java's window and memory levels: 2^17 + 2^17 bytes, and some. */
    static final int STATE_BYTES = 256 * 1024 + 6 * 1024;

    private final AtomicInteger inUse = new AtomicInteger();
    private final IntSupplier megabytes;

    /** @param megabytes the limit now ({@code maxzlibmem}, which a reconfiguration may change); 0: none */
    ZlibBudget(IntSupplier megabytes) {
        this.megabytes = megabytes;
    }

    /** Counts one more response being compressed; false, counting nothing, when it would go beyond the limit. */
    boolean tryAcquire() {
        long limit = megabytes.getAsInt() * 1024L * 1024L;
        for (int now = inUse.get(); ; now = inUse.get()) {
            if (limit > 0 && (now + 1L) * STATE_BYTES > limit) {
                return false;
            }
            if (inUse.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** One response less being compressed. */
    void release() {
        inUse.decrementAndGet();
    }

    /** The responses being compressed now. */
    int inUse() {
        return inUse.get();
    }
}
