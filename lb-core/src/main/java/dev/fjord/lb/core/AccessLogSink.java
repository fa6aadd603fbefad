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

    /** This sink, then {@code next}, for every record. */
    default AccessLogSink and(AccessLogSink next) {
        java.util.Objects.requireNonNull(next, "next");
        return (entry, line) -> {
            log(entry, line);
            next.log(entry, line);
        };
    }
}
