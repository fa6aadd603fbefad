package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * The {@code http-request} rules of a frontend or a backend, ready to run: each rule's condition compiled against the
 * section's ACLs, and the value each {@code set-header} or {@code add-header} writes. Immutable.
 */
final class RequestRuleSet {
    static final RequestRuleSet EMPTY =
            new RequestRuleSet(new HttpRequestRule[0], List.of(), List.of(), new VariableValue[0]);

    final HttpRequestRule[] rules;
    final List<Predicate<RequestHead>> conditions;
    /** The value each rule's {@code set-header} or {@code add-header} writes ({@link HeaderValue#NONE} for others). */
    final List<HeaderValue> values;
    /** What each {@code set-var} (or {@code set-src}, {@code capture}) rule stores; null for the other rules. */
    final @Nullable VariableValue[] variables;

    /** The log slot of each {@code capture} rule (how many capture rules come before it); 0 for the others. */
    private final int[] captureSlots;

    private RequestRuleSet(
            HttpRequestRule[] rules,
            List<Predicate<RequestHead>> conditions,
            List<HeaderValue> values,
            @Nullable VariableValue[] variables) {
        this.rules = rules;
        this.conditions = conditions;
        this.values = values;
        this.variables = variables;
        this.captureSlots = new int[rules.length];
        int slot = 0;
        for (int i = 0; i < rules.length; i++) {
            if (rules[i] instanceof CaptureRule) {
                captureSlots[i] = slot++;
            }
        }
    }

    /** The log slot of the rule at {@code index}, a {@code capture} rule. */
    int captureSlot(int index) {
        return captureSlots[index];
    }

    /**
     * Compiles {@code rules}.
     *
     * @throws ConfigException naming {@code context} and an ACL a condition names that is not defined
     */
    static RequestRuleSet of(List<HttpRequestRule> rules, Map<String, List<Acl>> acls, String context) {
        if (rules.isEmpty()) {
            return EMPTY;
        }
        List<Predicate<RequestHead>> tests = new ArrayList<>(rules.size());
        VariableValue[] variables = new VariableValue[rules.size()];
        for (int i = 0; i < rules.size(); i++) {
            HttpRequestRule rule = rules.get(i);
            tests.add(compile(rule.condition(), acls, context));
            if (rule instanceof SetVarRule set && !set.unset()) {
                variables[i] = VariableValue.compile(set.value(), set.format(), false);
            } else if (rule instanceof SetSrcRule source) {
                variables[i] = VariableValue.compile(source.expression(), false, false);
            } else if (rule instanceof CaptureRule capture) {
                variables[i] = VariableValue.compile(capture.sample(), false, false);
            }
        }
        return new RequestRuleSet(
                rules.toArray(new HttpRequestRule[0]),
                List.copyOf(tests),
                rules.stream().map(HeaderValue::of).toList(),
                variables);
    }

    /**
     * The action of {@code rule} if only a frontend runs it ({@code track-sc*}, {@code sc-inc-gpc*},
     * {@code set-log-level}, {@code use-service}: a backend's rules do not yet; {@code capture ... len}, whose slots
     * are the frontend's); null for the others.
     */
    static @Nullable String frontendOnly(HttpRequestRule rule) {
        if (rule instanceof TrackRule track) {
            return "track-sc" + track.track().counter();
        }
        if (rule instanceof IncGpcRule) {
            return "sc-inc-gpc";
        }
        if (rule instanceof HttpRequestRule.SetLogLevel) {
            return "set-log-level";
        }
        if (rule instanceof CaptureRule) {
            return "capture"; // its slots are the frontend's, as HAProxy allocates them
        }
        return rule instanceof HttpRequestRule.UseService ? "use-service" : null;
    }

    boolean isEmpty() {
        return rules.length == 0;
    }

    private static Predicate<RequestHead> compile(
            @Nullable Condition condition, Map<String, List<Acl>> acls, String context) {
        return condition == null ? RequestRuleSet::always : ConditionParser.compile(condition, acls, context);
    }

    private static boolean always(RequestHead request) {
        return true;
    }
}
