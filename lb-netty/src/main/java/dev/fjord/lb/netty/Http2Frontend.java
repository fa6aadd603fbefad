package dev.fjord.lb.netty;

import java.time.Duration;

import dev.fjord.lb.core.FrontendConfig;
import dev.fjord.lb.core.Http2Tuning;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * HTTP/2 to clients, translated to HTTP/1.1 servers: the one place a client connection becomes HTTP/2. Where a bind
 * says {@code proto h2} the listener calls {@link #configure} when it accepts a connection (h2c with prior knowledge);
 * over TLS, the handler that sees ALPN choose {@code h2} calls it once the handshake is done. Each connection gets an
 * {@link Http2ServerCodec} (Netty's connection handler: framing, HPACK, flow control, the protocol's own checks) with
 * {@link Http2Tuning}'s settings and limits, then its {@link Http2Session}. A stream has no channel or pipeline of its
 * own: it is an {@link Http2ClientStream} ({@link Http2RequestDecoder} in, {@link Http2ResponseEncoder} out), which
 * runs the stream's request as any HTTP/1.1 request is run, over pooled HTTP/1.1 server connections.
 *
 * <p>Limits against known attacks, each answered by Netty's codec: more streams than
 * {@code maxConcurrentStreams} (RST_STREAM REFUSED_STREAM); rapid reset, more than {@code maxResetsPerWindow}
 * RST_STREAM frames in {@value Http2Tuning#RESET_WINDOW_SECONDS} s (GOAWAY ENHANCE_YOUR_CALM); a header list larger
 * than {@link #maxHeaderListSize} once decoded (an HPACK bomb: 431 ends the stream, the connection lives on); a header
 * block, CONTINUATION frames included, over 125% of it, or more than 16 small CONTINUATION frames (GOAWAY); more than
 * 2 empty DATA frames in a row (GOAWAY); SETTINGS and PING floods from a client that does not read, more than
 * {@code maxQueuedControlFrames} answers queued (the connection closes). Stateless; thread-safe.
 */
final class Http2Frontend {
    static final String CODEC = "fjord.h2.codec";
    static final String SESSION = "fjord.h2.session";

    /** How long streams may finish after a GOAWAY without {@code timeout client}: Netty's connection default. */
    private static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);

    /** Netty's guard against floods of empty DATA frames (no valid use: only END_STREAM may be empty). */
    private static final int MAX_CONSECUTIVE_EMPTY_DATA_FRAMES = 2;
    /** Netty's guard against floods of small CONTINUATION frames in one header block (2024). */
    private static final int MAX_SMALL_CONTINUATION_FRAMES = 16;

    private Http2Frontend() {}

    /**
     * Makes {@code pipeline}'s connection HTTP/2: adds the codec and the session after the
     * handlers already there ({@code tracking} first, then a PROXY header decoder and TLS where the bind has them).
     * Call it on the connection's event loop, before the client's first HTTP/2 byte is read: when the connection is
     * accepted, or right after a TLS handshake chose {@code h2} (the session then starts at once).
     *
     * @param state the frontend's configuration and request policy the connection keeps for its life
     * @param tracking the connection's {@code tcp-request connection} verdict and sticky counters
     */
    static void configure(
            ChannelPipeline pipeline, ProxyRuntime runtime, FrontendSlot.State state, ConnectionTracking tracking) {
        FrontendConfig frontend = state.config();
        Http2Tuning tuning = runtime.router.config().global().http2();
        Http2Session session = new Http2Session(runtime, frontend, tracking);
        Duration client = frontend.settings().timeouts().client();
        RequestPolicy policy = state.policy();
        Http2Streams.Factory streams =
                (codec, stream) -> new Http2ClientStream(codec, stream, runtime, frontend, policy, session);
        Http2ServerCodec codec =
                codec(tuning, policy.limits(), client != null ? client : DEFAULT_GRACE, session, streams);
        pipeline.addLast(CODEC, codec).addLast(SESSION, session);
    }

    /**
     * The frame codec: {@code tuning}'s settings, and a header list of {@code limits.maxHeaderBytes()} plus 32 bytes
     * per field for {@code limits.maxHeaderCount()} fields (HPACK counts 32 bytes of overhead a field), so that a head
     * HTTP/1.1 accepts is accepted over HTTP/2 too: 19584 bytes by default. After a GOAWAY of its own the connection
     * closes once its streams are over, or after {@code grace} at the latest. The requests it refuses before any
     * stream sees them are told to {@code session} ({@link Http2Session#resetByCodec}), to be logged.
     */
    static Http2ServerCodec codec(
            Http2Tuning tuning, HttpLimits limits, Duration grace, Http2Session session, Http2Streams.Factory streams) {
        Http2Settings settings = new Http2Settings()
                .maxConcurrentStreams(tuning.maxConcurrentStreams())
                .headerTableSize(tuning.headerTableSize())
                .initialWindowSize(tuning.initialWindowSize())
                .maxFrameSize(tuning.maxFrameSize())
                .maxHeaderListSize(maxHeaderListSize(limits));
        return new Http2ServerCodec.Builder(streams, session::resetByCodec)
                .initialSettings(settings)
                .validateHeaders(true)
                .decoderEnforceMaxRstFramesPerWindow(tuning.maxResetsPerWindow(), Http2Tuning.RESET_WINDOW_SECONDS)
                .encoderEnforceMaxQueuedControlFrames(tuning.maxQueuedControlFrames())
                .decoderEnforceMaxConsecutiveEmptyDataFrames(MAX_CONSECUTIVE_EMPTY_DATA_FRAMES)
                .decoderEnforceMaxSmallContinuationFrames(MAX_SMALL_CONTINUATION_FRAMES)
                .gracefulShutdownTimeoutMillis(grace.toMillis()) // the builder's default, 0, would cut streams short
                .build();
    }

    /** SETTINGS_MAX_HEADER_LIST_SIZE for {@code limits}. */
    static long maxHeaderListSize(HttpLimits limits) {
        return limits.maxHeaderBytes() + 32L * limits.maxHeaderCount();
    }
}
