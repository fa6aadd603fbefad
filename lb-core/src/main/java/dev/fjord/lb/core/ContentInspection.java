package dev.fjord.lb.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a {@code mode tcp} frontend inspects the first bytes of a connection before routing it: its
 * {@code tcp-request inspect-delay} and {@code tcp-request content} rules. Without rules nothing is held, whatever
 * the delay (as in HAProxy, where the rules are what waits). Immutable.
 *
 * @param delay how long the bytes are held at most waiting for a rule to decide ({@code tcp-request inspect-delay});
 *     zero: the rules decide at once on what is there (usually nothing)
 * @param rules the {@code tcp-request content} rules, in order
 */
public record ContentInspection(Duration delay, List<TcpContentRule> rules) {
    /** No inspection: the default. */
    public static final ContentInspection NONE = new ContentInspection(Duration.ZERO, List.of());

    public ContentInspection {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new ConfigException("tcp-request inspect-delay: " + delay + " (expected: a duration >= 0)");
        }
        rules = List.copyOf(rules);
    }

    /** Whether connections are held for inspection at all: there are rules. */
    public boolean inspects() {
        return !rules.isEmpty();
    }
}
