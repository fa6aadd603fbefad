package dev.fjord.lb.core;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The {@code http-response} and {@code http-after-response} rules of a {@link Router}, applied as HAProxy applies
 * them: the backend's rules, then the frontend's (once when both are one {@code listen} section); an {@code allow}
 * ends its section's rules only. {@code http-response} rules see the server's response before the persistence
 * cookie is added; {@code http-after-response} rules see every response last, the proxy's own included.
 *
 * <pre>{@code
 * RouteDecision.Forward decision = router.route(RequestHead.get("/")).asForward();
 * ResponseHead out = router.responses().respond(decision, ResponseHead.builder(500).build());
 * assertThat(out.status()).isEqualTo(503);
 * }</pre>
 *
 * <p>Thread-safe: the rules of the router's current configuration are used.
 */
public final class Responses {
    private final Router router;

    /**
     * What an {@code http-response} rule answered instead of the server.
     *
     * @param rule the {@code deny}, {@code redirect} or {@code return} rule
     * @param response the proxy's response to send
     */
    public record Answer(HttpResponseRule rule, LocalResponse response) {
        public Answer {
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(response, "response");
        }

        /** Whether a {@code deny} answered (HAProxy counts it as a denied response, {@code dresp}). */
        public boolean denied() {
            return rule instanceof HttpResponseRule.Deny;
        }
    }

    Responses(Router router) {
        this.router = router;
    }

    /**
     * The response the client gets when the server answers {@code decision}'s request with {@code server}: the
     * {@code http-response} rules applied, the persistence cookie rewritten or added, the
     * {@code http-after-response} rules applied. A {@code deny}, {@code redirect} or {@code return} answers instead
     * with the proxy's response, whose head this is (after the {@code http-after-response} rules). {@code server} is
     * not changed.
     */
    public ResponseHead respond(RouteDecision.Forward decision, ResponseHead server) {
        SimpleResponseHead head = copy(server);
        Answer instead = httpResponse(decision, head);
        if (instead != null) {
            return SimpleResponseHead.of(afterResponse(decision, instead.response()));
        }
        persistenceCookie(decision, head);
        afterResponse(decision, head);
        return head;
    }

    /**
     * Whether {@code decision}'s backend or frontend has {@code http-response} rules; one field read when no section
     * of the configuration has response rules.
     */
    public boolean hasHttpResponseRules(RouteDecision decision) {
        return router.state().hasResponseRules()
                && (!backendRules(decision).httpResponse().isEmpty()
                        || !frontendRules(decision).httpResponse().isEmpty());
    }

    /** Whether {@code decision}'s backend or frontend has {@code http-after-response} rules. */
    public boolean hasAfterResponseRules(RouteDecision decision) {
        return router.state().hasResponseRules()
                && (!backendRules(decision).afterResponse().isEmpty()
                        || !frontendRules(decision).afterResponse().isEmpty());
    }

    /**
     * Applies the {@code http-response} rules of {@code decision}'s backend, then its frontend's, to the server's
     * {@code response}, in place.
     *
     * @return the rule that answered instead and its response ({@code deny}: the error page of its status;
     *     {@code redirect}; {@code return}); null to send {@code response}
     */
    public @Nullable Answer httpResponse(RouteDecision.Forward decision, EditableResponseHead response) {
        RequestHead request = decision.routedRequest();
        Answer instead = backendRules(decision).httpResponse().apply(decision, request, response);
        if (instead == null) {
            instead = frontendRules(decision).httpResponse().apply(decision, request, response);
        }
        return instead;
    }

    /** Applies the {@code http-after-response} rules of {@code decision}'s backend, then its frontend's, in place. */
    public void afterResponse(RouteDecision decision, EditableResponseHead response) {
        RequestHead request = decision.routedRequest();
        backendRules(decision).afterResponse().apply(decision, request, response);
        frontendRules(decision).afterResponse().apply(decision, request, response);
    }

    /**
     * {@code response}, a response of the proxy's own (an error, a deny, a redirect, the stats page), after the
     * {@code http-after-response} rules of {@code decision}'s backend (when one was chosen) and frontend;
     * {@code response} itself when there are none.
     */
    public LocalResponse afterResponse(RouteDecision decision, LocalResponse response) {
        if (!hasAfterResponseRules(decision)) {
            return response;
        }
        SimpleResponseHead head = SimpleResponseHead.of(response);
        afterResponse(decision, head);
        return head.toLocalResponse(response.body());
    }

    private ResponseRules.Section frontendRules(RouteDecision decision) {
        RouterState state = router.state();
        String name = decision.frontend().name();
        Backend backend = decision.backend();
        if (backend != null
                && backend.name().equals(name)
                && state.config().listens().contains(name)) {
            return ResponseRules.Section.NONE; // one listen section: its rules apply once, as the backend's
        }
        CompiledFrontend frontend = state.frontends().get(name);
        return frontend == null ? ResponseRules.Section.NONE : frontend.responseRules;
    }

    private ResponseRules.Section backendRules(RouteDecision decision) {
        Backend backend = decision.backend();
        if (backend == null) {
            return ResponseRules.Section.NONE;
        }
        ResponseRules.Section rules = router.state().backendResponseRules().get(backend.name());
        return rules == null ? ResponseRules.Section.NONE : rules;
    }

    private static void persistenceCookie(RouteDecision.Forward decision, SimpleResponseHead head) {
        Cookie cookie = decision.backend().config().cookie();
        if (cookie == null) {
            return;
        }
        List<String> setCookies = head.headers("Set-Cookie");
        boolean serverSetsCookie = false;
        if (!setCookies.isEmpty()) {
            List<String> rewritten =
                    setCookies.stream().map(decision::rewriteSetCookie).toList();
            serverSetsCookie = rewritten.stream().anyMatch(value -> value.startsWith(cookie.name() + '='));
            head.replaceHeaders("Set-Cookie", rewritten);
        }
        if (!(cookie.isPreserve() && serverSetsCookie)) {
            for (HeaderEdit edit : decision.responseEdits()) {
                head.addHeader(edit.name(), ((HeaderEdit.Add) edit).value());
            }
        }
    }

    private static SimpleResponseHead copy(ResponseHead server) {
        Objects.requireNonNull(server, "server");
        SimpleResponseHead head = new SimpleResponseHead(server.status());
        head.reason(server.reason()).version(server.version());
        server.forEachHeader(head::addHeader);
        return head;
    }
}
