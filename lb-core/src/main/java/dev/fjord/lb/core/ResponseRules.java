package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.IntFunction;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The {@code http-response} or {@code http-after-response} rules of one frontend or backend, compiled: conditions
 * resolved against the section's ACLs, regular expressions compiled. Immutable and thread-safe.
 */
final class ResponseRules {
    static final ResponseRules NONE = new ResponseRules(List.of(), Map.of(), "");

    /** The {@code http-response} and {@code http-after-response} rules of one section, compiled. */
    record Section(ResponseRules httpResponse, ResponseRules afterResponse) {
        static final Section NONE = new Section(ResponseRules.NONE, ResponseRules.NONE);

        boolean isEmpty() {
            return httpResponse.isEmpty() && afterResponse.isEmpty();
        }

        static Section of(
                List<HttpResponseRule> httpResponse,
                List<HttpResponseRule> afterResponse,
                Map<String, List<Acl>> acls,
                String context) {
            if (httpResponse.isEmpty() && afterResponse.isEmpty()) {
                return NONE;
            }
            return new Section(
                    new ResponseRules(httpResponse, acls, context), new ResponseRules(afterResponse, acls, context));
        }
    }

    /** A compiled condition on a response and the request it answers. */
    @FunctionalInterface
    interface ResponseTest {
        boolean test(RequestHead request, ResponseHead response);
    }

    private final HttpResponseRule[] rules;
    private final ResponseTest[] conditions;
    /** The regular expression of each {@code replace-header} and {@code replace-value} rule; null for the others. */
    private final @Nullable Pattern[] regexes;
    /** The log-format of each {@code set-header} and {@code add-header} rule whose value is one; null for others. */
    private final @Nullable CustomLogFormat[] formats;
    /** What each {@code set-var} rule stores; null for the other rules. */
    private final @Nullable VariableValue[] variables;

    /**
     * Compiles {@code rules} against the ACLs of their section.
     *
     * @throws ConfigException naming {@code context} and the ACL that is not defined
     */
    ResponseRules(List<HttpResponseRule> rules, Map<String, List<Acl>> acls, String context) {
        this.rules = rules.toArray(new HttpResponseRule[0]);
        this.conditions = new ResponseTest[this.rules.length];
        this.regexes = new Pattern[this.rules.length];
        this.formats = new CustomLogFormat[this.rules.length];
        this.variables = new VariableValue[this.rules.length];
        for (int i = 0; i < this.rules.length; i++) {
            Condition condition = this.rules[i].condition();
            conditions[i] = condition == null ? ResponseRules::always : compile(condition, acls, context);
            if (this.rules[i] instanceof HttpResponseRule.DelHeader delete && delete.match() == HeaderMatch.REG) {
                regexes[i] = Pattern.compile(delete.name(), Pattern.CASE_INSENSITIVE);
            } else if (this.rules[i] instanceof HttpResponseRule.ReplaceHeader replace) {
                regexes[i] = HeaderRewrite.compile(context, replace.regex());
            } else if (this.rules[i] instanceof HttpResponseRule.ReplaceValue replace) {
                regexes[i] = HeaderRewrite.compile(context, replace.regex());
            } else if (this.rules[i] instanceof HttpResponseRule.SetHeader set && set.format()) {
                formats[i] = CustomLogFormat.parseResponseValue(set.value());
            } else if (this.rules[i] instanceof HttpResponseRule.AddHeader add && add.format()) {
                formats[i] = CustomLogFormat.parseResponseValue(add.value());
            } else if (this.rules[i] instanceof ResponseSetVarRule set && !set.unset()) {
                variables[i] = VariableValue.compile(set.value(), set.format(), true);
            }
        }
    }

    boolean isEmpty() {
        return rules.length == 0;
    }

