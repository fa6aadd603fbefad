package dev.fjord.lb.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What the {@link Router} decided for one request, one record per outcome: {@link Forward} it to a server (with
 * header edits and maybe a cookie to set), {@link Respond} locally (deny, redirect, return, 503, 401), or serve the
 * {@link Stats} page. What every outcome has is on this interface; the rest is on its record, reached by pattern
 * matching or, where a test expects one outcome, by {@link #asForward()}, {@link #asRespond()} and
 * {@link #asStats()}, which name the decision they got instead.
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * RouteDecision decision = router.route(RequestHead.get("/IMAGES/logo.PNG"));
 * assertThat(decision.backend().name()).isEqualTo("static");
 * assertThat(decision.matchedAcls()).containsExactly("url_static");
 * assertThat(decision.asForward().server().name()).isEqualTo("cdn1");
 *
 * if (decision instanceof RouteDecision.Forward forward) {
 *     send(forward.forwardedRequest(), forward.server());
 * } else if (decision instanceof RouteDecision.Respond respond) {
 *     answer(respond.response());
 * }
 * }</pre>
 */
public sealed interface RouteDecision {

    /** The frontend the request arrived on. */
    FrontendConfig frontend();

    /** The request as it arrived. */
    RequestHead request();

    /**
     * The request as the frontend's ACLs and {@code use_backend} rules saw it: {@link #request()} after the
     * {@code http-request} header rules, before persistence and {@code forwardfor} edits.
     */
    RequestHead routedRequest();

    /**
     * The backend chosen; null when the request was answered before one was: by an {@code http-request} rule, by the
     * stats page, or because no rule named a backend.
     */
    @Nullable
    Backend backend();

    /** What the request's persistence cookie said; {@link CookieStatus#NOT_CHECKED} when it was not read. */
    CookieStatus cookieStatus();

    /**
     * The proxy's error response for {@code status}: the backend's {@code errorfile} for it, else the frontend's, else
     * HAProxy's small built-in page ({@link LocalResponse#error(int)}).
     */
    default LocalResponse errorPage(int status) {
        return ErrorPages.of(frontend(), backend() == null ? null : backend().config(), status);
    }

    /**
     * The names of the frontend's ACLs that match {@link #routedRequest()}, in declaration order; computed on each
     * call, for debugging and tests.
     */
    default List<String> matchedAcls() {
        List<String> names = new ArrayList<>();
        RequestHead routed = routedRequest();
        for (Map.Entry<String, List<Acl>> acl : frontend().acls().entrySet()) {
            for (Acl alternative : acl.getValue()) { // a loop, not a stream: benchmarks call it per request
                if (alternative.test(routed)) {
                    names.add(acl.getKey());
                    break;
                }
            }
        }
        return List.copyOf(names);
    }

    /**
     * This decision as a {@link Forward}.
     *
     * @throws IllegalStateException naming this decision when it is another outcome
     */
    default Forward asForward() {
        if (this instanceof Forward forward) {
            return forward;
        }
        throw new IllegalStateException("not a forward: " + this);
    }

    /**
     * This decision as a {@link Respond}.
     *
     * @throws IllegalStateException naming this decision when it is another outcome
     */
    default Respond asRespond() {
        if (this instanceof Respond respond) {
            return respond;
        }
        throw new IllegalStateException("not a local response: " + this);
    }

    /**
     * This decision as a {@link Stats}.
     *
     * @throws IllegalStateException naming this decision when it is another outcome
     */
    default Stats asStats() {
        if (this instanceof Stats stats) {
            return stats;
        }
        throw new IllegalStateException("not the stats page: " + this);
    }

    /**
     * Send {@link #forwardedRequest()} to {@link #server()} and stream the response back.
     *
     * @param frontend the frontend the request arrived on
     * @param request the request as it arrived
     * @param routedRequest the request as the routing rules saw it
     * @param backend the backend chosen
     * @param server the server chosen, one of {@code backend}'s
     * @param requestEdits the edits to apply to the request's headers before forwarding it, in order:
     *     {@code http-request} header rules, the persistence cookie removed ({@code indirect}) or unprefixed
     *     ({@code prefix}), and the {@code X-Forwarded-For} header
     * @param setCookie the value of the {@code Set-Cookie} header to add to the server's response
     *     ({@code cookie ... insert}), e.g. {@code SERVERID=s1; path=/}; null when none. With {@code preserve}, the
     *     transport skips it when the server's response sets that cookie itself
     * @param cookieStatus what the request's persistence cookie said
     */
    record Forward(
            FrontendConfig frontend,
            RequestHead request,
            RequestHead routedRequest,
            Backend backend,
            Server server,
            List<HeaderEdit> requestEdits,
            @Nullable String setCookie,
            CookieStatus cookieStatus)
            implements RouteDecision {

        public Forward {
            Objects.requireNonNull(frontend, "frontend");
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(routedRequest, "routedRequest");
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(server, "server");
            if (server.backend() != backend) {
                throw new IllegalArgumentException("server '" + server.backend().name() + '/' + server.name()
                        + "' is not a server of backend '" + backend.name() + "'");
            }
            requestEdits = List.copyOf(requestEdits);
            Objects.requireNonNull(cookieStatus, "cookieStatus");
        }

        /** The request to forward: {@link #request()} with {@link #requestEdits()} applied. */
        public RequestHead forwardedRequest() {
            return EditedRequestHead.of(request, requestEdits);
        }

        /**
         * The edits to apply to the server's response headers: the {@code Set-Cookie} of {@link #setCookie()} and,
         * with {@code nocache}, {@code Cache-Control: private} so that shared caches do not store the cookie.
         */
        public List<HeaderEdit> responseEdits() {
            Cookie cookie = backend.config().cookie();
            if (setCookie == null || cookie == null) {
                return List.of();
            }
            List<HeaderEdit> edits = new ArrayList<>(2);
            edits.add(new HeaderEdit.Add("Set-Cookie", setCookie));
            if (cookie.isNoCache()) {
                edits.add(new HeaderEdit.Add("Cache-Control", "private"));
            }
            return edits;
        }

        /**
         * A {@code Set-Cookie} value sent by {@link #server()} as the client must receive it: {@code cookie NAME
         * rewrite} replaces the value by the server's cookie value, {@code prefix} puts {@code VALUE~} in front of
         * it; any other cookie, or any other persistence mode, passes unchanged.
         */
        public String rewriteSetCookie(String value) {
            Cookie cookie = backend.config().cookie();
            return cookie == null ? value : CookiePersistence.rewriteResponseCookie(cookie, value, server);
        }

        @Override
        public String toString() {
            return "FORWARD " + frontend.name() + " -> " + backend.name() + '/' + server.name()
                    + (setCookie == null ? "" : " set-cookie " + setCookie);
        }
    }

    /**
     * Send {@link #response()} and do not forward the request.
     *
     * @param frontend the frontend the request arrived on
     * @param request the request as it arrived
     * @param routedRequest the request as the routing rules saw it
     * @param backend the backend that had no usable server (a 503); null when the response came before a backend
     *     was chosen
     * @param response the response to send
     * @param cookieStatus what the request's persistence cookie said
     * @param tarpit how long the response waits ({@link TarpitRule}); null: sent at once
     */
    record Respond(
            FrontendConfig frontend,
            RequestHead request,
            RequestHead routedRequest,
            @Nullable Backend backend,
            LocalResponse response,
            CookieStatus cookieStatus,
            @Nullable Duration tarpit)
            implements RouteDecision {

        public Respond {
            Objects.requireNonNull(frontend, "frontend");
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(routedRequest, "routedRequest");
            Objects.requireNonNull(response, "response");
            Objects.requireNonNull(cookieStatus, "cookieStatus");
        }

        /** A response sent at once. */
        public Respond(
                FrontendConfig frontend,
                RequestHead request,
                RequestHead routedRequest,
                @Nullable Backend backend,
                LocalResponse response,
                CookieStatus cookieStatus) {
            this(frontend, request, routedRequest, backend, response, cookieStatus, null);
        }

        @Override
        public String toString() {
            return "RESPOND " + response.status() + (backend == null ? "" : " from " + backend.name())
                    + (tarpit == null ? "" : " after a tarpit of " + tarpit.toMillis() + " ms");
        }
    }

    /**
     * Answer with a service of the proxy ({@code http-request use-service}); today HAProxy's Prometheus exporter.
     *
     * @param frontend the frontend the request arrived on
     * @param request the request as it arrived
     * @param routedRequest the request as the routing rules saw it
     * @param service the service's name, e.g. {@code prometheus-exporter}
     */
    record Service(FrontendConfig frontend, RequestHead request, RequestHead routedRequest, String service)
            implements RouteDecision {

        public Service {
            Objects.requireNonNull(frontend, "frontend");
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(routedRequest, "routedRequest");
            Objects.requireNonNull(service, "service");
        }

        /** None: the service is the frontend's. */
        @Override
        public @Nullable Backend backend() {
            return null;
        }

        /** Not read: {@link CookieStatus#NOT_CHECKED}. */
        @Override
        public CookieStatus cookieStatus() {
            return CookieStatus.NOT_CHECKED;
        }

        @Override
        public String toString() {
            return "SERVICE " + service;
        }
    }

    /**
     * Serve the statistics page of the frontend; the request was authenticated if users are configured.
     *
     * @param frontend the frontend the request arrived on, whose {@link FrontendConfig#stats()} is the page's
     * @param request the request as it arrived
     * @param routedRequest the request as the routing rules saw it
     * @param admin whether the user may change server states ({@code stats admin if ...})
     */
    record Stats(FrontendConfig frontend, RequestHead request, RequestHead routedRequest, boolean admin)
            implements RouteDecision {

        public Stats {
            Objects.requireNonNull(frontend, "frontend");
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(routedRequest, "routedRequest");
        }

        /** None: the stats page is served by the frontend. */
        @Override
        public @Nullable Backend backend() {
            return null;
        }

        /** Not read: {@link CookieStatus#NOT_CHECKED}. */
        @Override
        public CookieStatus cookieStatus() {
            return CookieStatus.NOT_CHECKED;
        }

        @Override
        public String toString() {
            return "STATS " + frontend.name() + (admin ? " (admin)" : "");
        }
    }
}
