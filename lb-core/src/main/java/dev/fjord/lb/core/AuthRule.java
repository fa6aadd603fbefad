package dev.fjord.lb.core;

import org.jspecify.annotations.Nullable;

/**
 * {@code http-request auth [realm REALM]}: the request is answered {@code 401 Unauthorized} with {@code
 * WWW-Authenticate: Basic realm="REALM"} (the name of the proxy whose rule it is when no realm is given, as HAProxy),
 * usually {@code unless} an {@code http_auth(LIST)} ACL holds ({@link UserList}). Immutable.
 *
 * @param realm the realm the client is asked credentials for; null: the proxy's name
 */
public record AuthRule(@Nullable String realm, @Nullable Condition condition) implements HttpRequestRule {
    public AuthRule {
        if (realm != null && (realm.isEmpty() || realm.chars().anyMatch(c -> c < ' ' || c == '"' || c == 0x7f))) {
            throw new ConfigException(
                    "http-request auth: realm '" + realm + "' (expected: text without quotes or control characters)");
        }
    }

    /** {@code http-request auth}: the proxy's name as realm. */
    public static AuthRule auth() {
        return new AuthRule(null, null);
    }

    @Override
    public HttpRequestRule when(Condition condition) {
        return new AuthRule(realm, condition);
    }
}
