package dev.fjord.lb.core;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * {@code http-request set-var(NAME) EXPR}, {@code set-var-fmt(NAME) FORMAT} or {@code unset-var(NAME)}: sets (or
 * unsets) a variable of the request, which later rules, the response's rules and the log read with
 * {@code var(NAME)}, then goes on with the next rule. Immutable.
 *
 * @param name the variable, {@code txn.NAME}, {@code req.NAME} or {@code res.NAME}
 * @param value a sample expression ({@code req.hdr(host),lower}), or a log-format when {@code format}; empty when
 *     {@code unset}
 * @param format whether {@code value} is a log-format ({@code set-var-fmt})
 * @param unset whether the rule unsets the variable
 */
public record SetVarRule(
        String name,
        String value,
        boolean format,
        boolean unset,
        @Nullable Condition condition) implements HttpRequestRule {
    public SetVarRule {
        VariablesView.checkName(Objects.requireNonNull(name, "name"));
        Objects.requireNonNull(value, "value");
        VariableValue.check("http-request set-var(" + name + ")", value, format, unset, false);
    }

    @Override
    public HttpRequestRule when(Condition condition) {
        return new SetVarRule(name, value, format, unset, condition);
    }
}
