package dev.fjord.lb.core;

import org.jspecify.annotations.Nullable;

/**
 * What a {@code set-var} rule stores, compiled: the sample of its expression, or its log-format's text. Immutable.
 */
final class VariableValue {
    private final @Nullable SampleFetch sample;
    private final @Nullable CustomLogFormat format;

    private VariableValue(@Nullable SampleFetch sample, @Nullable CustomLogFormat format) {
        this.sample = sample;
        this.format = format;
    }

    /**
     * Checks a rule's value, in a response rule when {@code response}.
     *
     * @throws ConfigException naming {@code context} and what is wrong
     */
    static void check(String context, String value, boolean format, boolean unset, boolean response) {
        if (unset) {
            return;
        }
        try {
            compile(value, format, response);
        } catch (ConfigException e) {
            throw new ConfigException(context + ": " + e.getMessage());
        }
    }

    static VariableValue compile(String value, boolean format, boolean response) {
        if (format) {
            return new VariableValue(
                    null, response ? CustomLogFormat.parseResponseValue(value) : CustomLogFormat.parseValue(value));
        }
        return new VariableValue(SampleFetch.parseExpression(value), null);
    }

    /** The value for {@code request} and {@code response} (null in a request rule); null when the sample has none. */
    @Nullable
    Object of(RequestHead request, @Nullable ResponseHead response, @Nullable RouteDecision decision) {
        CustomLogFormat text = format;
        if (text != null) {
            return text.value(request, response, decision);
        }
        return java.util.Objects.requireNonNull(sample, "sample").fetch(request, response);
    }
}
