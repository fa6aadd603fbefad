package dev.fjord.lb.netty;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fjord.lb.core.AccessLogEntry;
import dev.fjord.lb.core.AccessLogSink;

/** The default access log: each line at INFO on logger {@code dev.fjord.lb.access}. Thread-safe. */
final class Slf4jAccessLog implements AccessLogSink {
    private static final Logger log = LoggerFactory.getLogger("dev.fjord.lb.access");

    @Override
    public void log(AccessLogEntry entry, String line) {
        log.info(line);
    }
}
