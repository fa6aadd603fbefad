package dev.fjord.lb.core;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * {@code http-request set-src EXPR}: the request's client address becomes the sample's (an address, or text that
 * reads as one, e.g. {@code req.hdr(CF-Connecting-IP)}) for the rules after it, {@code X-Forwarded-For}, stickiness,
 * stick tables and the log; a sample that is no address changes nothing. Goes on with the next rule. Immutable.
 *
 * @param expression the sample expression
 */
public record SetSrcRule(String expression, @Nullable Condition condition) implements HttpRequestRule {
    public SetSrcRule {
        Objects.requireNonNull(expression, "expression");
        try {
            SampleFetch.parseExpression(expression);
        } catch (ConfigException e) {
            throw new ConfigException("http-request set-src: " + e.getMessage());
        }
    }

    @Override
    public HttpRequestRule when(Condition condition) {
        return new SetSrcRule(expression, condition);
    }
}
