package dev.fjord.lb.core;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The values {@code http-request capture} rules ({@link CaptureRule}) took for a request, for the access log: one
 * slot per rule of the frontend, in rule order, empty where the rule did not apply. Stateless and thread-safe.
 */
public final class SampleCaptures {
    private SampleCaptures() {}

    /** How many {@code http-request capture} rules {@code frontend} has. */
    public static int slots(FrontendConfig frontend) {
        int slots = 0;
        for (HttpRequestRule rule : frontend.httpRequestRules()) {
            if (rule instanceof CaptureRule) {
                slots++;
            }
        }
        return slots;
    }

    /**
     * The captured values of a request of {@code frontend}, {@code routed} as its rules left it ({@link
     * RouteDecision#routedRequest()}); {@code ""} for each slot when the request was not routed (null).
     */
    public static List<String> values(FrontendConfig frontend, @Nullable RequestHead routed) {
        int slots = slots(frontend);
        if (slots == 0) {
            return List.of();
        }
        List<String> values = new ArrayList<>(Collections.nCopies(slots, ""));
        for (int slot = 0; slot < slots && routed != null; slot++) {
            Object taken = VariablesView.get(routed, key(slot));
            if (taken instanceof String text) {
                values.set(slot, text);
            }
        }
        return values;
    }

    /** Keeps {@code value} (a sample), cut at {@code length}, in {@code slot} of {@code request}. */
    static void take(RequestHead request, int slot, int length, @Nullable Object value) {
        if (value == null) {
            return;
        }
        String text = value instanceof InetAddress address ? address.getHostAddress() : value.toString();
        VariablesView.set(request, key(slot), text.length() > length ? text.substring(0, length) : text);
    }

    /** A key no variable can have (variable names start with their scope). */
    private static String key(int slot) {
        return " capture." + slot;
    }
}
