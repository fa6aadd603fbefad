package dev.fjord.lb.core.haproxy;

import dev.fjord.lb.core.GlobalConfig;
import dev.fjord.lb.core.Http2Tuning;
import dev.fjord.lb.core.haproxy.Lines.Line;

/**
 * The {@code tune.h2.*} keywords of the global section that apply to Fjord's HTTP/2 client connections
 * ({@link Http2Tuning}): {@code tune.h2.header-table-size}, {@code tune.h2.max-frame-size},
 * {@code tune.h2.[fe.]initial-window-size} and {@code tune.h2.[fe.]max-concurrent-streams}, the {@code fe.} form
 * winning over the common one wherever each stands, as in HAProxy. The others ({@code tune.h2.be.*}, glitches,
 * {@code rxbuf}) stay ignored as every other {@code tune.*} keyword. Not thread-safe: one import.
 */
final class Http2TuneKeywords {
    private boolean frontendWindow;
    private boolean frontendStreams;

    /**
     * Applies {@code line} to {@code global}; false when it is none of these keywords.
     *
     * @throws IllegalArgumentException for a value that is not a number Fjord accepts
     */
    boolean apply(GlobalConfig.Builder global, Line line) {
        switch (line.keyword()) {
            case "tune.h2.header-table-size" -> {
                int bytes = number(line);
                global.http2(h -> h.headerTableSize(bytes));
            }
            case "tune.h2.max-frame-size" -> {
                int bytes = number(line);
                global.http2(h -> h.maxFrameSize(bytes));
            }
            case "tune.h2.initial-window-size", "tune.h2.fe.initial-window-size" -> {
                int bytes = number(line);
                boolean frontend = line.keyword().contains(".fe.");
                if (frontend || !frontendWindow) {
                    global.http2(h -> h.initialWindowSize(bytes));
                }
                frontendWindow |= frontend;
            }
            case "tune.h2.max-concurrent-streams", "tune.h2.fe.max-concurrent-streams" -> {
                if (line.size() > 2) {
                    throw new IllegalArgumentException(
                            line.keyword() + " options " + line.words().subList(2, line.size())
                                    + " are not supported (expected: " + line.keyword() + " NUMBER)");
                }
                int streams = number(line);
                boolean frontend = line.keyword().contains(".fe.");
                if (frontend || !frontendStreams) {
                    global.http2(h -> h.maxConcurrentStreams(streams));
                }
                frontendStreams |= frontend;
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private static int number(Line line) {
        if (line.size() < 2) {
            throw new IllegalArgumentException("missing value (expected: " + line.keyword() + " NUMBER)");
        }
        return Values.integer(line.arg(1));
    }
}
