package dev.fjord.lb.core;

/**
 * How HTTP/2 client connections are run ({@code bind ... proto h2}): the settings Fjord announces and its limits
 * against known HTTP/2 attacks. Process-wide, as HAProxy's {@code tune.h2.*}; the defaults are HAProxy 2.6's where it
 * has the setting. Immutable; {@link #DEFAULT} holds the defaults.
 *
 * <p>Fixed, not tunable: the connection's receive window is opened to 2<sup>31</sup>-1 at once (as HAProxy does), so
 * each stream's window alone bounds what a client may send ahead: at most {@code maxConcurrentStreams *
 * initialWindowSize} bytes held per connection (6.5 MB by default); at most 2 empty DATA frames in a row and 16 small
 * CONTINUATION frames per header block (Netty's guards against CPU floods); the header list is bounded by the
 * transport's {@code HttpLimits} (431 beyond it).
 *
 * @param maxConcurrentStreams SETTINGS_MAX_CONCURRENT_STREAMS: streams a client may have open at once; one more is
 *     refused with RST_STREAM REFUSED_STREAM ({@code tune.h2.fe.max-concurrent-streams}); default 100
 * @param headerTableSize SETTINGS_HEADER_TABLE_SIZE: bytes of the HPACK dynamic table a client may make Fjord keep
 *     per connection ({@code tune.h2.header-table-size}); default 4096, at most 65536
 * @param initialWindowSize SETTINGS_INITIAL_WINDOW_SIZE: request body bytes a client may send on a stream before
 *     Fjord acknowledges them, which it does only as the server takes them ({@code tune.h2.fe.initial-window-size});
 *     default 65535
 * @param maxFrameSize SETTINGS_MAX_FRAME_SIZE: the largest frame payload a client may send
 *     ({@code tune.h2.max-frame-size}); default 16384
 * @param maxResetsPerWindow RST_STREAM frames a client may send within {@link #RESET_WINDOW_SECONDS} seconds; one
 *     more closes the connection with GOAWAY ENHANCE_YOUR_CALM (rapid reset, CVE-2023-44487); 0 turns the guard off;
 *     default 200 (no HAProxy equivalent: Netty's default)
 * @param maxQueuedControlFrames control frames Fjord may have queued (SETTINGS and PING acknowledgements, RST_STREAM)
 *     for a client that does not read them; one more closes the connection (SETTINGS and PING floods); 0 turns the
 *     guard off; default 10000 (Netty's default)
 */
public record Http2Tuning(
        int maxConcurrentStreams,
        int headerTableSize,
        int initialWindowSize,
        int maxFrameSize,
        int maxResetsPerWindow,
        int maxQueuedControlFrames) {
    /** The window, in seconds, over which {@link #maxResetsPerWindow()} counts a client's RST_STREAM frames. */
    public static final int RESET_WINDOW_SECONDS = 30;

    /** 100 streams, a 4096-byte table, 65535-byte windows, 16384-byte frames, 200 resets, 10000 queued frames. */
    public static final Http2Tuning DEFAULT = new Http2Tuning(100, 4096, 65535, 16384, 200, 10_000);

    private static final String CONTEXT = "global: http2";

    public Http2Tuning {
        Require.range(CONTEXT, "max-concurrent-streams", maxConcurrentStreams, 1, Integer.MAX_VALUE);
        Require.range(CONTEXT, "header-table-size", headerTableSize, 0, 65536);
        Require.range(CONTEXT, "initial-window-size", initialWindowSize, 1, Integer.MAX_VALUE);
        Require.range(CONTEXT, "max-frame-size", maxFrameSize, 16384, 16_777_215);
        Require.atLeast(CONTEXT, "max-resets-per-window", maxResetsPerWindow, 0);
        Require.atLeast(CONTEXT, "max-queued-control-frames", maxQueuedControlFrames, 0);
    }

    /** Builds {@link Http2Tuning} from {@link #DEFAULT}; not thread-safe. */
    public static final class Builder {
        private int maxConcurrentStreams = DEFAULT.maxConcurrentStreams;
        private int headerTableSize = DEFAULT.headerTableSize;
        private int initialWindowSize = DEFAULT.initialWindowSize;
        private int maxFrameSize = DEFAULT.maxFrameSize;
        private int maxResetsPerWindow = DEFAULT.maxResetsPerWindow;
        private int maxQueuedControlFrames = DEFAULT.maxQueuedControlFrames;

        Builder() {}

        /** See {@link Http2Tuning#maxConcurrentStreams()}; 1 or more (HAProxy's 0, unlimited, is refused). */
        public Builder maxConcurrentStreams(int streams) {
            this.maxConcurrentStreams = Require.range(CONTEXT, "max-concurrent-streams", streams, 1, Integer.MAX_VALUE);
            return this;
        }

        /** See {@link Http2Tuning#headerTableSize()}. */
        public Builder headerTableSize(int bytes) {
            this.headerTableSize = Require.range(CONTEXT, "header-table-size", bytes, 0, 65536);
            return this;
        }

        /** See {@link Http2Tuning#initialWindowSize()}. */
        public Builder initialWindowSize(int bytes) {
            this.initialWindowSize = Require.range(CONTEXT, "initial-window-size", bytes, 1, Integer.MAX_VALUE);
            return this;
        }

        /** See {@link Http2Tuning#maxFrameSize()}. */
        public Builder maxFrameSize(int bytes) {
            this.maxFrameSize = Require.range(CONTEXT, "max-frame-size", bytes, 16384, 16_777_215);
            return this;
        }

        /** See {@link Http2Tuning#maxResetsPerWindow()}. */
        public Builder maxResetsPerWindow(int resets) {
            this.maxResetsPerWindow = Require.atLeast(CONTEXT, "max-resets-per-window", resets, 0);
            return this;
        }

        /** See {@link Http2Tuning#maxQueuedControlFrames()}. */
        public Builder maxQueuedControlFrames(int frames) {
            this.maxQueuedControlFrames = Require.atLeast(CONTEXT, "max-queued-control-frames", frames, 0);
            return this;
        }

        Http2Tuning build() {
            return new Http2Tuning(
                    maxConcurrentStreams,
                    headerTableSize,
                    initialWindowSize,
                    maxFrameSize,
                    maxResetsPerWindow,
                    maxQueuedControlFrames);
        }
    }
}
