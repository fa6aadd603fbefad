package dev.fjord.lb.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The statistics page of a frontend or listen section, as HAProxy's {@code stats enable}, {@code stats uri},
 * {@code stats realm}, {@code stats auth}, {@code stats refresh}, {@code stats hide-version}, {@code stats admin},
 * {@code stats scope}, {@code stats show-node}, {@code stats show-desc} and {@code stats show-legends}.
 * Requests whose path starts with {@link #uri()} are answered by the page instead of being forwarded; when users are
 * configured, only they may see it (HTTP Basic authentication).
 *
 * @param uri the page's path prefix; HAProxy's default {@code /haproxy?stats}
 * @param realm the Basic-authentication realm; default {@code HAProxy Statistics}
 * @param users who may see the page; empty: anyone
 * @param refresh how often the page reloads itself; null: never
 * @param hideVersion the page does not show Fjord's version
 * @param admin authenticated users for whom this holds may change server states; null: nobody
 * @param scope the frontends and backends the page shows ({@code stats scope}, {@code .} for this section);
 *     empty: every one
 * @param node the node name shown in the page's title ({@code stats show-node [NAME]}; empty: the host name);
 *     null: none
 * @param description the description shown under the title ({@code stats show-desc TEXT}); null: none
 * @param showLegends each proxy's mode and id, and each server's address and cookie, are shown
 *     ({@code stats show-legends})
 */
public record StatsConfig(
        String uri,
        String realm,
        List<StatsUser> users,
        @Nullable Duration refresh,
        boolean hideVersion,
        @Nullable Condition admin,
        List<String> scope,
        @Nullable String node,
        @Nullable String description,
        boolean showLegends) {

    /** A user allowed to see the stats page ({@code stats auth user:password}); the password is never printed. */
    public record StatsUser(String name, String password) {
        public StatsUser {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(password, "password");
            if (name.isEmpty() || name.indexOf(':') >= 0 || name.chars().anyMatch(c -> c < ' ')) {
                throw new ConfigException("stats auth: user '" + name + "' (expected: a non-empty name without ':')");
            }
        }

        @Override
        public String toString() {
            return "StatsUser[name=" + name + ", password=***]";
        }
    }

    public StatsConfig {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(realm, "realm");
        users = List.copyOf(users);
        scope = List.copyOf(scope);
    }

    /**
     * Whether the page shows the frontend or backend {@code proxy}; {@code self} is the name of the section serving
     * the page, which {@code stats scope .} names.
     */
    public boolean inScope(String proxy, String self) {
        return scope.isEmpty() || scope.contains(proxy) || (scope.contains(".") && proxy.equals(self));
    }

    /**
     * Whether a request with this {@code Authorization} header may see the page: when no users are configured, or
     * with the Basic credentials of one of them (compared in constant time).
     */
    boolean admits(@Nullable String authorization) {
        if (users.isEmpty()) {
            return true;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(authorization.substring(6).strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
        boolean ok = false;
        for (StatsUser user : users) {
            byte[] expected = (user.name() + ':' + user.password()).getBytes(StandardCharsets.UTF_8);
            ok |= MessageDigest.isEqual(expected, given);
        }
        return ok;
    }

    /** Builds a {@link StatsConfig}; not thread-safe. */
    public static final class Builder {
        private final String context;
        private String uri = "/haproxy?stats";
        private String realm = "HAProxy Statistics";
        private final List<StatsUser> users = new ArrayList<>();
        private @Nullable Duration refresh;
        private boolean hideVersion;
        private @Nullable Condition admin;
        private final List<String> scope = new ArrayList<>();
        private @Nullable String node;
        private @Nullable String description;
        private boolean showLegends;

        Builder(String context) {
            this.context = context + ": stats";
        }

        /** The page's path prefix ({@code stats uri}); default {@code /haproxy?stats}. */
        public Builder uri(String uri) {
            Objects.requireNonNull(uri, "uri");
            if (!uri.startsWith("/") || uri.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
                throw new ConfigException(context + " uri '" + uri + "' (expected: a path starting with '/')");
            }
            this.uri = uri;
            return this;
        }

        /** The Basic-authentication realm ({@code stats realm}); default {@code HAProxy Statistics}. */
        public Builder realm(String realm) {
            Objects.requireNonNull(realm, "realm");
            if (realm.isEmpty() || realm.indexOf('"') >= 0 || realm.chars().anyMatch(c -> c < ' ')) {
                throw new ConfigException(context + " realm '" + realm + "' (expected: text without '\"')");
            }
            this.realm = realm;
            return this;
        }

        /** Adds a user allowed to see the page ({@code stats auth user:password}). */
        public Builder auth(String user, String password) {
            StatsUser added;
            try {
                added = new StatsUser(user, password);
            } catch (ConfigException e) {
                throw new ConfigException(context + ' ' + e.getMessage().substring("stats ".length()));
            }
            if (users.stream().anyMatch(u -> u.name().equals(user))) {
                throw new ConfigException(context + " auth: user '" + user + "' is defined twice");
            }
            users.add(added);
            return this;
        }

        /** How often the page reloads itself ({@code stats refresh}); default never. */
        public Builder refresh(Duration refresh) {
            this.refresh = Require.positive(context, "refresh", refresh);
            return this;
        }

        /** Hides Fjord's version on the page ({@code stats hide-version}). */
        public Builder hideVersion() {
            this.hideVersion = true;
            return this;
        }

        /** Authenticated users may change server states when {@code condition} holds ({@code stats admin if}). */
        public Builder admin(Condition condition) {
            this.admin = Objects.requireNonNull(condition, "condition");
            return this;
        }

        /**
         * Shows only {@code proxy} and the others added so ({@code stats scope NAME}; {@code .} is this section);
         * default every frontend and backend.
         */
        public Builder scope(String proxy) {
            Objects.requireNonNull(proxy, "proxy");
            if (proxy.isEmpty() || proxy.chars().anyMatch(c -> c <= ' ')) {
                throw new ConfigException(context + " scope '" + proxy + "' (expected: a proxy name or '.')");
            }
            scope.add(proxy);
            return this;
        }

        /** Shows {@code name} in the title ({@code stats show-node [NAME]}); empty: this machine's host name. */
        public Builder showNode(String name) {
            this.node = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Shows {@code text} under the title ({@code stats show-desc TEXT}). */
        public Builder showDescription(String text) {
            this.description = Objects.requireNonNull(text, "text");
            return this;
        }

        /** Shows each proxy's mode and id, each server's address and cookie ({@code stats show-legends}). */
        public Builder showLegends() {
            this.showLegends = true;
            return this;
        }

        StatsConfig build() {
            return new StatsConfig(
                    uri, realm, users, refresh, hideVersion, admin, scope, node, description, showLegends);
        }
    }
}
