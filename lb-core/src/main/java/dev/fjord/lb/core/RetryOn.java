package dev.fjord.lb.core;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * What makes the proxy retry a request on another attempt, as HAProxy's {@code retry-on}. Connection failures are
 * retried for every request; the others only for requests that are safe to repeat (idempotent methods whose body,
 * if any, was buffered whole within the transport's bound), since the server may have seen them.
 *
 * <pre>{@code
 * backend.retryOn(RetryOn.CONN_FAILURE, RetryOn.EMPTY_RESPONSE, RetryOn.STATUS_503);
 * }</pre>
 */
public enum RetryOn {
    /** The connection to the server could not be established ({@code conn-failure}); the default. */
    CONN_FAILURE("conn-failure", 0),
    /** The server closed the connection without sending a response ({@code empty-response}). */
    EMPTY_RESPONSE("empty-response", 0),
    /** The server sent something that is not a valid response ({@code junk-response}). */
    JUNK_RESPONSE("junk-response", 0),
    /** The server did not answer within {@code timeout server} ({@code response-timeout}). */
    RESPONSE_TIMEOUT("response-timeout", 0),
    STATUS_404("404", 404),
    STATUS_408("408", 408),
    STATUS_425("425", 425),
    STATUS_500("500", 500),
    STATUS_501("501", 501),
    STATUS_502("502", 502),
    STATUS_503("503", 503),
    STATUS_504("504", 504);

    /** HAProxy's {@code all-retryable-errors}. */
    public static final Set<RetryOn> ALL_RETRYABLE_ERRORS = Set.copyOf(EnumSet.of(
            CONN_FAILURE,
            EMPTY_RESPONSE,
            JUNK_RESPONSE,
            RESPONSE_TIMEOUT,
            STATUS_500,
            STATUS_502,
            STATUS_503,
            STATUS_504));
    /** HAProxy's default: only connection failures. */
    public static final Set<RetryOn> DEFAULT = Set.of(CONN_FAILURE);

    private static final RetryOn[] VALUES = values();

    private final String keyword;
    private final int status;

    RetryOn(String keyword, int status) {
        this.keyword = keyword;
        this.status = status;
    }

    /** HAProxy's keyword, e.g. {@code empty-response} or {@code 503}. */
    public String keyword() {
        return keyword;
    }

    /** The response status this retries on, or 0 for the events. */
    public int status() {
        return status;
    }

    /** The value whose status is {@code status}, or null. */
    public static @Nullable RetryOn ofStatus(int status) {
        for (RetryOn value : VALUES) { // per response: values() would copy the array each time
            if (value.status == status && status != 0) {
                return value;
            }
        }
        return null;
    }

    /**
     * The value of HAProxy keyword {@code keyword}.
     *
     * @throws ConfigException naming the keyword and those there are
     */
    public static RetryOn of(String keyword) {
        String lower = keyword.toLowerCase(Locale.ROOT);
        for (RetryOn value : values()) {
            if (value.keyword.equals(lower)) {
                return value;
            }
        }
        throw new ConfigException("retry-on: '" + keyword + "' (expected: conn-failure, empty-response, "
                + "junk-response, response-timeout, 404, 408, 425, 500, 501, 502, 503, 504 or all-retryable-errors)");
    }
}
