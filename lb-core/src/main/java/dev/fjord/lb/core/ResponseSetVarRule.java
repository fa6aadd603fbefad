package dev.fjord.lb.core;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * {@code http-response set-var(NAME) EXPR}, {@code set-var-fmt(NAME) FORMAT} or {@code unset-var(NAME)} (and in
 * {@code http-after-response}): sets a variable of the request the response answers, with the response's samples
 * ({@code res.hdr(x)}, {@code status}), for later rules and the log. Immutable.
 *
 * @param name the variable, {@code txn.NAME}, {@code req.NAME} or {@code res.NAME}
 * @param value a sample expression, or a log-format when {@code format}; empty when {@code unset}
 * @param format whether {@code value} is a log-format ({@code set-var-fmt})
 * @param unset whether the rule unsets the variable
 */
public record ResponseSetVarRule(
        String name,
        String value,
        boolean format,
        boolean unset,
        @Nullable Condition condition) implements HttpResponseRule {
    public ResponseSetVarRule {
        VariablesView.checkName(Objects.requireNonNull(name, "name"));
        Objects.requireNonNull(value, "value");
        VariableValue.check("http-response set-var(" + name + ")", value, format, unset, true);
    }

    @Override
    public HttpResponseRule when(Condition condition) {
        return new ResponseSetVarRule(name, value, format, unset, condition);
    }

    @Override
    public String action() {
        return unset ? "unset-var" : format ? "set-var-fmt" : "set-var";
    }
}
