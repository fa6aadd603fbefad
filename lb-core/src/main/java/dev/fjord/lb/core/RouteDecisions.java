package dev.fjord.lb.core;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The decision for one request through one compiled frontend, as HAProxy makes it: {@code http-request} rules in
 * order (tracking requests in stick tables as they say), the statistics page, {@code use_backend} /
 * {@code default_backend}, cookie then {@code stick} rule persistence, the balancing algorithm, then
 * {@code X-Forwarded-For} and the cookie to insert. Stateless but for the clock of cookie dates; thread-safe.
 */
final class RouteDecisions {
    private final InstantSource clock;

    RouteDecisions(InstantSource clock) {
        this.clock = clock;
    }

    /** Decides for a request without a connection: tracked for the time of the decision only. */
    RouteDecision routeAlone(CompiledFrontend frontend, RequestHead request, StickTables tables) {
        if (tables.isEmpty()) {
            return route(frontend, request, null);
        }
        StickCounters counters = new StickCounters(tables);
        counters.requestStarted();
        try {
            return route(frontend, request, counters);
        } finally {
            counters.close();
        }
    }

    /**
     * Decides for {@code request}; {@code counters} are its connection's sticky counters, which its rules may track
     * and its ACLs read (null: the router has no stick table).
     */
    RouteDecision route(CompiledFrontend frontend, RequestHead received, @Nullable StickCounters counters) {
        RequestHead request = frontend.prepared(received);
        String name = frontend.config().name();
        RequestHead seen = counters == null ? request : new TrackedRequestHead(request, counters, name);
        Pass pass = new Pass(seen);
        boolean http = frontend.config().settings().mode() == Mode.HTTP;
        RouteDecision answered = run(frontend.requestRules, frontend, null, request, pass, counters);
        if (answered != null) {
            return answered;
        }
        RequestHead routed = pass.routed;
        StatsConfig stats = frontend.config().stats();
        if (stats != null && request.uri().startsWith(stats.uri())) {
            RouteDecision decision = stats(frontend, stats, request, routed);
            if (decision instanceof RouteDecision.Respond && counters != null) {
                counters.httpError(); // a failed authentication
            }
            return decision;
        }
        LiveBackend backend = frontend.backendFor(routed);
        if (backend == null) {
            return new RouteDecision.Respond(
                    frontend.config(),
                    request,
                    routed,
                    null,
                    ErrorPages.of(frontend.config(), null, 503),
                    CookieStatus.NOT_CHECKED);
        }
        RequestRuleSet backendRules = frontend.requestRules(backend);
        if (!backendRules.isEmpty()) {
            answered = run(backendRules, frontend, backend, request, pass, counters);
            if (answered != null) {
                return answered;
            }
        }
        return forward(frontend, backend, request, pass.routed, pass.edits, http);
    }

    /** A request on its way through rule sets: its head as the rules so far edited it, and their edits. */
    private static final class Pass {
        RequestHead seen;
        RequestHead routed;
        List<HeaderEdit> edits = List.of();

        Pass(RequestHead seen) {
            this.seen = seen;
            this.routed = seen;
        }
    }

