package dev.fjord.lb.core;

/** The access-log format of a frontend, as HAProxy's {@code option httplog} / {@code option tcplog}. */
public enum LogFormat {
    /** HAProxy's default one-line format: client, frontend, backend/server, bytes. The default. */
    DEFAULT,
    /** {@code option tcplog}: adds timers, connection counts and termination state. */
    TCP,
    /** {@code option httplog}: adds the request line, status, cookies and HTTP timers. */
    HTTP,
    /** The fields of {@link #HTTP} (or {@link #TCP} in TCP mode) as one JSON object per line. */
    JSON
}
