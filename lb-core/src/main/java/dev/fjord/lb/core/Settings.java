package dev.fjord.lb.core;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The settings a {@code defaults} section gives to the frontends and backends declared after it, and that each of
 * them may override. A frontend uses the client-side ones (mode, maxconn, client timeouts, logging, forwardfor), a
 * backend the server-side ones (balance, retries, redispatch, server timeouts, checks, forwardfor).
 *
 * @param mode {@code mode}; default {@link Mode#TCP}, as in HAProxy
 * @param maxConn a frontend's concurrent connections ({@code maxconn}); default 0: bounded by the global maxconn only
 * @param retries connection attempts to retry after a failed one ({@code retries}); default 3
 * @param redispatch retries may go to another server ({@code option redispatch}); default false
 * @param balance the balancing algorithm ({@code balance}); default round robin
 * @param hashType how hash-based algorithms map keys ({@code hash-type}); default map-based
 * @param hashBalanceFactor with {@code hash-type consistent}, no server takes more than this percentage of the
 *     average load of the backend's servers: a key whose server is over it goes to the next one on the ring
 *     ({@code hash-balance-factor}, bounded-load consistent hashing); default 0: unbounded
 * @param timeouts the {@code timeout} values; default none set
 * @param sendNameHeader the request field that tells a server its own name ({@code http-send-name-header}), set on
 *     every attempt; default null: none
 * @param forwardFor whether and how the client address is added to requests ({@code option forwardfor}); default null
 * @param connectionMode how HTTP connections are kept alive; default keep-alive
 * @param logFormat the access-log format ({@code option httplog/tcplog}); default {@link LogFormat#DEFAULT}
 * @param dontLogNull connections that sent no data are not logged ({@code option dontlognull}); default false
 * @param logGlobal log lines go to the global log targets ({@code log global}); default false
 * @param logTargets this section's own {@code log} targets, after the global ones when {@code logGlobal}; default none
 * @param httpCheck HTTP health checks ({@code option httpchk}); default null: checked servers get TCP connect checks
 * @param retryOn what is retried ({@code retry-on}); default {@link RetryOn#DEFAULT}: connection failures only
 * @param tcpCheck scripted TCP checks ({@code option tcp-check}); default null: a plain connect, or {@code httpCheck}
 * @param abortOnClose a client that goes away cancels its queued or in-flight server request ({@code option
 *     abortonclose}); default false: the request goes on and its response is dropped
 * @param bufferRequest a request's body is read whole, or up to {@link #BUFFERED_BODY_BYTES}, before a server is
 *     connected to ({@code option http-buffer-request}: a slow upload never holds a server connection); default
 *     false: the body is relayed as it comes
 * @param backlog a frontend's listen backlog ({@code backlog}); default 0: the frontend's {@code maxconn}, else the
 *     global {@code maxconn}, else 1024, as HAProxy derives it
 * @param underscoreHeaders what a frontend does with request headers that look like framing or routing headers once
 *     {@code _} is read as {@code -}; default {@link UnderscoreHeaders#DROP}
 * @param errorFiles the responses sent instead of the proxy's built-in error pages, by status ({@code errorfile});
 *     a backend's first, then the frontend's; default none
 * @param allBackups a backend balances over every backup server, not only the first, when no active server is
 *     usable ({@code option allbackups}); default false
 * @param logOptions {@code option dontlog-normal}, {@code log-health-checks}, {@code log-separate-errors},
 *     {@code log-format} and {@code unique-id-format}; default {@link LogOptions#DEFAULT}
 * @param httpReuse whether a backend's idle server connections serve other clients ({@code http-reuse}); default
 *     {@link HttpReuse#SAFE}
 * @param compression responses compressed for clients that accept it ({@code compression}); default
 *     {@link Compression#NONE}
 */
public record Settings(
        Mode mode,
        int maxConn,
        int retries,
        boolean redispatch,
        Balance balance,
        HashType hashType,
        Timeouts timeouts,
        @Nullable ForwardFor forwardFor,
        ConnectionMode connectionMode,
        LogFormat logFormat,
        boolean dontLogNull,
        boolean logGlobal,
        List<LogTarget> logTargets,
        @Nullable HttpCheck httpCheck,
        Set<RetryOn> retryOn,
        @Nullable TcpCheck tcpCheck,
        UnderscoreHeaders underscoreHeaders,
        boolean abortOnClose,
        boolean bufferRequest,
        int backlog,
        Map<Integer, LocalResponse> errorFiles,
        boolean allBackups,
        LogOptions logOptions,
        HttpReuse httpReuse,
        Compression compression,
        int hashBalanceFactor,
        @Nullable String sendNameHeader) {

    /** The body bytes {@code bufferRequest} waits for at most: HAProxy's buffer (16 KiB) less its rewrite reserve. */
    public static final int BUFFERED_BODY_BYTES = 16384 - 1024;

    /** HAProxy's built-in defaults, which a {@code defaults} section starts from. */
    public static final Settings DEFAULT = new Settings(
            Mode.TCP,
            0,
            3,
            false,
            Balance.roundRobin(),
            HashType.MAP_BASED,
            Timeouts.NONE,
            null,
            ConnectionMode.KEEP_ALIVE,
            LogFormat.DEFAULT,
            false,
            false,
            List.of(),
            null,
            RetryOn.DEFAULT,
            null,
            UnderscoreHeaders.DROP,
            false,
            false,
            0,
            Map.of(),
            false,
            LogOptions.DEFAULT,
            HttpReuse.SAFE,
            Compression.NONE,
            0,
            null);

    public Settings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(balance, "balance");
        Objects.requireNonNull(hashType, "hashType");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(connectionMode, "connectionMode");
        Objects.requireNonNull(logFormat, "logFormat");
        Objects.requireNonNull(underscoreHeaders, "underscoreHeaders");
        Objects.requireNonNull(logOptions, "logOptions");
        Objects.requireNonNull(httpReuse, "httpReuse");
        Objects.requireNonNull(compression, "compression");
        retryOn = Set.copyOf(retryOn);
        logTargets = List.copyOf(logTargets);
        errorFiles = Map.copyOf(errorFiles);
    }

    /** Builds the settings of a {@code defaults} section, starting from {@link #DEFAULT}; not thread-safe. */
    public static final class Builder extends SettingsBuilder<Builder> {
        Builder() {
            super("defaults", DEFAULT);
        }
    }
}
