package dev.fjord.lb.core;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A backend's {@code stick match|on|store-request KEY [table TABLE] [if|unless CONDITION]}: persistence on any key.
 * {@code match} sends a request whose key has an entry to the server the entry names (unless a cookie chose one, or
 * that server is DOWN or in MAINT; the first matching rule wins); {@code store-request} stores the server chosen
 * under the request's key (the first such rule per table); {@code on} does both. Rules run in order, after cookie
 * persistence and before balancing. Immutable.
 *
 * <pre>{@code
 * backend.stickTable(StickTable.string(10_000).expire(Duration.ofMinutes(30)))
 *        .stick(StickRule.on("req.cook(JSESSIONID)"))
 *        .stick(StickRule.on("src").when("!{ req.cook(JSESSIONID) -m found }"));
 * }</pre>
 *
 * @param kind what the rule does
 * @param key the sample expression of the key, e.g. {@code src} or {@code url_param(user)}
 * @param table the table; null: the backend's own
 * @param condition when the rule applies; null: always
 */
public record StickRule(
        Kind kind,
        String key,
        @Nullable String table,
        @Nullable Condition condition) {

    /** What a stick rule does. */
    public enum Kind {
        /** {@code stick match}: look the key up. */
        MATCH,
        /** {@code stick store-request}: store the chosen server under the key. */
        STORE_REQUEST,
        /** {@code stick on}: both. */
        ON;

        /** Whether the rule looks keys up. */
        public boolean matches() {
            return this != STORE_REQUEST;
        }

        /** Whether the rule stores servers. */
        public boolean stores() {
            return this != MATCH;
        }

        /** The keyword, e.g. {@code store-request}. */
        public String keyword() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    public StickRule {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        SampleFetch.parse(key);
        if (table != null) {
            Require.name("stick " + kind.keyword(), "table", table);
        }
    }

    /** {@code stick on KEY}. */
    public static StickRule on(String key) {
        return new StickRule(Kind.ON, key, null, null);
    }

    /** {@code stick match KEY}. */
    public static StickRule match(String key) {
        return new StickRule(Kind.MATCH, key, null, null);
    }

    /** {@code stick store-request KEY}. */
    public static StickRule storeRequest(String key) {
        return new StickRule(Kind.STORE_REQUEST, key, null, null);
    }

    /** The same rule using the table of section {@code table} ({@code table NAME}). */
    public StickRule table(String table) {
        return new StickRule(kind, key, table, condition);
    }

    /** The same rule applying only if {@code condition} holds. */
    public StickRule when(Condition condition) {
        return new StickRule(kind, key, table, condition);
    }

    /** The same rule applying only if the HAProxy condition text holds, e.g. {@code "!{ src 10.0.0.0/8 }"}. */
    public StickRule when(String condition) {
        return when(Condition.when(condition));
    }

    /** The key's sample expression, compiled. */
    SampleFetch fetch() {
        return SampleFetch.parse(key);
    }
}
