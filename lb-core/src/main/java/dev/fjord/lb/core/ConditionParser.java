package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

/** Parses HAProxy conditions and compiles them against a frontend's ACLs. */
final class ConditionParser {
    private ConditionParser() {}

    static Condition parse(List<String> words) {
        int start = 0;
        boolean negate = false;
        if (!words.isEmpty() && (words.get(0).equals("if") || words.get(0).equals("unless"))) {
            negate = words.get(0).equals("unless");
            start = 1;
        }
        if (start == words.size()) {
            throw new ConfigException("condition: empty (expected: ACL names, '!', 'or', '{ anonymous acl }')");
        }
        List<Condition> alternatives = new ArrayList<>();
        List<Condition> terms = new ArrayList<>();
        boolean not = false;
        for (int i = start; i < words.size(); i++) {
            String word = words.get(i);
            if (word.equals("or") || word.equals("||")) {
                if (terms.isEmpty() || not) {
                    throw new ConfigException("condition: '" + word + "' without a term before it");
                }
                alternatives.add(all(terms));
                terms = new ArrayList<>();
                continue;
            }
            if (word.equals("!")) {
                not = !not;
                continue;
            }
            if (word.startsWith("!")) {
                not = !not;
                word = word.substring(1);
            }
            Condition term;
            if (word.equals("{")) {
                int close = words.subList(i, words.size()).indexOf("}");
                if (close < 0) {
                    throw new ConfigException("condition: '{' without '}'");
                }
                term = Condition.of(Acl.parse(words.subList(i + 1, i + close)));
                i += close;
            } else if (word.equals("}")) {
                throw new ConfigException("condition: '}' without '{'");
            } else {
                term = Condition.acl(word);
            }
            terms.add(not ? term.negate() : term);
            not = false;
        }
        if (terms.isEmpty() || not) {
            throw new ConfigException(
                    "condition: ends with '" + words.get(words.size() - 1) + "' (expected: an ACL after it)");
        }
        alternatives.add(all(terms));
        Condition condition = alternatives.size() == 1 ? alternatives.get(0) : new Condition.Any(alternatives);
        return negate ? condition.negate() : condition;
    }

    private static Condition all(List<Condition> terms) {
        return terms.size() == 1 ? terms.get(0) : new Condition.All(terms);
    }

    /**
     * Compiles {@code condition} against the ACLs of a frontend.
     *
     * @throws ConfigException naming {@code context} and the ACL that is not defined
     */
    static Predicate<RequestHead> compile(Condition condition, Map<String, List<Acl>> acls, String context) {
        if (condition instanceof Condition.Named named) {
            List<Acl> lines = acls.get(named.name());
            if (lines == null) {
                Acl predefined = Acl.predefined(named.name());
                if (predefined == null) {
                    throw new ConfigException(context + ": acl '" + named.name() + "' is not defined (defined: "
                            + new TreeSet<>(acls.keySet()) + ")");
                }
                lines = List.of(predefined);
            }
            if (lines.size() == 1) {
                return lines.get(0)::test;
            }
            Acl[] array = lines.toArray(new Acl[0]);
            return request -> {
                for (Acl acl : array) {
                    if (acl.test(request)) {
                        return true;
                    }
                }
                return false;
            };
        }
        if (condition instanceof Condition.Anonymous anonymous) {
            return anonymous.acl()::test;
        }
        if (condition instanceof Condition.Not not) {
            return compile(not.condition(), acls, context).negate();
        }
        boolean all = condition instanceof Condition.All;
        List<Condition> parts =
                all ? ((Condition.All) condition).conditions() : ((Condition.Any) condition).conditions();
        List<Predicate<RequestHead>> compiled = new ArrayList<>(parts.size());
        for (Condition part : parts) {
            compiled.add(compile(part, acls, context));
        }
        List<Predicate<RequestHead>> tests = List.copyOf(compiled);
        int count = tests.size();
        return all
                ? request -> {
                    for (int i = 0; i < count; i++) {
                        if (!tests.get(i).test(request)) {
                            return false;
                        }
                    }
                    return true;
                }
                : request -> {
                    for (int i = 0; i < count; i++) {
                        if (tests.get(i).test(request)) {
                            return true;
                        }
                    }
                    return false;
                };
    }
}
