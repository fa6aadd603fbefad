package dev.fjord.lb.netty;

import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * The request of one HTTP/2 stream as the proxy's HTTP/1.1 machinery takes it, the same messages
 * {@link StrictRequestDecoder} emits: the first HEADERS frame becomes a {@link ParsedRequest}
 * ({@link Http2RequestHeaders}), each DATA frame a body part (never aggregated), END_STREAM the
 * {@code LastHttpContent}, a trailing HEADERS frame its trailers. The body is held to its {@code Content-Length}
 * (RFC 9113 8.1.1: a DATA frame beyond it, or an END_STREAM short of it, is malformed) and to
 * {@link HttpLimits#maxBodyBytes()} (413). Anything malformed yields one {@link RequestRejected} and nothing more of
 * the stream is passed on, so it can never reach a server.
 *
 * <p>Not thread-safe: one per stream, on its connection's event loop.
 */
final class Http2RequestDecoder {
    private enum State {
        HEADERS,
        BODY,
        DONE,
        REJECTED
    }

    private final RequestPolicy policy;
    private final Consumer<Object> out;
    private State state = State.HEADERS;
    private @Nullable ParsedRequest request;
    /** The declared length, -1 without {@code Content-Length}. */
    private long declared = -1;

    private long received;

    /** A decoder that passes what it makes to {@code out}. */
    Http2RequestDecoder(RequestPolicy policy, Consumer<Object> out) {
        this.policy = policy;
        this.out = out;
    }

    /** A header block of the stream: the request's, or its trailers. */
    void headers(Http2Headers headers, boolean endStream) {
        if (state == State.DONE || state == State.REJECTED) {
            return; // the codec already refuses frames after END_STREAM
        }
        try {
            decodeHeaders(headers, endStream);
        } catch (RequestHeadParser.Rejection rejection) {
            reject(rejection);
        }
    }

    /** A DATA frame's content, which this decoder owns: passed on, or released. */
    void data(ByteBuf content, boolean endStream) {
        if (state == State.DONE || state == State.REJECTED) {
            content.release();
            return;
        }
        try {
            decodeData(content, endStream);
        } catch (RequestHeadParser.Rejection rejection) {
            reject(rejection);
        }
    }

    private void reject(RequestHeadParser.Rejection rejection) {
        state = State.REJECTED;
        out.accept(new RequestRejected(rejection.status, String.valueOf(rejection.getMessage())));
    }

    private void decodeHeaders(Http2Headers headers, boolean endStream) throws RequestHeadParser.Rejection {
        if (state == State.HEADERS) {
            Http2RequestHeaders.Head head = Http2RequestHeaders.request(headers, endStream, policy);
            request = head.request();
            declared = head.contentLength();
            out.accept(head.request());
            if (endStream) {
                state = State.DONE;
                out.accept(LastHttpContent.EMPTY_LAST_CONTENT);
            } else {
                state = State.BODY;
            }
            return;
        }
        if (!endStream) {
            throw new RequestHeadParser.Rejection(400, "a HEADERS frame after DATA that does not end the stream");
        }
        checkLength(true);
        ParsedRequest current = java.util.Objects.requireNonNull(request, "a request precedes its trailers");
        LastHttpContent trailers = Http2RequestHeaders.trailers(headers, current, policy);
        state = State.DONE;
        out.accept(trailers);
    }

    private void decodeData(ByteBuf content, boolean endStream) throws RequestHeadParser.Rejection {
        if (state != State.BODY) {
            content.release();
            throw new RequestHeadParser.Rejection(400, "DATA before the request headers");
        }
        received += content.readableBytes();
        try {
            checkLength(endStream);
        } catch (RequestHeadParser.Rejection e) {
            content.release();
            throw e;
        }
        if (endStream) {
            state = State.DONE;
            out.accept(new DefaultLastHttpContent(content, HttpMessages.CHECKED_TRAILERS));
        } else {
            out.accept(new DefaultHttpContent(content)); // the frame's buffer, handed on
        }
    }

    /** Refuses a body longer than declared or than the limit, and one that ends short of what was declared. */
    private void checkLength(boolean ended) throws RequestHeadParser.Rejection {
        if (declared >= 0 && (received > declared || (ended && received < declared))) {
            throw new RequestHeadParser.Rejection(
                    400,
                    "DATA of " + received + " bytes" + (ended ? "" : " so far") + " for Content-Length " + declared);
        }
        long max = policy.limits().maxBodyBytes();
        if (max > 0 && received > max) {
            throw new RequestHeadParser.Rejection(413, "body over the limit of " + max);
        }
    }
}
