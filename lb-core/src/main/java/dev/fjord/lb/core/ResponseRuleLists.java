package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The {@code http-response} and {@code http-after-response} rules a frontend or backend builder collects. */
final class ResponseRuleLists {
    private final String context;
    private final List<HttpResponseRule> httpResponse = new ArrayList<>();
    private final List<HttpResponseRule> httpAfterResponse = new ArrayList<>();

    ResponseRuleLists(String context) {
        this.context = context;
    }

    void httpResponse(HttpResponseRule rule) {
        httpResponse.add(Objects.requireNonNull(rule, "rule"));
    }

    void httpAfterResponse(HttpResponseRule rule) {
        Objects.requireNonNull(rule, "rule");
        if (!rule.isAfterResponseAction()) {
            throw new ConfigException(context + ": http-after-response " + rule.action() + " is not allowed "
                    + "(expected: allow, set-header, add-header, del-header, replace-header, replace-value or "
                    + "set-status)");
        }
        httpAfterResponse.add(rule);
    }

    boolean isEmpty() {
        return httpResponse.isEmpty() && httpAfterResponse.isEmpty();
    }

    List<HttpResponseRule> httpResponseRules() {
        return httpResponse;
    }

    List<HttpResponseRule> httpAfterResponseRules() {
        return httpAfterResponse;
    }
}
