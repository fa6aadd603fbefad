package dev.fjord.lb.core;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * {@code http-request track-scN KEY [table TABLE]}: tracks the request's key in a stick table, then goes on with the
 * next rule; made with {@link HttpRequestRule#trackSc}. Immutable.
 */
public record TrackRule(TrackSc track, @Nullable Condition condition) implements HttpRequestRule {
    public TrackRule {
        Objects.requireNonNull(track, "track");
    }

    @Override
    public HttpRequestRule when(Condition condition) {
        return new TrackRule(track, condition);
    }
}
