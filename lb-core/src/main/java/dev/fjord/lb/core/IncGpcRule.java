package dev.fjord.lb.core;

import org.jspecify.annotations.Nullable;

/**
 * {@code http-request sc-inc-gpc0|1(COUNTER)}: increments a tracked entry's general-purpose counter, then goes on;
 * made with {@link HttpRequestRule#scIncGpc}. Immutable.
 */
public record IncGpcRule(int gpc, int counter, @Nullable Condition condition) implements HttpRequestRule {
    public IncGpcRule {
        Require.range("http-request sc-inc-gpc", "gpc", gpc, 0, 1);
        Require.range("http-request sc-inc-gpc" + gpc, "counter", counter, 0, TrackSc.COUNTERS - 1);
    }

    @Override
    public HttpRequestRule when(Condition condition) {
        return new IncGpcRule(gpc, counter, condition);
    }
}
