package dev.fjord.lb.netty;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

import io.netty.handler.codec.http.HttpContent;

/**
 * The body of a stats admin POST as it arrives, bounded at 16 KiB: the form is answered once it is whole. Not
 * thread-safe: one event loop.
 */
final class StatsForm {
    static final int MAX_BYTES = 16384;

    private final StringBuilder form = new StringBuilder();

    /**
     * Takes (and releases) {@code part}.
     *
     * @return the whole form once {@code last}, else null
     * @throws IllegalStateException when the form is over {@link #MAX_BYTES}
     */
    @Nullable
    String add(HttpContent part, boolean last) {
        form.append(part.content().toString(StandardCharsets.ISO_8859_1));
        part.release();
        if (form.length() > MAX_BYTES) {
            throw new IllegalStateException("stats form over " + MAX_BYTES + " bytes");
        }
        return last ? form.toString() : null;
    }
}
