package dev.fjord.lb.core;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * {@code http-request set-path|set-query|set-uri FORMAT} ({@code regex} null) or {@code replace-path|replace-uri REGEX
 * REPLACEMENT}: a rewrite of the request target, which later rules and {@code use_backend} see and the server gets;
 * made with {@link HttpRequestRule#rewrite}. Immutable.
 */
public record TargetRewrite(
        Kind kind,
        @Nullable String regex,
        String value,
        @Nullable Condition condition) implements HttpRequestRule {
    /** What is rewritten, and how. */
    public enum Kind {
        SET_PATH,
        SET_QUERY,
        SET_URI,
        REPLACE_PATH,
        REPLACE_URI;

        /** The action's keyword, e.g. {@code set-path}. */
        public String keyword() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        boolean replaces() {
            return this == REPLACE_PATH || this == REPLACE_URI;
        }
    }

    public TargetRewrite {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(value, "value");
        if (kind.replaces() != (regex != null)) {
            throw new ConfigException("http-request " + kind.keyword()
                    + (kind.replaces() ? ": a regex (expected: REGEX REPLACEMENT)" : ": no regex (expected: FORMAT)"));
        }
        if (!kind.replaces()) {
            HeaderValue.check("http-request " + kind.keyword(), value);
        }
    }

    @Override
    public HttpRequestRule when(Condition condition) {
        return new TargetRewrite(kind, regex, value, condition);
    }
}
