package dev.fjord.lb.core;

/**
 * The passive check of one server, HAProxy's {@code observe}, {@code error-limit} and {@code on-error}: counts
 * live-traffic errors in a row and, at the limit, applies {@code on-error} to the server's health counter. Not
 * thread-safe: {@link HealthChecks} calls it under the server's lock.
 */
final class ObservedErrors {
    /** What an error led to. */
    enum Outcome {
        /** Nothing to do. */
        NONE,
        /** The server's UP/DOWN state changed: apply it. */
        STATE_CHANGED,
        /** Check the server at {@code fastinter}, to confirm or clear the errors. */
        CHECK_SOON
    }

    private final PassiveCheck observe;
    private int inARow;

    ObservedErrors(PassiveCheck observe) {
        this.observe = observe;
    }

    /**
     * Counts an error: {@code layer7} for an invalid response, a timeout or a 5xx, else a connection failure; layer-7
     * errors do not count under {@code observe layer4}. An error that does not change the state of a server that is
     * UP asks for a check soon, unless {@code on-error} is {@code fail-check}.
     */
    Outcome error(boolean layer7, HealthCounter counter) {
        if (layer7 && observe.layer() == PassiveCheck.Layer.LAYER4) {
            return Outcome.NONE;
        }
        boolean wasUp = counter.isUp();
        boolean changed = false;
        if (++inARow >= observe.errorLimit()) {
            inARow = 0;
            changed = counter.errorLimitReached(observe.onError());
        }
        if (changed) {
            return Outcome.STATE_CHANGED;
        }
        return wasUp && observe.onError() != PassiveCheck.OnError.FAIL_CHECK ? Outcome.CHECK_SOON : Outcome.NONE;
    }

    /** A live request or a health check went well: errors must come in a row to count. */
    void success() {
        inARow = 0;
    }

    /** Why the state changed, in HAProxy's words. */
    String reason() {
        return "Health analyze: " + observe.errorLimit() + " consecutive errors";
    }
}