    /**
     * Applies the rules in order to {@code response}, in place, until an {@code allow} or a rule that answers
     * instead: {@code deny} (the {@code errorPage} of its status), {@code redirect} or {@code return}.
     *
     * @return the rule that answered and the response to send instead of {@code response}; null to send
     *     {@code response}
     */
    Responses.@Nullable Answer apply(RouteDecision decision, RequestHead request, EditableResponseHead response) {
        IntFunction<LocalResponse> errorPage = decision::errorPage;
        for (int i = 0; i < rules.length; i++) {
            if (!conditions[i].test(request, response)) {
                continue;
            }
            HttpResponseRule rule = rules[i];
            if (rule instanceof HttpResponseRule.Allow) {
                return null;
            } else if (rule instanceof ResponseSetVarRule set) {
                VariableValue value = variables[i];
                VariablesView.set(request, set.name(), value == null ? null : value.of(request, response, decision));
            } else if (rule instanceof HttpResponseRule.SetHeader set) {
                response.setHeader(set.name(), value(i, set.value(), decision, request, response));
            } else if (rule instanceof HttpResponseRule.AddHeader add) {
                response.addHeader(add.name(), value(i, add.value(), decision, request, response));
            } else if (rule instanceof HttpResponseRule.DelHeader delete) {
                if (delete.match() == HeaderMatch.STR) {
                    response.removeHeader(delete.name());
                } else {
                    removeMatching(response, delete.name(), delete.match(), regexes[i]);
                }
            } else if (rule instanceof HttpResponseRule.ReplaceHeader replace) {
                replace(response, replace.name(), regex(i), replace.replacement(), false);
            } else if (rule instanceof HttpResponseRule.ReplaceValue replace) {
                replace(response, replace.name(), regex(i), replace.replacement(), true);
            } else if (rule instanceof HttpResponseRule.SetStatus set) {
                String reason = set.reason();
                response.status(set.status(), reason != null ? reason : LocalResponse.reason(set.status()));
            } else if (rule instanceof HttpResponseRule.Deny deny) {
                return new Responses.Answer(rule, errorPage.apply(deny.status()));
            } else if (rule instanceof HttpResponseRule.Redirect redirect) {
                return new Responses.Answer(
                        rule, Redirects.response(redirect.location(), redirect.code(), redirect.options()));
            } else if (rule instanceof HttpResponseRule.Return answer) {
                return new Responses.Answer(
                        rule,
                        new LocalResponse(
                                answer.status(),
                                List.of(Map.entry("Content-Type", answer.contentType())),
                                answer.body()));
            }
        }
        return null;
    }

    /** Rule {@code rule}'s header value: its literal text, or its log-format's value for this response. */
    private String value(int rule, String literal, RouteDecision decision, RequestHead request, ResponseHead response) {
        CustomLogFormat format = formats[rule];
        return format == null ? literal : format.value(request, response, decision);
    }

    /**
     * Checks {@code format}, a response header value's log-format.
     *
     * @throws ConfigException naming {@code context} and what is wrong
     */
    static void checkFormat(String context, String format) {
        try {
            CustomLogFormat.parseResponseValue(format);
        } catch (ConfigException e) {
            throw new ConfigException(context + ": " + e.getMessage());
        }
    }

    private Pattern regex(int rule) {
        Pattern regex = regexes[rule];
        if (regex == null) {
            throw new AssertionError("no regex for rule " + rules[rule]);
        }
        return regex;
    }

    private static void removeMatching(
            EditableResponseHead response, String pattern, HeaderMatch match, @Nullable Pattern regex) {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        response.forEachHeader((name, value) -> {
            if (match.matches(name, pattern, regex == null ? NO_REGEX : regex)) {
                names.add(name);
            }
        });
        names.forEach(response::removeHeader);
    }

    private static final Pattern NO_REGEX = Pattern.compile("(?!)");

    private static void replace(
            EditableResponseHead response, String name, Pattern regex, String replacement, boolean eachValue) {
        List<String> values = response.headers(name);
        if (values.isEmpty()) {
            return;
        }
        List<String> replaced = null;
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            String changed = eachValue
                    ? HeaderRewrite.replaceValues(regex, replacement, value)
                    : HeaderRewrite.replace(regex, replacement, value);
            if (changed != null) {
                if (replaced == null) {
                    replaced = new ArrayList<>(values);
                }
                replaced.set(i, changed);
            }
        }
        if (replaced != null) {
            response.replaceHeaders(name, replaced);
        }
    }

    /**
     * Compiles {@code condition} for responses: named ACLs from {@code acls}, then HAProxy's predefined ones.
     *
     * @throws ConfigException naming {@code context} and the ACL that is not defined
     */
    static ResponseTest compile(Condition condition, Map<String, List<Acl>> acls, String context) {
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
            Acl[] any = lines.toArray(new Acl[0]);
            return (request, response) -> {
                for (Acl acl : any) {
                    if (acl.test(request, response)) {
                        return true;
                    }
                }
                return false;
            };
        }
        if (condition instanceof Condition.Anonymous anonymous) {
            Acl acl = anonymous.acl();
            return acl::test;
        }
        if (condition instanceof Condition.Not not) {
            ResponseTest test = compile(not.condition(), acls, context);
            return (request, response) -> !test.test(request, response);
        }
        boolean all = condition instanceof Condition.All;
        List<Condition> parts =
                all ? ((Condition.All) condition).conditions() : ((Condition.Any) condition).conditions();
        ResponseTest[] tests = new ResponseTest[parts.size()];
        for (int i = 0; i < tests.length; i++) {
            tests[i] = compile(parts.get(i), acls, context);
        }
        return (request, response) -> {
            for (ResponseTest test : tests) {
                if (test.test(request, response) != all) {
                    return !all;
                }
            }
            return all;
        };
    }

    private static boolean always(RequestHead request, ResponseHead response) {
        return true;
    }
}
