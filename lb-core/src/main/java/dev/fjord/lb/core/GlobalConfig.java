package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Process-wide settings, as HAProxy's {@code global} section.
 *
 * @param maxConn the most concurrent client connections over all frontends; default 4096
 * @param logs where log lines go ({@code log}); frontends with {@code log global} use these
 * @param statsSocket the path of the runtime command socket ({@code stats socket}); null: none
 * @param spreadChecks each health-check interval varies randomly by up to this percent ({@code spread-checks});
 *     default 0
 * @param http2 how HTTP/2 client connections are run ({@code tune.h2.*}); default {@link Http2Tuning#DEFAULT}
 * @param maxZlibMemMegabytes the most native memory the compression of responses may hold at once, in MB
 *     ({@code maxzlibmem}): a response that would go beyond it is sent uncompressed; default 0, no limit
 */
public record GlobalConfig(
        int maxConn,
        List<LogTarget> logs,
        @Nullable String statsSocket,
        int spreadChecks,
        Http2Tuning http2,
        int maxZlibMemMegabytes) {
    /** The default global {@code maxconn}. */
    public static final int DEFAULT_MAX_CONN = 4096;

    public GlobalConfig {
        logs = List.copyOf(logs);
        Objects.requireNonNull(http2, "http2");
    }

    /** Builds a {@link GlobalConfig}; not thread-safe. */
    public static final class Builder {
        private int maxConn = DEFAULT_MAX_CONN;
        private final List<LogTarget> logs = new ArrayList<>();
        private @Nullable String statsSocket;
        private int spreadChecks;
        private final Http2Tuning.Builder http2 = new Http2Tuning.Builder();
        private int maxZlibMemMegabytes;

        Builder() {}

        /** The most concurrent client connections ({@code maxconn}); default 4096. */
        public Builder maxConn(int maxConn) {
            this.maxConn = Require.atLeast("global", "maxconn", maxConn, 1);
            return this;
        }

        /** Adds a log target ({@code log}). */
        public Builder log(LogTarget target) {
            logs.add(Objects.requireNonNull(target, "target"));
            return this;
        }

        /** The runtime command socket's path ({@code stats socket}). */
        public Builder statsSocket(String path) {
            Objects.requireNonNull(path, "path");
            if (path.isEmpty() || path.chars().anyMatch(c -> c < ' ')) {
                throw new ConfigException("global: stats socket '" + path + "' (expected: a file path)");
            }
            this.statsSocket = path;
            return this;
        }

        /** Random variation of check intervals, 0-50 percent ({@code spread-checks}); default 0. */
        public Builder spreadChecks(int percent) {
            this.spreadChecks = Require.range("global", "spread-checks", percent, 0, 50);
            return this;
        }

        /**
         * HTTP/2 settings and limits ({@code tune.h2.*}), e.g. {@code g.http2(h -> h.maxConcurrentStreams(50))}; see
         * {@link Http2Tuning} for each and its default.
         */
        public Builder http2(java.util.function.Consumer<Http2Tuning.Builder> spec) {
            spec.accept(http2);
            return this;
        }

        /** The most native memory compression may hold, in MB ({@code maxzlibmem}); default 0, no limit. */
        public Builder maxZlibMem(int megabytes) {
            this.maxZlibMemMegabytes = Require.atLeast("global", "maxzlibmem", megabytes, 0);
            return this;
        }

        GlobalConfig build() {
            return new GlobalConfig(maxConn, logs, statsSocket, spreadChecks, http2.build(), maxZlibMemMegabytes);
        }
    }
}
