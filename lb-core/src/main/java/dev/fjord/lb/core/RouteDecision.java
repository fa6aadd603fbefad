package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What the {@link Router} decided for one request: forward it to a server (with header edits and maybe a cookie to
 * set), answer it locally (deny, redirect, return, 503, 401), or serve the statistics page.
 *
 * <p>Immutable and thread-safe. {@link #matchedAcls()} is computed on demand, for debugging and tests.
 *
 * <pre>{@code
 * RouteDecision decision = router.route(RequestHead.get("/IMAGES/logo.PNG"));
 * assertThat(decision.server().name()).isEqualTo("web1");
 * assertThat(decision.matchedAcls()).containsExactly("url_static");
 * }</pre>
 */
public final class RouteDecision {

    /** What the transport does with the request. */
    public enum Action {
        /** Send {@link #forwardedRequest()} to {@link #server()} and stream the response back. */
        FORWARD,
        /** Send {@link #response()} and do not forward the request. */
        RESPOND,
        /** Serve the statistics page of the frontend (the request was authenticated if users are configured). */
        STATS
    }

    private final Action action;
    private final CompiledFrontend frontend;
    private final RequestHead request;
    private final RequestHead routed;
    private final @Nullable LiveBackend backend;
    private final @Nullable Server server;
    private final List<HeaderEdit> requestEdits;
    private final @Nullable String setCookie;
    private final @Nullable LocalResponse response;
    private final CookieStatus cookieStatus;
    private final boolean statsAdmin;
    private volatile @Nullable List<String> matchedAcls;

    RouteDecision(Action action, CompiledFrontend frontend, RequestHead request, RequestHead routed,
            @Nullable LiveBackend backend, @Nullable Server server, List<HeaderEdit> requestEdits,
            @Nullable String setCookie, @Nullable LocalResponse response, CookieStatus cookieStatus,
            boolean statsAdmin) {
        this.action = action;
        this.frontend = frontend;
        this.request = request;
        this.routed = routed;
        this.backend = backend;
        this.server = server;
        this.requestEdits = List.copyOf(requestEdits);
        this.setCookie = setCookie;
        this.response = response;
        this.cookieStatus = cookieStatus;
        this.statsAdmin = statsAdmin;
    }

    /** What to do with the request. */
    public Action action() {
        return action;
    }

    /** The frontend the request arrived on. */
    public FrontendConfig frontend() {
        return frontend.config();
    }

    CompiledFrontend compiledFrontend() {
        return frontend;
    }

    /** The request as it arrived. */
    public RequestHead request() {
        return request;
    }

    /** The backend chosen; null when the request was answered before a backend was chosen. */
    public @Nullable Backend backend() {
        return backend;
    }

    LiveBackend liveBackend() {
        return Objects.requireNonNull(backend, "backend");
    }

    /** The server chosen; null unless {@link #action()} is {@link Action#FORWARD}. */
    public @Nullable Server server() {
        return server;
    }

    /**
     * The edits to apply to the request's headers before forwarding it, in order: {@code http-request} header
     * rules, the persistence cookie removed ({@code indirect}) or unprefixed ({@code prefix}), and the
     * {@code X-Forwarded-For} header.
     */
    public List<HeaderEdit> requestEdits() {
        return requestEdits;
    }

    /** The request to forward: {@link #request()} with {@link #requestEdits()} applied. */
    public RequestHead forwardedRequest() {
        return EditedRequestHead.of(request, requestEdits);
    }

    /**
     * The value of the {@code Set-Cookie} header to add to the server's response ({@code cookie ... insert}), e.g.
     * {@code SERVERID=s1; path=/}; null when none. With {@code preserve}, the transport skips it when the server's
     * response sets that cookie itself.
     */
    public @Nullable String setCookie() {
        return setCookie;
    }

    /**
     * The edits to apply to the server's response headers: the {@code Set-Cookie} of {@link #setCookie()} and, with
     * {@code nocache}, {@code Cache-Control: private} so that shared caches do not store the cookie.
     */
    public List<HeaderEdit> responseEdits() {
        if (setCookie == null) {
            return List.of();
        }
        Cookie cookie = Objects.requireNonNull(liveBackend().config().cookie());
        List<HeaderEdit> edits = new ArrayList<>(2);
        edits.add(new HeaderEdit.Add("Set-Cookie", setCookie));
        if (cookie.isNoCache()) {
            edits.add(new HeaderEdit.Add("Cache-Control", "private"));
        }
        return edits;
    }

    /**
     * A {@code Set-Cookie} value sent by {@link #server()} as the client must receive it: {@code cookie NAME rewrite}
     * replaces the value by the server's cookie value, {@code prefix} puts {@code VALUE~} in front of it; any other
     * cookie, or any other persistence mode, passes unchanged.
     */
    public String rewriteSetCookie(String setCookie) {
        CookiePersistence persistence = backend == null ? null : backend.cookiePersistence();
        return persistence == null || server == null ? setCookie
                : persistence.rewriteResponseCookie(setCookie, server);
    }

    /** The response to send instead of forwarding; non-null exactly when {@link #action()} is RESPOND. */
    public @Nullable LocalResponse response() {
        return response;
    }

    /** What the request's persistence cookie said ({@code -} when the backend has no cookie persistence). */
    public CookieStatus cookieStatus() {
        return cookieStatus;
    }

    /** For {@link Action#STATS}: whether the user may change server states ({@code stats admin if ...}). */
    public boolean statsAdmin() {
        return statsAdmin;
    }

    /**
     * The names of the frontend's ACLs that match the request (after {@code http-request} header edits), in
     * declaration order. Computed on first call.
     */
    public List<String> matchedAcls() {
        List<String> names = matchedAcls;
        if (names == null) {
            names = new ArrayList<>();
            for (Map.Entry<String, List<Acl>> acl : frontend.config().acls().entrySet()) {
                if (acl.getValue().stream().anyMatch(a -> a.test(routed))) {
                    names.add(acl.getKey());
                }
            }
            names = List.copyOf(names);
            matchedAcls = names;
        }
        return names;
    }

    /** The same decision with another server, for a redispatch. */
    RouteDecision withServer(Server other, @Nullable String otherCookie) {
        return new RouteDecision(action, frontend, request, routed, backend, other, requestEdits, otherCookie, response,
                cookieStatus, statsAdmin);
    }

    @Override
    public String toString() {
        return switch (action) {
            case FORWARD -> "FORWARD " + frontend.config().name() + " -> " + liveBackend().name() + '/'
                    + Objects.requireNonNull(server).name() + (setCookie == null ? "" : " set-cookie " + setCookie);
            case RESPOND -> "RESPOND " + Objects.requireNonNull(response).status()
                    + (backend == null ? "" : " from " + backend.name());
            case STATS -> "STATS " + frontend.config().name() + (statsAdmin ? " (admin)" : "");
        };
    }
}
