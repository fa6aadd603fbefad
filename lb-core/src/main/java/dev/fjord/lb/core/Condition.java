package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.internal.Words;

/**
 * A condition of a rule, as HAProxy writes after {@code if} or {@code unless}: named ACLs, negated with {@code !},
 * joined by an implicit AND, alternatives separated by {@code or} (or {@code ||}), and anonymous ACLs in braces.
 * A value: conditions with the same structure are equal.
 *
 * <pre>{@code
 * Condition.parse("if url_static !LOCALHOST or { path_beg /assets }")
 * Condition.acl("url_static").and(Condition.acl("LOCALHOST").negate())
 * Condition.of(Acl.pathBeg("/admin")).or(Condition.acl("internal"))
 * }</pre>
 *
 * <p>Named ACLs are resolved against the frontend's {@code acl} lines (several lines under one name match when any
 * does) and then HAProxy's {@linkplain Acl#predefined(String) predefined ACLs}, when the configuration is built.
 */
public sealed interface Condition {

    /** The ACLs named {@code name} in the frontend (or a predefined ACL). */
    static Condition acl(String name) {
        return new Named(name);
    }

    /** The anonymous ACLs of {@code condition} (null: none), in braces anywhere in it, to {@code into}. */
    static void anonymousAcls(@Nullable Condition condition, java.util.List<Acl> into) {
        if (condition instanceof Anonymous anonymous) {
            into.add(anonymous.acl());
        } else if (condition instanceof Not not) {
            anonymousAcls(not.condition(), into);
        } else if (condition instanceof All all) {
            all.conditions().forEach(each -> anonymousAcls(each, into));
        } else if (condition instanceof Any any) {
            any.conditions().forEach(each -> anonymousAcls(each, into));
        }
    }

    /** An anonymous ACL, as HAProxy's {@code { path_beg /static }}. */
    static Condition of(Acl acl) {
        return new Anonymous(acl);
    }

    /**
     * Parses a condition in HAProxy syntax; a leading {@code if} is optional and a leading {@code unless} negates it.
     *
     * @throws ConfigException naming the word that is wrong
     */
    static Condition parse(String text) {
        Objects.requireNonNull(text, "text");
        try {
            return parse(Words.split(text));
        } catch (IllegalArgumentException e) {
            throw e instanceof ConfigException c ? c : new ConfigException("condition " + e.getMessage());
        }
    }

    /** Parses a condition already split into words (a leading {@code if} or {@code unless} allowed). */
    static Condition parse(List<String> words) {
        return ConditionParser.parse(words);
    }

    /** Parses {@code text} as the condition after {@code if}. */
    static Condition when(String text) {
        return parse(text);
    }

    /** Parses {@code text} as the condition after {@code unless}: holds when {@code text} does not. */
    static Condition unless(String text) {
        return parse(text).negate();
    }

    /** This condition and {@code other}. */
    default Condition and(Condition other) {
        List<Condition> all = new ArrayList<>();
        for (Condition c : List.of(this, other)) {
            if (c instanceof All a) {
                all.addAll(a.conditions());
            } else {
                all.add(c);
            }
        }
        return new All(all);
    }

    /** This condition or {@code other}. */
    default Condition or(Condition other) {
        List<Condition> any = new ArrayList<>();
        for (Condition c : List.of(this, other)) {
            if (c instanceof Any a) {
                any.addAll(a.conditions());
            } else {
                any.add(c);
            }
        }
        return new Any(any);
    }

    /** The negation of this condition ({@code !} or {@code unless}). */
    default Condition negate() {
        return this instanceof Not not ? not.condition() : new Not(this);
    }

    /** The ACLs called {@code name}. */
    record Named(String name) implements Condition {
        public Named {
            Require.name("", "acl", name);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** An anonymous ACL. */
    record Anonymous(Acl acl) implements Condition {
        public Anonymous {
            Objects.requireNonNull(acl, "acl");
        }

        @Override
        public String toString() {
            return "{ " + acl + " }";
        }
    }

    /** Holds when {@code condition} does not. */
    record Not(Condition condition) implements Condition {
        public Not {
            Objects.requireNonNull(condition, "condition");
        }

        @Override
        public String toString() {
            return condition instanceof Named || condition instanceof Anonymous
                    ? "!" + condition
                    : "!(" + condition + ")";
        }
    }

    /** Holds when every condition does (HAProxy's implicit AND). */
    record All(List<Condition> conditions) implements Condition {
        public All {
            conditions = List.copyOf(conditions);
        }

        @Override
        public String toString() {
            return conditions.stream()
                    .map(c -> c instanceof Any ? "(" + c + ")" : c.toString())
                    .collect(Collectors.joining(" "));
        }
    }

    /** Holds when any condition does ({@code or}). */
    record Any(List<Condition> conditions) implements Condition {
        public Any {
            conditions = List.copyOf(conditions);
        }

        @Override
        public String toString() {
            return conditions.stream().map(Object::toString).collect(Collectors.joining(" or "));
        }
    }
}
