package dev.fjord.lb.core;

import org.jspecify.annotations.Nullable;

/**
 * {@code http-request return ... lf-string FORMAT} (or {@code lf-file FILE}): an answer of the proxy's own whose body
 * is a log-format evaluated for each request, e.g. {@code {"ip":"%[src]"}}; as {@link HttpRequestRule.Return}
 * otherwise. Immutable.
 *
 * @param status the answer's status, 200-599
 * @param contentType its {@code Content-Type}
 * @param format the body's log-format ({@code %[sample]}, {@code %ci}..., {@code %%} for {@code %})
 */
public record FormattedReturn(
        int status,
        String contentType,
        String format,
        @Nullable Condition condition) implements HttpRequestRule {
    public FormattedReturn {
        new HttpRequestRule.Return(status, contentType, "", null); // the same checks
        HeaderValue.check("http-request return lf-string", format);
    }

    @Override
    public HttpRequestRule when(Condition condition) {
        return new FormattedReturn(status, contentType, format, condition);
    }
}
