package dev.fjord.lb.core;

/**
 * Where access-log records go: lb-netty's default sends each line to the configuration's {@code log} targets, or to
 * SLF4J (logger {@code dev.fjord.lb.access}) when it names none; an application can send them anywhere. Called on
 * the connection's thread when a request ends; must not block.
 */
@FunctionalInterface
public interface AccessLogSink {

    /**
     * Logs one record; called on an event loop, so it must not block.
     *
     * @param entry the record's values
     * @param line the record as the frontend's format writes it ({@code option httplog}, tcplog or JSON)
     */
    void log(AccessLogEntry entry, String line);

    /**
     * Logs one record at a syslog {@code level}: {@code info}, {@code err} for a failed request with {@code option
     * log-separate-errors}, or what {@code http-request set-log-level} set. By default the level is ignored.
     */
    default void log(AccessLogEntry entry, String line, String level) {
        log(entry, line);
    }

    /** This sink, then {@code next}, for every record. */
    default AccessLogSink and(AccessLogSink next) {
        java.util.Objects.requireNonNull(next, "next");
        AccessLogSink first = this;
        return new AccessLogSink() {
            @Override
            public void log(AccessLogEntry entry, String line) {
                first.log(entry, line);
                next.log(entry, line);
            }

            @Override
            public void log(AccessLogEntry entry, String line, String level) {
                first.log(entry, line, level);
                next.log(entry, line, level);
            }
        };
    }
}
