package dev.fjord.lb.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.UniformStreamByteDistributor;

/**
 * One HTTP/2 client connection's protocol: Netty's connection handler (framing, HPACK, flow control, stream states
 * and the protocol's own checks) driving {@link Http2Streams}, with no channel or pipeline per stream. Its additions:
 * streams whose HEADERS arrived are started only once the read that carried them is complete (so a stream reset in
 * the same read never starts: rapid reset); a stream error the codec finds on a stream Fjord has is told to that
 * stream before the codec resets it; and {@link #flushSoon}, which makes the flushes of streams answered in one turn
 * of the event loop one flush (one TLS record and one write for all their frames).
 *
 * <p>Not sharable: one per connection; all calls on its event loop.
 */
final class Http2ServerCodec extends Http2ConnectionHandler {
    private final Http2Streams streams;
    /** Told the id of a client stream the codec refused before any {@link Http2ClientStream} was opened for it. */
    private final java.util.function.IntConsumer refused;
    /** Set in {@link #handlerAdded}, before any other call (a known initializer to NullAway). */
    private ChannelHandlerContext ctx;

    private boolean reading;
    private boolean flushScheduled;

    private Http2ServerCodec(
            Http2ConnectionDecoder decoder,
            Http2ConnectionEncoder encoder,
            Http2Settings settings,
            Http2Streams.Factory streams,
            java.util.function.IntConsumer refused) {
        super(decoder, encoder, settings);
        this.streams = new Http2Streams(this, streams);
        this.refused = refused;
        decoder.frameListener(this.streams);
        connection().addListener(this.streams.closings());
        encoder.flowController().listener(this.streams);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) throws Exception {
        this.ctx = context;
        super.handlerAdded(context);
    }

    /** The context of this handler: where stream frames are written. */
    ChannelHandlerContext context() {
        return ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) throws Exception {
        reading = true;
        super.channelRead(context, msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) throws Exception {
        try {
            streams.startOpened();
        } finally {
            reading = false;
            super.channelReadComplete(context); // flushes
        }
    }

    /**
     * Flushes the frames written, once the current turn of the event loop is over (at the end of a read of this
     * connection, or in a task run after the loop's other I/O), so that streams answered together go out together.
     */
    void flushSoon() {
        if (!reading && !flushScheduled) {
            flushScheduled = true;
            ctx.executor().execute(this::scheduledFlush);
        }
    }

    private void scheduledFlush() {
        flushScheduled = false;
        flush(ctx);
    }

    /** Opens the connection's receive window by {@code delta} bytes (a WINDOW_UPDATE on stream 0), and flushes. */
    void openConnectionWindow(int delta) {
        try {
            connection()
                    .local()
                    .flowController()
                    .incrementWindowSize(connection().connectionStream(), delta);
        } catch (Http2Exception e) {
            onError(ctx, true, e);
        }
        flush(ctx);
    }

    /**
     * A stream error: told to the stream's {@link Http2ClientStream}, or, for a request the codec refused as
     * malformed before one was opened (a header block that breaks RFC 9113 8.2-8.3: a connection-specific field, an
     * upper-case name, a bad pseudo-header; PROTOCOL_ERROR), to {@code refused}, so that it is logged. Then the codec
     * resets the stream with the error's code.
     */
    @Override
    protected void onStreamError(
            ChannelHandlerContext context,
            boolean outbound,
            Throwable cause,
            Http2Exception.StreamException streamError) {
        if (!streams.streamError(streamError.streamId(), cause) && streamError.error() == Http2Error.PROTOCOL_ERROR) {
            refused.accept(streamError.streamId());
        }
        super.onStreamError(context, outbound, cause, streamError); // RST_STREAM with the error's code
    }

    /** Builds the handler with the builder's protected settings made public, as Netty's builders do. */
    static final class Builder extends AbstractHttp2ConnectionHandlerBuilder<Http2ServerCodec, Builder> {
        private final Http2Streams.Factory streams;
        private final java.util.function.IntConsumer refused;

        Builder(Http2Streams.Factory streams, java.util.function.IntConsumer refused) {
            this.streams = streams; // a server's, by default
            this.refused = refused;
        }

        @Override
        public Builder initialSettings(Http2Settings settings) {
            return super.initialSettings(settings);
        }

        @Override
        public Builder validateHeaders(boolean validate) {
            return super.validateHeaders(validate);
        }

        @Override
        public Builder decoderEnforceMaxRstFramesPerWindow(int maxRstFramesPerWindow, int secondsPerWindow) {
            return super.decoderEnforceMaxRstFramesPerWindow(maxRstFramesPerWindow, secondsPerWindow);
        }

        @Override
        public Builder encoderEnforceMaxQueuedControlFrames(int maxQueuedControlFrames) {
            return super.encoderEnforceMaxQueuedControlFrames(maxQueuedControlFrames);
        }

        @Override
        public Builder decoderEnforceMaxConsecutiveEmptyDataFrames(int maxConsecutiveEmptyFrames) {
            return super.decoderEnforceMaxConsecutiveEmptyDataFrames(maxConsecutiveEmptyFrames);
        }

        @Override
        public Builder decoderEnforceMaxSmallContinuationFrames(int maxSmallContinuationFrames) {
            return super.decoderEnforceMaxSmallContinuationFrames(maxSmallContinuationFrames);
        }

        @Override
        public Builder gracefulShutdownTimeoutMillis(long millis) {
            return super.gracefulShutdownTimeoutMillis(millis);
        }

        /**
         * Builds the handler on a connection whose streams share the window uniformly: RFC 9113 deprecates the
         * priority tree, and Netty's weighted-fair distributor that keeps it cost ~9 % of the proxy's Java time on
         * HTTP/2 (JFR, {@code h2load -m 10}).
         */
        @Override
        public Http2ServerCodec build() {
            Http2Connection connection = new DefaultHttp2Connection(true, maxReservedStreams());
            connection
                    .remote()
                    .flowController(new DefaultHttp2RemoteFlowController(
                            connection, new UniformStreamByteDistributor(connection)));
            connection(connection);
            return super.build();
        }

        @Override
        protected Http2ServerCodec build(
                Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings initialSettings) {
            return new Http2ServerCodec(decoder, encoder, initialSettings, streams, refused);
        }
    }
}
