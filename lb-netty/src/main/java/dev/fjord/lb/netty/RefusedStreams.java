package dev.fjord.lb.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameLogger;
import io.netty.handler.logging.LogLevel;

/**
 * Sees the RST_STREAM frames the HTTP/2 codec sends, to tell {@link Http2Session} of the requests it refused before
 * any handler saw them: a header block that breaks RFC 9113 8.2-8.3 (a connection-specific field, an upper-case
 * name, a bad pseudo-header) is reset with PROTOCOL_ERROR on a stream the codec never opened, and nothing else hears
 * of it. Netty's frame logger is the one hook on the frames the codec writes (the frame writer is not settable); this
 * one logs nothing itself. Its cost: a call per frame each way, and one small listener object per read the codec
 * decodes (Netty's inbound logger wraps the reader's listener).
 *
 * <p>Not sharable: one per connection; calls on its event loop.
 */
final class RefusedStreams extends Http2FrameLogger {
    private final Http2Session session;

    RefusedStreams(Http2Session session) {
        super(LogLevel.TRACE, RefusedStreams.class);
        this.session = session;
    }

    /** Never: no frame is logged, so no frame is formatted. */
    @Override
    public boolean isEnabled() {
        return false;
    }

    @Override
    public void logRstStream(Direction direction, ChannelHandlerContext ctx, int streamId, long errorCode) {
        if (direction == Direction.OUTBOUND && errorCode == Http2Error.PROTOCOL_ERROR.code()) {
            session.resetByCodec(streamId);
        }
    }
}
