package dev.fjord.lb.core;

import java.time.Duration;
import java.util.Objects;

/**
 * One health check's result.
 *
 * @param status what happened
 * @param code the HTTP status of an HTTP check's response; 0 when there was none
 * @param duration from the start of the check to its result
 * @param detail a short reason for a failure, e.g. {@code Connection refused}; empty when it passed
 */
public record CheckResult(CheckStatus status, int code, Duration duration, String detail) {

    public CheckResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(detail, "detail");
    }

    /** HAProxy's log form: {@code reason: Layer7 wrong status, code: 500, check duration: 3ms}. */
    public String describe() {
        StringBuilder text = new StringBuilder("reason: ").append(status.description());
        if (code > 0) {
            text.append(", code: ").append(code);
        }
        if (!detail.isEmpty()) {
            text.append(", info: \"").append(detail).append('"');
        }
        return text.append(", check duration: ")
                .append(duration.toMillis())
                .append("ms")
                .toString();
    }
}