    /**
     * Runs {@code rules} (the frontend's, or {@code backend}'s once the request is routed there) on {@code pass},
     * which collects their edits; the decision of a rule that answers ({@code deny}, {@code redirect},
     * {@code return}, {@code use-service}), else null.
     */
    private static @Nullable RouteDecision run(
            RequestRuleSet rules,
            CompiledFrontend frontend,
            @Nullable LiveBackend backend,
            RequestHead request,
            Pass pass,
            @Nullable StickCounters counters) {
        String name = frontend.config().name();
        for (int i = 0; i < rules.rules.length; i++) {
            RequestHead routed = pass.routed;
            if (!rules.conditions.get(i).test(routed)) {
                continue;
            }
            HttpRequestRule rule = rules.rules[i];
            if (rule instanceof HttpRequestRule.Allow) {
                break;
            }
            if (rule instanceof TrackRule track) {
                if (counters != null) {
                    StickActions.track(track.track(), routed, counters, name, StickActions.Level.HTTP_REQUEST);
                }
                continue;
            }
            if (rule instanceof IncGpcRule increment) {
                if (counters != null) {
                    StickActions.incrementGpc(increment.gpc(), increment.counter(), counters);
                }
                continue;
            }
            if (rule instanceof HttpRequestRule.SetLogLevel) {
                continue; // read by logLevel when the request is logged
            }
            if (rule instanceof SetSrcRule) {
                VariableValue value = rules.variables[i];
                Object sample = value == null ? null : value.of(routed, null, null);
                java.net.InetAddress source = sample instanceof java.net.InetAddress address
                        ? address
                        : sample == null
                                ? null
                                : SampleConverter.address(
                                        SampleConverter.text(sample).trim());
                if (source != null) {
                    pass.seen = new SourceRequestHead(pass.seen, source);
                    pass.routed = pass.edits.isEmpty() ? pass.seen : EditedRequestHead.of(pass.seen, pass.edits);
                }
                continue;
            }
            if (rule instanceof CaptureRule capture) {
                VariableValue value = rules.variables[i];
                Object sample = value == null ? null : value.of(routed, null, null);
                SampleCaptures.take(routed, rules.captureSlot(i), capture.length(), sample);
                continue;
            }
            if (rule instanceof SetVarRule set) {
                VariableValue value = rules.variables[i];
                VariablesView.set(routed, set.name(), value == null ? null : value.of(routed, null, null));
                continue;
            }
            if (rule instanceof HttpRequestRule.UseService service) {
                return new RouteDecision.Service(frontend.config(), request, routed, service.service());
            }
            LocalResponse response = RuleResponses.responseFor(
                    rule, rules.values.get(i), routed, frontend.config(), backend == null ? null : backend.config());
            if (response != null) {
                if ((rule instanceof HttpRequestRule.Deny || rule instanceof TarpitRule) && counters != null) {
                    counters.httpError(); // a denied request is the client's error, as HAProxy counts it
                }
                Duration tarpit = rule instanceof TarpitRule
                        ? TarpitRule.delay((backend == null
                                        ? frontend.config().settings()
                                        : backend.config().settings())
                                .timeouts())
                        : null;
                return new RouteDecision.Respond(
                        frontend.config(), request, routed, backend, response, CookieStatus.NOT_CHECKED, tarpit);
            }
            List<HeaderEdit> ruleEdits = RuleResponses.editsFor(rule, rules.values.get(i), routed);
            if (ruleEdits.isEmpty()) {
                continue; // a replace-header that matched nothing
            }
            if (pass.edits.isEmpty()) {
                pass.edits = new ArrayList<>(4);
            }
            pass.edits.addAll(ruleEdits);
            pass.routed = EditedRequestHead.of(pass.seen, pass.edits);
        }
        return null;
    }

    private RouteDecision forward(
            CompiledFrontend frontend,
            LiveBackend backend,
            RequestHead request,
            RequestHead routed,
            List<HeaderEdit> ruleEdits,
            boolean http) {
        List<HeaderEdit> edits = ruleEdits;
        CookieStatus cookieStatus = CookieStatus.NOT_CHECKED;
        CookiePersistence persistence = http ? backend.cookiePersistence() : null;
        CookiePersistence.Reading reading = null;
        long now = 0;
        Server server = null;
        if (persistence != null) {
            now = nowSeconds();
            reading = persistence.read(routed, now);
            cookieStatus = reading.status();
            server = reading.server();
            if (reading.requestEdit() != null) {
                edits = append(edits, reading.requestEdit());
            }
        }
        BackendStickRules stickRules = backend.stickRules();
        if (server == null && !stickRules.isEmpty()) {
            server = stickRules.match(backend, routed);
        }
        if (server == null) {
            server = backend.pick(routed, null);
            if (server == null) {
                return new RouteDecision.Respond(
                        frontend.config(),
                        request,
                        routed,
                        backend,
                        ErrorPages.of(frontend.config(), backend.config(), 503),
                        cookieStatus);
            }
        }
        stickRules.store(backend, routed, server);
        if (http) {
            String uniqueIdHeader = frontend.uniqueIdHeader;
            String uniqueId = request.uniqueId();
            if (uniqueIdHeader != null && uniqueId != null) { // before X-Forwarded-For, as HAProxy adds them
                edits = append(edits, new HeaderEdit.Add(uniqueIdHeader, uniqueId));
            }
            Compression compression = Compression.of(
                    frontend.config().settings(), backend.config().settings());
            if (compression.offload() && compression.choose(request) != null) { // the server need not compress
                edits = append(edits, new HeaderEdit.Delete("Accept-Encoding"));
            }
            HeaderEdit forwardedFor = ForwardFor.edit(frontend, backend, routed);
            if (forwardedFor != null) {
                edits = append(edits, forwardedFor);
            }
        }
        String setCookie =
                persistence == null || reading == null ? null : persistence.setCookie(routed, server, reading, now);
        return new RouteDecision.Forward(
                frontend.config(), request, routed, backend, server, edits, setCookie, cookieStatus);
    }

