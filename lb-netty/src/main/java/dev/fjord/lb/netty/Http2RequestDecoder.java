package dev.fjord.lb.netty;

import org.jspecify.annotations.Nullable;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * The request of one HTTP/2 stream as the proxy's HTTP/1.1 machinery takes it, the same messages
 * {@link StrictRequestDecoder} emits: the first HEADERS frame becomes a {@link ParsedRequest}
 * ({@link Http2RequestHeaders}), each DATA frame a body part (never aggregated), END_STREAM the
 * {@code LastHttpContent}, a trailing HEADERS frame its trailers. The body is held to its {@code Content-Length}
 * (RFC 9113 8.1.1: a DATA frame beyond it, or an END_STREAM short of it, is malformed) and to
 * {@link HttpLimits#maxBodyBytes()} (413). Anything malformed yields one {@link RequestRejected} and nothing more of
 * the stream is passed on, so it can never reach a server. Flow control is the stream channel's: a DATA frame is
 * acknowledged to the client once it is read here, which the exchange pauses while the server cannot take more.
 *
 * <p>Not sharable: one per stream, on its connection's event loop.
 */
final class Http2RequestDecoder extends ChannelInboundHandlerAdapter {
    private enum State {
        HEADERS,
        BODY,
        DONE,
        REJECTED
    }

    private final RequestPolicy policy;
    private State state = State.HEADERS;
    private @Nullable ParsedRequest request;
    /** The declared length, -1 without {@code Content-Length}. */
    private long declared = -1;

    private long received;

    Http2RequestDecoder(RequestPolicy policy) {
        this.policy = policy;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.DONE || state == State.REJECTED) {
            ReferenceCountUtil.release(msg); // the codec already refuses frames after END_STREAM
            return;
        }
        try {
            if (msg instanceof Http2HeadersFrame headers) {
                headers(ctx, headers);
            } else if (msg instanceof Http2DataFrame data) {
                data(ctx, data);
            } else {
                ReferenceCountUtil.release(msg);
            }
        } catch (RequestHeadParser.Rejection rejection) {
            state = State.REJECTED;
            ctx.fireChannelRead(new RequestRejected(rejection.status, String.valueOf(rejection.getMessage())));
        }
    }

    private void headers(ChannelHandlerContext ctx, Http2HeadersFrame frame) throws RequestHeadParser.Rejection {
        if (state == State.HEADERS) {
            Http2RequestHeaders.Head head = Http2RequestHeaders.request(frame.headers(), frame.isEndStream(), policy);
            request = head.request();
            declared = head.contentLength();
            ctx.fireChannelRead(head.request());
            if (frame.isEndStream()) {
                state = State.DONE;
                ctx.fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT);
            } else {
                state = State.BODY;
            }
            return;
        }
        if (!frame.isEndStream()) {
            throw new RequestHeadParser.Rejection(400, "a HEADERS frame after DATA that does not end the stream");
        }
        checkLength(true);
        ParsedRequest current = java.util.Objects.requireNonNull(request, "a request precedes its trailers");
        LastHttpContent trailers = Http2RequestHeaders.trailers(frame.headers(), current, policy);
        state = State.DONE;
        ctx.fireChannelRead(trailers);
    }

    private void data(ChannelHandlerContext ctx, Http2DataFrame frame) throws RequestHeadParser.Rejection {
        if (state != State.BODY) {
            frame.release();
            throw new RequestHeadParser.Rejection(400, "DATA before the request headers");
        }
        received += frame.content().readableBytes();
        try {
            checkLength(frame.isEndStream());
        } catch (RequestHeadParser.Rejection e) {
            frame.release();
            throw e;
        }
        if (frame.isEndStream()) {
            state = State.DONE;
            ctx.fireChannelRead(new DefaultLastHttpContent(frame.content(), HttpMessages.CHECKED_TRAILERS));
        } else {
            ctx.fireChannelRead(new DefaultHttpContent(frame.content())); // the frame's buffer, handed on
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
