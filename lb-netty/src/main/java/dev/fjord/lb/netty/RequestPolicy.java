package dev.fjord.lb.netty;

import java.util.HashSet;
import java.util.Set;

import dev.fjord.lb.core.FrontendConfig;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.UnderscoreHeaders;

/**
 * What one frontend accepts in a request head beyond the HTTP grammar: the size limits, and which header names are
 * guarded against look-alikes ({@code X_Forwarded_For} for {@code X-Forwarded-For}). Immutable.
 *
 * @param limits bounds on heads and bodies
 * @param underscores what happens to a look-alike
 * @param guarded lower-case names whose look-alikes are dropped or refused: the framing and forwarding headers, and
 *     those the frontend's routing reads or writes ({@link ProxyConfig#routingHeaders})
 */
record RequestPolicy(HttpLimits limits, UnderscoreHeaders underscores, Set<String> guarded) {
    /** Framing and forwarding headers, guarded in every frontend. */
    static final Set<String> ALWAYS_GUARDED = Set.of(
            "content-length",
            "transfer-encoding",
            "keep-alive",
            "proxy-connection",
            "x-forwarded-for",
            "x-forwarded-host",
            "x-forwarded-proto",
            "x-forwarded-port",
            "x-forwarded-server",
            "x-real-ip",
            "x-client-ip");

    RequestPolicy {
        guarded = Set.copyOf(guarded);
    }

    /** The policy of {@code frontend} in {@code config}. */
    static RequestPolicy of(ProxyConfig config, FrontendConfig frontend, HttpLimits limits) {
        Set<String> guarded = new HashSet<>(ALWAYS_GUARDED);
        guarded.addAll(config.routingHeaders(frontend.name()));
        return new RequestPolicy(limits, frontend.settings().underscoreHeaders(), guarded);
    }

    /** Default limits and {@link #ALWAYS_GUARDED}, dropping look-alikes; for tests of the parser. */
    static RequestPolicy of(HttpLimits limits) {
        return new RequestPolicy(limits, UnderscoreHeaders.DROP, ALWAYS_GUARDED);
    }
}
