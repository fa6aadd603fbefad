package dev.fjord.lb.netty;

import dev.fjord.lb.core.AccessLogEntry;
import dev.fjord.lb.core.AccessLogSink;

/**
 * The default access log: each line at INFO on logger {@code dev.fjord.lb.access} (SLF4J, or the JDK's System.Logger
 * when SLF4J has no provider). Thread-safe.
 */
final class Slf4jAccessLog implements AccessLogSink {
    private static final OperatorLog log = OperatorLog.of("dev.fjord.lb.access");

    @Override
    public void log(AccessLogEntry entry, String line) {
        log.info(line);
    }
}
