package dev.fjord.lb.core;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/** What an {@link HttpRequestRule} does to a request: the response it answers with, or the header edit it makes. */
final class RuleResponses {
    private RuleResponses() {}

    /**
     * The response of an {@code auth} (a 401), a {@code deny} or {@code tarpit} (the errorfile for its status of
     * {@code backend}, whose rule it is, or of the frontend, if any), {@code redirect} or {@code return} rule; null for
     * the other rules.
     */
    static @Nullable LocalResponse responseFor(
            HttpRequestRule rule,
            HeaderValue value,
            RequestHead request,
            FrontendConfig frontend,
            @Nullable BackendConfig backend) {
        if (rule instanceof HttpRequestRule.Deny deny) {
            return ErrorPages.of(frontend, backend, deny.status());
        }
        if (rule instanceof TarpitRule tarpit) {
            return ErrorPages.of(frontend, backend, tarpit.status());
        }
        if (rule instanceof AuthRule auth) {
            String realm = auth.realm() != null ? auth.realm() : backend != null ? backend.name() : frontend.name();
            return unauthorized(realm);
        }
        if (rule instanceof HttpRequestRule.Return answer) {
            return new LocalResponse(
                    answer.status(), List.of(Map.entry("Content-Type", answer.contentType())), answer.body());
        }
        if (rule instanceof FormattedReturn answer) {
            return new LocalResponse(
                    answer.status(), List.of(Map.entry("Content-Type", answer.contentType())), value.of(request));
        }
        if (rule instanceof HttpRequestRule.Redirect redirect) {
            String target = value == HeaderValue.NONE ? redirect.value() : value.of(request); // a log-format
            String location = Redirects.location(redirect.type(), target, redirect.options(), request);
            return Redirects.response(location, redirect.code(), redirect.options());
        }
        return null;
    }

    /** A {@code 401} asking for Basic credentials of {@code realm}, with HAProxy's page. */
    static LocalResponse unauthorized(String realm) {
        return new LocalResponse(
                401,
                List.of(
                        Map.entry("WWW-Authenticate", "Basic realm=\"" + realm + '"'),
                        Map.entry("Content-Type", "text/html"),
                        Map.entry("Cache-Control", "no-cache")),
                LocalResponse.error(401).body());
    }

    /**
     * The header edits of a {@code set-header}, {@code add-header}, {@code del-header}, {@code replace-header} or
     * {@code replace-value} rule for {@code request}; {@code value} is what the rule writes
     * ({@link HeaderValue#of(HttpRequestRule)}).
     */
    static List<HeaderEdit> editsFor(HttpRequestRule rule, HeaderValue value, RequestHead request) {
        if (rule instanceof HttpRequestRule.SetHeader set) {
            return List.of(new HeaderEdit.Set(set.name(), value.of(request)));
        }
        if (rule instanceof HttpRequestRule.AddHeader add) {
            return List.of(new HeaderEdit.Add(add.name(), value.of(request)));
        }
        if (rule instanceof HttpRequestRule.DelHeader delete) {
            return List.of(new HeaderEdit.Delete(delete.name()));
        }
        if (rule instanceof HttpRequestRule.ReplaceHeader replace) {
            return value.replace(replace.name(), replace.values(), request);
        }
        if (rule instanceof TargetRewrite rewrite) {
            return value.target(rewrite, request);
        }
        throw new AssertionError("not a header rule: " + rule);
    }
}
