package dev.fjord.lb.core;

import java.util.Objects;

/**
 * Passive health checking of a server from its live traffic, as HAProxy's {@code observe}, {@code error-limit} and
 * {@code on-error}: after {@code errorLimit} consecutive errors the server is treated as {@code onError} says.
 *
 * <pre>{@code
 * server.observe(PassiveCheck.layer7().errorLimit(5).onError(PassiveCheck.OnError.SUDDEN_DEATH));
 * }</pre>
 *
 * @param layer which errors count
 * @param errorLimit consecutive errors that trigger {@code onError}; default 10
 * @param onError what they trigger; default {@link OnError#FAIL_CHECK}
 */
public record PassiveCheck(Layer layer, int errorLimit, OnError onError) {

    /** Which live-traffic errors count. */
    public enum Layer {
        /** Connection failures and resets ({@code observe layer4}). */
        LAYER4,
        /** Those, and invalid responses, timeouts and 5xx statuses other than 501 and 505 ({@code observe layer7}). */
        LAYER7
    }

    /** What reaching the error limit does. */
    public enum OnError {
        /** Check at {@code fastinter} until a check decides ({@code fastinter}). */
        FASTINTER,
        /** Count as one failed health check ({@code fail-check}), the default. */
        FAIL_CHECK,
        /** One more failed check marks the server DOWN ({@code sudden-death}). */
        SUDDEN_DEATH,
        /** Mark the server DOWN at once; checks bring it back ({@code mark-down}). */
        MARK_DOWN
    }

    /**
     * What a server with {@code check} and no {@code observe} is observed for: connection failures, three in a row
     * marking it DOWN at once ({@code observe layer4 error-limit 3 on-error mark-down}), so that requests stop going
     * to a server that died without waiting for {@code fall} checks; its checks bring it back.
     */
    public static final PassiveCheck CONNECT_FAILURES = new PassiveCheck(Layer.LAYER4, 3, OnError.MARK_DOWN);

    public PassiveCheck {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(onError, "onError");
        Require.range("observe", "error-limit", errorLimit, 1, 1000);
    }

    /** {@code observe layer4}, error-limit 10, on-error fail-check. */
    public static PassiveCheck layer4() {
        return new PassiveCheck(Layer.LAYER4, 10, OnError.FAIL_CHECK);
    }

    /** {@code observe layer7}, error-limit 10, on-error fail-check. */
    public static PassiveCheck layer7() {
        return new PassiveCheck(Layer.LAYER7, 10, OnError.FAIL_CHECK);
    }

    /** With {@code error-limit}. */
    public PassiveCheck errorLimit(int limit) {
        return new PassiveCheck(layer, limit, onError);
    }

    /** With {@code on-error}. */
    public PassiveCheck onError(OnError action) {
        return new PassiveCheck(layer, errorLimit, action);
    }
}
