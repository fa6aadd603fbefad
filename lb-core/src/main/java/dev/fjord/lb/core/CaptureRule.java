package dev.fjord.lb.core;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * {@code http-request capture SAMPLE len LENGTH}: the sample's value, cut at {@code length} characters, is kept for the
 * access log, where {@code %hr} shows it among the captured request headers (after those of {@code capture request
 * header}, in rule order; HAProxy orders the two kinds as their lines come). Goes on with the next rule. Frontends
 * only, as HAProxy. Immutable.
 *
 * @param sample the sample expression, e.g. {@code req.hdr(User-Agent)} or {@code var(txn.user)}
 * @param length the characters kept, 1-65535
 */
public record CaptureRule(
        String sample, int length, @Nullable Condition condition) implements HttpRequestRule {
    public CaptureRule {
        Objects.requireNonNull(sample, "sample");
        Require.range("http-request capture", "len", length, 1, 65535);
        try {
            SampleFetch.parseExpression(sample);
        } catch (ConfigException e) {
            throw new ConfigException("http-request capture: " + e.getMessage());
        }
    }

    @Override
    public HttpRequestRule when(Condition condition) {
        return new CaptureRule(sample, length, condition);
    }
}