    private static RouteDecision stats(
            CompiledFrontend frontend, StatsConfig stats, RequestHead request, RequestHead routed) {
        if (!stats.admits(request.header("Authorization"))) {
            LocalResponse challenge = RuleResponses.unauthorized(stats.realm());
            return new RouteDecision.Respond(
                    frontend.config(), request, routed, null, challenge, CookieStatus.NOT_CHECKED);
        }
        boolean admin = frontend.statsAdmin != null && frontend.statsAdmin.test(routed);
        return new RouteDecision.Stats(frontend.config(), request, routed, admin);
    }

    /**
     * The level of {@code request}'s access-log line as its {@code http-request set-log-level} rules set it: the
     * last one that applies before a rule that ends the evaluation; null when none does.
     */
    static @org.jspecify.annotations.Nullable String logLevel(CompiledFrontend frontend, RequestHead request) {
        if (!frontend.setsLogLevel) {
            return null;
        }
        String level = null;
        RequestHead routed = request;
        List<HeaderEdit> edits = new ArrayList<>(4);
        RequestRuleSet rules = frontend.requestRules;
        for (int i = 0; i < rules.rules.length; i++) {
            if (!rules.conditions.get(i).test(routed)) {
                continue;
            }
            HttpRequestRule rule = rules.rules[i];
            boolean tracks = rule instanceof TrackRule || rule instanceof IncGpcRule;
            if (rule instanceof HttpRequestRule.SetLogLevel set) {
                level = set.level();
            } else if (rule instanceof HttpRequestRule.Allow
                    || rule instanceof HttpRequestRule.UseService
                    || (!tracks
                            && RuleResponses.responseFor(rule, rules.values.get(i), routed, frontend.config(), null)
                                    != null)) {
                break;
            } else if (!tracks) { // tracking counted when the request was routed
                edits.addAll(RuleResponses.editsFor(rule, rules.values.get(i), routed));
                routed = EditedRequestHead.of(request, edits);
            }
        }
        return level;
    }

    long nowSeconds() {
        return clock.millis() / 1000;
    }

    /**
     * {@code edits} and then {@code edit}, as an immutable list the decision keeps as it is (no {@code ArrayList} made
     * and then copied: a request has at most a few edits).
     */
    private static List<HeaderEdit> append(List<HeaderEdit> edits, HeaderEdit edit) {
        return switch (edits.size()) {
            case 0 -> List.of(edit);
            case 1 -> List.of(edits.get(0), edit);
            default -> {
                HeaderEdit[] more = edits.toArray(new HeaderEdit[edits.size() + 1]);
                more[edits.size()] = edit;
                yield List.of(more);
            }
        };
    }

    /** {@link Router#redispatch}: another server of {@code backend} than the decision's, or a 503. */
    RouteDecision redispatch(RouteDecision.Forward decision, LiveBackend backend) {
        Server other = backend.pick(decision.forwardedRequest(), decision.server());
        if (other == null || other == decision.server()) {
            return new RouteDecision.Respond(
                    decision.frontend(),
                    decision.request(),
                    decision.forwardedRequest(),
                    backend,
                    ErrorPages.of(decision.frontend(), backend.config(), 503),
                    decision.cookieStatus());
        }
        CookiePersistence persistence = backend.cookiePersistence();
        String cookie = persistence == null
                ? null
                : persistence.setCookie(
                        decision.request(),
                        other,
                        new CookiePersistence.Reading(CookieStatus.DOWN, null, null, -1),
                        nowSeconds());
        backend.stickRules().store(backend, decision.routedRequest(), other);
        return new RouteDecision.Forward(
                decision.frontend(),
                decision.request(),
                decision.routedRequest(),
                backend,
                other,
                decision.requestEdits(),
                cookie,
                decision.cookieStatus());
    }
}
