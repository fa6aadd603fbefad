package dev.fjord.lb.netty;

import dev.fjord.lb.core.FrontendConfig;

/**
 * What a new connection of one frontend gets: its configuration and the request policy made from it. A
 * reconfiguration replaces both at once; connections already open keep what they got. Thread-safe.
 */
final class FrontendSlot {
    /** One frontend's configuration and its request policy, read together. */
    record State(FrontendConfig config, RequestPolicy policy) {}

    private volatile State state;

    FrontendSlot(FrontendConfig config, RequestPolicy policy) {
        this.state = new State(config, policy);
    }

    State state() {
        return state;
    }

    FrontendConfig config() {
        return state.config();
    }

    void replace(FrontendConfig config, RequestPolicy policy) {
        this.state = new State(config, policy);
    }
}
