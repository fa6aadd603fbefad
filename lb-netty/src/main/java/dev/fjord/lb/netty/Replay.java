package dev.fjord.lb.netty;

import java.util.ArrayList;
import java.util.List;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Retained copies of a request body, kept so that a {@code retry-on} retry can send it again; gives up (and frees
 * them) once the body outgrows its bound. Not thread-safe: used on the connection's event loop.
 */
final class Replay {
    private final int limit;
    private List<HttpContent> parts = new ArrayList<>(2);
    private long bytes;
    private boolean givenUp;

    Replay(int limit) {
        this.limit = limit;
    }

    /** Whether the whole body is still kept. */
    boolean isAvailable() {
        return !givenUp;
    }

    /** Keeps a copy of {@code part}, unless the body is now over the bound. */
    void remember(HttpContent part) {
        if (givenUp) {
            return;
        }
        bytes += part.content().readableBytes();
        if (bytes > limit) {
            release();
        } else {
            parts.add(part.retainedDuplicate());
        }
    }

    /** Writes the kept body to {@code channel}; returns whether it ended the request. */
    boolean writeTo(Channel channel) {
        boolean last = false;
        for (HttpContent copy : parts) {
            last |= copy instanceof LastHttpContent;
            channel.write(copy.retainedDuplicate());
        }
        return last;
    }

    void release() {
        givenUp = true;
        parts.forEach(HttpContent::release);
        parts = List.of();
    }
}
