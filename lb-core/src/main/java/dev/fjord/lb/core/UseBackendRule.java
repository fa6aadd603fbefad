package dev.fjord.lb.core;

import java.util.Objects;

/**
 * {@code use_backend NAME if CONDITION}: requests for which the condition holds go to backend {@code backend}.
 * Rules are tried in order; the first whose condition holds wins, else the frontend's default backend.
 *
 * @param backend the backend's name
 * @param condition when the rule applies
 */
public record UseBackendRule(String backend, Condition condition) {
    public UseBackendRule {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(condition, "condition");
    }
}
