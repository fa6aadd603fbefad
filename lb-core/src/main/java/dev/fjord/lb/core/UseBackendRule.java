package dev.fjord.lb.core;

import java.util.Objects;

/**
 * {@code use_backend NAME if CONDITION}: requests for which the condition holds go to backend {@code backend}.
 * Rules are tried in order; the first whose condition holds wins, else the frontend's default backend. A name with
 * {@code %[...]} is dynamic ({@link #isDynamic()}), as in HAProxy: a log-format evaluated for each request, e.g.
 * {@code use_backend %[req.hdr(host),lower,map(/etc/haproxy/hosts.map,app)]}; when it names no backend of the
 * frontend's mode, no later rule is tried and the default backend takes the request.
 *
 * @param backend the backend's name, or a log-format that makes it
 * @param condition when the rule applies
 */
public record UseBackendRule(String backend, Condition condition) {
    public UseBackendRule {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(condition, "condition");
    }

    /** Whether {@link #backend()} is a log-format evaluated for each request. */
    public boolean isDynamic() {
        return backend.contains("%[");
    }
}
