package dev.fjord.lb.core;

import org.jspecify.annotations.Nullable;

/**
 * The value an {@code http-request set-header} or {@code add-header} rule writes: its literal text, or its
 * log-format ({@link CustomLogFormat#parseValue}) evaluated for the request. Immutable and thread-safe.
 */
final class HeaderValue {
    /** For a rule that writes no header value. */
    static final HeaderValue NONE = new HeaderValue("", null);

    private final String literal;
    private final @Nullable CustomLogFormat format;

    private HeaderValue(String literal, @Nullable CustomLogFormat format) {
        this.literal = literal;
        this.format = format;
    }

    /** The value of {@code rule}: {@link #NONE} for a rule other than {@code set-header} and {@code add-header}. */
    static HeaderValue of(HttpRequestRule rule) {
        if (rule instanceof HttpRequestRule.SetHeader set) {
            return of(set.value(), set.format());
        }
        if (rule instanceof HttpRequestRule.AddHeader add) {
            return of(add.value(), add.format());
        }
        return NONE;
    }

    private static HeaderValue of(String value, boolean format) {
        return format ? new HeaderValue(value, CustomLogFormat.parseValue(value)) : new HeaderValue(value, null);
    }

    /**
     * Checks {@code format}, a header value's log-format.
     *
     * @throws ConfigException naming {@code context} and what is wrong
     */
    static void check(String context, String format) {
        try {
            CustomLogFormat.parseValue(format);
        } catch (ConfigException e) {
            throw new ConfigException(context + ": " + e.getMessage());
        }
    }

    /** The value for {@code request}. */
    String of(RequestHead request) {
        CustomLogFormat compiled = format;
        return compiled == null ? literal : compiled.value(request);
    }
}
