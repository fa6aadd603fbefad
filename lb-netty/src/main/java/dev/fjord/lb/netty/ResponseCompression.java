package dev.fjord.lb.netty;

import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.Compression;
import dev.fjord.lb.core.CompressionAlgorithm;
import dev.fjord.lb.core.RouteDecision;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * A response compressed for the client as lb-core's {@link Compression} decides: the head rewritten as HAProxy does
 * (no {@code Content-Length}, the body chunked or framed by HTTP/2, {@code Content-Encoding}, {@code Vary:
 * Accept-Encoding}, a strong {@code ETag} made weak), the body through a {@link BodyCompressor}. Stateless.
 */
final class ResponseCompression {
    private ResponseCompression() {}

    /**
     * Rewrites {@code response}'s head for compression and returns the body's compressor, when the decision's
     * frontend or backend compresses, the client accepts an algorithm, the response may be compressed and
     * {@code budget} ({@code maxzlibmem}) has room; else leaves it and returns null.
     */
    static @Nullable BodyCompressor prepare(
            RouteDecision.Forward decision, HttpResponse response, boolean bodyless, ZlibBudget budget) {
        Compression compression = Compression.of(
                decision.frontend().settings(), decision.backend().config().settings());
        if (compression.algorithms().isEmpty()) {
            return null;
        }
        CompressionAlgorithm algorithm = compression.choose(decision.request());
        if (algorithm == null
                || !compression.compresses(new NettyResponseHead(response), bodyless)
                || !budget.tryAcquire()) { // beyond maxzlibmem: uncompressed, as HAProxy
            return null;
        }
        HttpHeaders headers = response.headers();
        headers.remove(HttpHeaderNames.CONTENT_LENGTH);
        headers.set(HttpHeaderNames.CONTENT_ENCODING, algorithm.coding());
        if (!varies(headers.getAll(HttpHeaderNames.VARY))) {
            headers.add(HttpHeaderNames.VARY, "Accept-Encoding");
        }
        String etag = headers.get(HttpHeaderNames.ETAG);
        if (etag != null && !etag.startsWith("W/")) {
            headers.set(HttpHeaderNames.ETAG, "W/" + etag); // the bytes differ from the server's: a weak validator
        }
        return new BodyCompressor(algorithm, budget);
    }

    /** Whether {@code Vary} already names {@code Accept-Encoding} (or {@code *}). */
    private static boolean varies(List<String> vary) {
        for (String value : vary) {
            for (String field : value.split(",", -1)) {
                String name = field.trim().toLowerCase(Locale.ROOT);
                if (name.equals("accept-encoding") || name.equals("*")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code content} compressed (and released), the last part with the server's trailers. */
    static HttpContent compress(BodyCompressor compressor, HttpContent content, boolean last, ByteBufAllocator alloc) {
        try {
            var compressed = compressor.compress(content.content(), last, alloc);
            return last
                    ? new DefaultLastHttpContent(compressed, ((LastHttpContent) content).trailingHeaders())
                    : new DefaultHttpContent(compressed);
        } finally {
            content.release();
        }
    }
}
