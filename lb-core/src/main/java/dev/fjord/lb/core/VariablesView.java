package dev.fjord.lb.core;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * A request with the variables its rules set ({@code set-var(txn.name)}) and read ({@code var(txn.name)}), in the
 * {@code txn}, {@code req} and {@code res} scopes, which live as long as the request and its response. Made for each
 * request when a rule of the configuration sets a variable ({@link CompiledFrontend#prepared}); response rules reach
 * it through the decision's routed request. Mutable; one thread at a time (the request's).
 */
final class VariablesView extends ForwardingRequestHead {
    /** The scopes Fjord keeps: HAProxy's {@code sess} (the connection) and {@code proc} (the process) not yet. */
    static final Set<String> SCOPES = Set.of("txn", "req", "res");

    private final Map<String, Object> values = new HashMap<>(4);

    VariablesView(RequestHead base) {
        super(base);
    }

    /**
     * Checks {@code name}, a variable as HAProxy names it ({@code txn.user}).
     *
     * @throws ConfigException naming what is wrong and what is expected
     */
    static String checkName(String name) {
        int dot = name.indexOf('.');
        String scope = dot < 0 ? "" : name.substring(0, dot);
        String rest = dot < 0 ? "" : name.substring(dot + 1);
        if (!SCOPES.contains(scope) || rest.isEmpty() || !rest.matches("[A-Za-z0-9_.]+")) {
            throw new ConfigException("variable '" + name + "' (expected: txn.NAME, req.NAME or res.NAME, the name of "
                    + "letters, digits, '_' and '.'; the scopes sess and proc are not supported yet)");
        }
        return name;
    }

    /** The value of variable {@code name} for {@code request}; null when unset or the request has no variables. */
    static @Nullable Object get(RequestHead request, String name) {
        VariablesView view = of(request);
        return view == null ? null : view.values.get(name);
    }

    /** Sets variable {@code name} of {@code request} to {@code value}; null unsets it. */
    static void set(RequestHead request, String name, @Nullable Object value) {
        VariablesView view = of(request);
        if (view == null) {
            return; // no rule of the configuration sets variables: none is ever read either
        }
        if (value == null) {
            view.values.remove(name);
        } else {
            view.values.put(name, value);
        }
    }

    private static @Nullable VariablesView of(RequestHead request) {
        RequestHead head = request;
        while (head instanceof ForwardingRequestHead forwarding) {
            if (forwarding instanceof VariablesView view) {
                return view;
            }
            head = forwarding.base();
        }
        return null;
    }
}
