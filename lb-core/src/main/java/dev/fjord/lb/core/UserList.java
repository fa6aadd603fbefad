package dev.fjord.lb.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * A {@code userlist} section: users with a password, as a crypt(3) hash ({@code $1$}, {@code $5$}, {@code $6$}) or
 * in clear ({@code insecure-password}), and the groups they belong to. {@code http_auth(LIST)} and
 * {@code http_auth_group(LIST) GROUP...} ACLs check a request's Basic credentials against it; {@code http-request
 * auth} asks for them ({@link AuthRule}).
 *
 * <pre>{@code
 * ProxyConfig.builder().userList(UserList.builder("admins")
 *         .user("alice", "$6$saltsalt$...", false, "ops")
 *         .user("bob", "secret", true))
 * }</pre>
 *
 * <p>Immutable and thread-safe. A hash costs thousands of digest rounds, so the last 1,024 credentials that checked
 * out are remembered (a wrong password is checked each time, as HAProxy checks it).
 */
public final class UserList {
    /**
     * A user of the list.
     *
     * @param password the crypt(3) hash, or the password itself when {@code insecure}
     * @param groups the groups the user belongs to
     */
    public record User(String name, String password, boolean insecure, Set<String> groups) {
        public User {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(password, "password");
            groups = Collections.unmodifiableSet(new LinkedHashSet<>(groups));
        }

        boolean accepts(String given) {
            return insecure
                    ? MessageDigest.isEqual(
                            given.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8))
                    : Crypt.matches(password, given);
        }
    }

    private final String name;
    private final Map<String, User> users;
    private final Cache<String, User> verified =
            Caffeine.newBuilder().maximumSize(1024).build();

    private UserList(String name, Map<String, User> users) {
        this.name = name;
        this.users = Collections.unmodifiableMap(new LinkedHashMap<>(users));
    }

    /** A builder of the list called {@code name}. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    /** The users by name, in declaration order. */
    public Map<String, User> users() {
        return users;
    }

    /**
     * The user whose Basic credentials {@code authorization} (an {@code Authorization} header value) carries, if the
     * password is right; null otherwise (no header, another scheme, malformed, unknown user, wrong password).
     */
    public @Nullable User authenticate(@Nullable String authorization) {
        if (authorization == null) {
            return null;
        }
        User known = verified.getIfPresent(authorization);
        if (known != null) {
            return known;
        }
        String value = authorization.strip();
        if (value.length() < 6
                || !value.substring(0, 6).toLowerCase(Locale.ROOT).equals("basic ")) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(value.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        User user = colon < 0 ? null : users.get(decoded.substring(0, colon));
        if (user == null || !user.accepts(decoded.substring(colon + 1))) {
            return null;
        }
        verified.put(authorization, user);
        return user;
    }

    @Override
    public String toString() {
        return "userlist " + name + " " + users.keySet();
    }

    /** Builds a {@link UserList}; not thread-safe. */
    public static final class Builder {
        private record Declared(String password, boolean insecure, List<String> groups) {}

        private final String name;
        private final Map<String, Declared> users = new LinkedHashMap<>();
        private final Map<String, List<String>> groupMembers = new LinkedHashMap<>();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /**
         * {@code user NAME password HASH} ({@code insecure} false) or {@code insecure-password PASSWORD}, with
         * {@code groups G1,G2}: the groups must be declared ({@link #group}).
         */
        public Builder user(String user, String password, boolean insecure, String... groups) {
            if (users.containsKey(user)) {
                throw new ConfigException(context(user) + "declared twice");
            }
            if (!insecure && !Crypt.supports(password)) {
                throw new ConfigException(context(user) + "password '" + password
                        + "' (expected: a whole crypt(3) hash $1$, $5$ or $6$, or insecure-password)");
            }
            users.put(user, new Declared(password, insecure, List.of(groups)));
            return this;
        }

        /** {@code group NAME [users U1,U2]}: the users must be declared in the list too. */
        public Builder group(String group, String... members) {
            if (groupMembers.containsKey(group)) {
                throw new ConfigException("userlist '" + name + "': group '" + group + "' declared twice");
            }
            groupMembers.put(group, List.of(members));
            return this;
        }

        private String context(String user) {
            return "userlist '" + name + "': user '" + user + "': ";
        }

        /**
         * The list.
         *
         * @throws ConfigException naming the user or group, when a user names a group, or a group a user, that the
         *     list does not declare
         */
        public UserList build() {
            Map<String, Set<String>> groups = new LinkedHashMap<>();
            users.forEach((user, declared) -> {
                Set<String> of = new LinkedHashSet<>();
                for (String group : declared.groups()) {
                    if (!groupMembers.containsKey(group)) {
                        throw new ConfigException(context(user) + "group '" + group + "' is not declared (declared: "
                                + new ArrayList<>(groupMembers.keySet()) + ")");
                    }
                    of.add(group);
                }
                groups.put(user, of);
            });
            groupMembers.forEach((group, members) -> {
                for (String member : members) {
                    Set<String> of = groups.get(member);
                    if (of == null) {
                        throw new ConfigException("userlist '" + name + "': group '" + group + "': user '" + member
                                + "' is not declared (declared: " + new ArrayList<>(users.keySet()) + ")");
                    }
                    of.add(group);
                }
            });
            Map<String, User> built = new LinkedHashMap<>();
            users.forEach((user, declared) -> built.put(
                    user,
                    new User(user, declared.password(), declared.insecure(), groups.getOrDefault(user, Set.of()))));
            return new UserList(name, built);
        }
    }
}
