package dev.fjord.lb.core;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * {@code http-request tarpit [deny_status STATUS]}: the request is refused as by {@code deny}, but its answer waits
 * for {@code timeout tarpit} (else {@code timeout connect}, else nothing) of the proxy whose rule it is, to slow a
 * robot down; then the errorfile for {@code status} (default 500, as HAProxy) is sent, on a connection kept open
 * as HAProxy 2.6 keeps it. The request never reaches a server; it counts as denied ({@code dreq}) and as an HTTP
 * error of the client's stick counters; the log's termination state is {@code PT}, also when the client leaves
 * first. Immutable.
 *
 * @param status the answer's status, 200-599
 */
public record TarpitRule(int status, @Nullable Condition condition) implements HttpRequestRule {
    public TarpitRule {
        Require.range("http-request tarpit", "deny_status", status, 200, 599);
    }

    /** {@code http-request tarpit}: 500 after the wait. */
    public static TarpitRule tarpit() {
        return new TarpitRule(500, null);
    }

    @Override
    public HttpRequestRule when(Condition condition) {
        return new TarpitRule(status, condition);
    }

    /** How long a request waits before its answer: {@code timeout tarpit}, else {@code timeout connect}, else 0. */
    static Duration delay(Timeouts timeouts) {
        Duration tarpit = timeouts.tarpit();
        if (tarpit != null) {
            return tarpit;
        }
        Duration connect = timeouts.connect();
        return connect != null ? connect : Duration.ZERO;
    }
}
