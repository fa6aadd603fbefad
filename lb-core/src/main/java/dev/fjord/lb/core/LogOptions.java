package dev.fjord.lb.core;

import org.jspecify.annotations.Nullable;

/**
 * What a proxy logs beyond its {@code log} targets, as HAProxy's logging options. Immutable.
 *
 * @param dontLogNormal only requests that failed are logged: a server or proxy error (5xx), a termination state
 *     other than {@code --}, a retry or redispatch ({@code option dontlog-normal}); default false
 * @param logHealthChecks every change of a health check's result is logged, not only state changes
 *     ({@code option log-health-checks}); default false
 * @param logSeparateErrors lines of failed requests (as {@code dontLogNormal} defines them) are sent at level
 *     {@code err} instead of {@code info} ({@code option log-separate-errors}); default false
 * @param customFormat the {@code log-format} string; null: the format of {@link Settings#logFormat()}
 * @param uniqueIdFormat the log-format each request's unique ID is made from ({@code unique-id-format}: {@code %ID}
 *     in logs, the {@code unique-id} fetch); null (the default): requests get none
 * @param uniqueIdHeader the request header the unique ID is sent to the server in ({@code unique-id-header}), when
 *     {@code uniqueIdFormat} is set; null (the default): none
 * @param ignoreProbes a new connection that sends nothing before {@code timeout http-request} (a browser's
 *     pre-connect) is closed without a 408 and without a log line ({@code option http-ignore-probes}); default false
 */
public record LogOptions(
        boolean dontLogNormal,
        boolean logHealthChecks,
        boolean logSeparateErrors,
        @Nullable String customFormat,
        @Nullable String uniqueIdFormat,
        @Nullable String uniqueIdHeader,
        boolean ignoreProbes) {
    /** HAProxy's defaults: everything logged at {@code info}, in the built-in formats, no unique ID. */
    public static final LogOptions DEFAULT = new LogOptions(false, false, false, null, null, null, false);

    /** Options without {@code ignoreProbes}. */
    public LogOptions(
            boolean dontLogNormal,
            boolean logHealthChecks,
            boolean logSeparateErrors,
            @Nullable String customFormat,
            @Nullable String uniqueIdFormat,
            @Nullable String uniqueIdHeader) {
        this(dontLogNormal, logHealthChecks, logSeparateErrors, customFormat, uniqueIdFormat, uniqueIdHeader, false);
    }

    /** These options with {@code option dontlog-normal} set to {@code value}. */
    public LogOptions withDontLogNormal(boolean value) {
        return new LogOptions(
                value, logHealthChecks, logSeparateErrors, customFormat, uniqueIdFormat, uniqueIdHeader, ignoreProbes);
    }

    /** These options with {@code option log-health-checks} set to {@code value}. */
    public LogOptions withLogHealthChecks(boolean value) {
        return new LogOptions(
                dontLogNormal, value, logSeparateErrors, customFormat, uniqueIdFormat, uniqueIdHeader, ignoreProbes);
    }

    /** These options with {@code option log-separate-errors} set to {@code value}. */
    public LogOptions withLogSeparateErrors(boolean value) {
        return new LogOptions(
                dontLogNormal, logHealthChecks, value, customFormat, uniqueIdFormat, uniqueIdHeader, ignoreProbes);
    }

    /** These options with the {@code log-format} string {@code format}; null: the built-in format. */
    public LogOptions withCustomFormat(@Nullable String format) {
        return new LogOptions(
                dontLogNormal,
                logHealthChecks,
                logSeparateErrors,
                format,
                uniqueIdFormat,
                uniqueIdHeader,
                ignoreProbes);
    }

    /** These options with the {@code unique-id-format} {@code format}; null: requests get no unique ID. */
    public LogOptions withUniqueIdFormat(@Nullable String format) {
        return new LogOptions(
                dontLogNormal, logHealthChecks, logSeparateErrors, customFormat, format, uniqueIdHeader, ignoreProbes);
    }

    /** These options with the {@code unique-id-header} {@code name}; null: the ID is not sent to servers. */
    public LogOptions withUniqueIdHeader(@Nullable String name) {
        return new LogOptions(
                dontLogNormal, logHealthChecks, logSeparateErrors, customFormat, uniqueIdFormat, name, ignoreProbes);
    }

    /** These options with {@code option http-ignore-probes} set to {@code value}. */
    public LogOptions withIgnoreProbes(boolean value) {
        return new LogOptions(
                dontLogNormal, logHealthChecks, logSeparateErrors, customFormat, uniqueIdFormat, uniqueIdHeader, value);
    }
}
