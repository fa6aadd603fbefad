package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * A frontend's {@code tcp-request content} rules compiled against its ACLs, evaluated as HAProxy's
 * {@code tcp_inspect_request} does: in order; a condition that is a MISS (data lacking that may still arrive) stops
 * the evaluation and waits; {@code track-sc} rules whose condition passes track and go on; the first
 * {@code accept} or {@code reject} whose condition passes decides; none deciding accepts. Immutable and thread-safe.
 */
final class ContentRules {
    private final TcpContentRule[] rules;
    private final List<Function<RequestHead, AclResult>> conditions;
    private final String section;

    /**
     * Compiles {@code rules} of frontend {@code section}, whose table a {@code track-sc} without one tracks in.
     *
     * @throws ConfigException naming {@code context} and an ACL that is not defined
     */
    ContentRules(List<TcpContentRule> rules, Map<String, List<Acl>> acls, String context, String section) {
        this.rules = rules.toArray(new TcpContentRule[0]);
        this.section = section;
        List<Function<RequestHead, AclResult>> compiled = new ArrayList<>(this.rules.length);
        for (TcpContentRule rule : this.rules) {
            Condition condition = rule.condition();
            compiled.add(condition == null ? request -> AclResult.PASS : compile(condition, acls, context));
        }
        this.conditions = List.copyOf(compiled);
    }

    /**
     * The verdict of the rules on the bytes {@code request} holds; {@code track-sc} rules track in {@code counters}
     * (the connection's; null: nothing is tracked), whose entries the conditions' stick fetches read.
     */
    ContentVerdict inspect(RequestHead request, @Nullable StickCounters counters) {
        RequestHead seen = counters == null ? request : new TrackedRequestHead(request, counters, section);
        for (int i = 0; i < rules.length; i++) {
            AclResult result = conditions.get(i).apply(seen);
            if (result == AclResult.MISS) {
                return ContentVerdict.WAIT;
            }
            if (result != AclResult.PASS) {
                continue;
            }
            if (rules[i] instanceof TcpContentRule.Track track) {
                if (counters != null) {
                    StickActions.track(track.track(), seen, counters, section, StickActions.Level.CONTENT);
                }
                continue;
            }
            return rules[i] instanceof TcpContentRule.Reject ? ContentVerdict.REJECT : ContentVerdict.ACCEPT;
        }
        return ContentVerdict.ACCEPT;
    }

    /**
     * {@code condition} as a three-valued function, HAProxy's {@code acl_exec_cond}: terms joined by AND stop at the
     * first that does not pass (so a MISS before a FAIL waits), alternatives joined by OR stop at the first that
     * passes, the lines of a named ACL are alternatives.
     */
    static Function<RequestHead, AclResult> compile(Condition condition, Map<String, List<Acl>> acls, String context) {
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
            List<Acl> alternatives = List.copyOf(lines);
            return request -> {
                AclResult result = AclResult.FAIL;
                for (Acl acl : alternatives) {
                    result = result.or(acl.evaluate(request));
                    if (result == AclResult.PASS) {
                        break;
                    }
                }
                return result;
            };
        }
        if (condition instanceof Condition.Anonymous anonymous) {
            Acl acl = anonymous.acl();
            return acl::evaluate;
        }
        if (condition instanceof Condition.Not not) {
            Function<RequestHead, AclResult> inner = compile(not.condition(), acls, context);
            return request -> inner.apply(request).negate();
        }
        boolean all = condition instanceof Condition.All;
        List<Condition> parts =
                all ? ((Condition.All) condition).conditions() : ((Condition.Any) condition).conditions();
        List<Function<RequestHead, AclResult>> terms = new ArrayList<>(parts.size());
        for (Condition part : parts) {
            terms.add(compile(part, acls, context));
        }
        List<Function<RequestHead, AclResult>> compiled = List.copyOf(terms);
        return all
                ? request -> {
                    for (Function<RequestHead, AclResult> term : compiled) {
                        AclResult result = term.apply(request);
                        if (result != AclResult.PASS) {
                            return result;
                        }
                    }
                    return AclResult.PASS;
                }
                : request -> {
                    AclResult result = AclResult.FAIL;
                    for (Function<RequestHead, AclResult> term : compiled) {
                        result = result.or(term.apply(request));
                        if (result == AclResult.PASS) {
                            break;
                        }
                    }
                    return result;
                };
    }
}
