package dev.fjord.lb.core.haproxy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.Acl;
import dev.fjord.lb.core.BindOptions;
import dev.fjord.lb.core.Condition;
import dev.fjord.lb.core.FormattedReturn;
import dev.fjord.lb.core.FrontendConfig;
import dev.fjord.lb.core.HttpRequestRule;
import dev.fjord.lb.core.ListenBuilder;
import dev.fjord.lb.core.SetSrcRule;
import dev.fjord.lb.core.SetVarRule;
import dev.fjord.lb.core.StatsConfig;
import dev.fjord.lb.core.StickTable;
import dev.fjord.lb.core.TargetRewrite;
import dev.fjord.lb.core.TcpConnectionRule;
import dev.fjord.lb.core.TcpContentRule;
import dev.fjord.lb.core.haproxy.Lines.Line;

/**
 * The keywords of a frontend, which a {@code listen} section reads too: {@code bind}, {@code acl},
 * {@code http-request}, {@code use_backend}, {@code default_backend}, {@code stats}, {@code stick-table} and
 * {@code tcp-request}.
 */
final class FrontendKeywords {
    private FrontendKeywords() {}

    /**
     * Where the keywords go: a frontend's builder or a listen section's, which have these methods without a common
     * type.
     */
    record Target(
            BiConsumer<String, Consumer<BindOptions.Builder>> bind,
            BiConsumer<String, Acl> acl,
            Consumer<HttpRequestRule> httpRequest,
            BiConsumer<String, Condition> useBackend,
            Consumer<String> defaultBackend,
            Consumer<Consumer<StatsConfig.Builder>> stats,
            Consumer<java.time.Duration> inspectDelay,
            Consumer<TcpContentRule> tcpContent,

            Consumer<StickTable> stickTable,
            Consumer<TcpConnectionRule> tcpRequestConnection,
            Consumer<TcpConnectionRule> tcpRequestSession,
            BiConsumer<String, Integer> captureRequest,
            BiConsumer<String, Integer> captureResponse,
            BiConsumer<String, Integer> captureCookie) {

        static Target of(FrontendConfig.Builder f) {
            return new Target(
                    f::bind,
                    f::acl,
                    f::httpRequest,
                    f::useBackend,
                    f::defaultBackend,
                    f::stats,
                    f::inspectDelay,
                    f::tcpContent,
                    f::stickTable,
                    f::tcpRequestConnection,
                    f::tcpRequestSession,
                    f::captureRequestHeader,
                    f::captureResponseHeader,
                    f::captureCookie);
        }

        static Target of(ListenBuilder l) {
            return new Target(
                    l::bind,
                    l::acl,
                    l::httpRequest,
                    l::useBackend,
                    l::defaultBackend,
                    l::stats,
                    l::inspectDelay,
                    l::tcpContent,
                    l::stickTable,
                    l::tcpRequestConnection,
                    l::tcpRequestSession,
                    l::captureRequestHeader,
                    l::captureResponseHeader,
                    l::captureCookie);
        }
    }

    /**
     * Applies {@code line} to {@code frontend}; false when it is none of these keywords. {@code backendNamed} hears of
     * every backend a rule names, to be checked once all sections are read.
     */
    static boolean apply(Target frontend, Line line, Consumer<String> backendNamed, TlsImport tls) {
        switch (line.keyword()) {
            case "bind" -> {
                if (line.size() < 2) {
                    throw new IllegalArgumentException("missing address (expected: bind ADDRESS)");
                }
                Consumer<BindOptions.Builder> options = BindKeywords.options(line, tls);
                for (String address : line.arg(1).split(",", -1)) {
                    for (String one : PortRanges.expand(address)) { // :8000-8009: ten binds
                        frontend.bind().accept(one, options);
                    }
                }
            }
            case "acl" -> {
                if (line.size() < 3) {
                    throw new IllegalArgumentException("expected: acl NAME CRITERION [FLAGS] [PATTERNS]");
                }
                frontend.acl().accept(line.arg(1), Acl.parse(line.words().subList(2, line.size())));
            }
            case "http-request" -> frontend.httpRequest().accept(httpRequest(line));
            case "use_backend" -> {
                if (line.size() == 3 || line.size() < 2) {
                    throw new IllegalArgumentException("expected: use_backend NAME [if|unless CONDITION]");
                }
                frontend.useBackend()
                        .accept(
                                line.arg(1),
                                line.size() == 2
                                        ? Condition.acl("TRUE") // unconditional, as HAProxy 1.5 allows
                                        : Condition.parse(line.words().subList(2, line.size())));
                if (!line.arg(1).contains("%[")) { // a dynamic name is resolved for each request
                    backendNamed.accept(line.arg(1));
                }
            }
            case "default_backend" -> {
                frontend.defaultBackend().accept(line.arg(1));
                backendNamed.accept(line.arg(1));
            }
            case "stats" -> frontend.stats().accept(stats(line));
            case "stick-table" -> frontend.stickTable().accept(StickKeywords.table(line));
            case "tcp-request" -> TcpRequestKeywords.apply(frontend, line);
            case "monitor-uri" -> monitorUri(frontend, line);
            case "capture" -> {
                if (!capture(frontend, line)) {
                    return false;
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code monitor-uri URI}: a request for exactly {@code URI} is answered 200 ({@code Service ready.}, as HAProxy's
     * page) and not logged, before any other rule: two {@code http-request} rules, which the importer reads first.
     */
    private static void monitorUri(Target frontend, Line line) {
        if (line.size() != 2 || !line.arg(1).startsWith("/")) {
            throw new IllegalArgumentException("expected: monitor-uri URI, a path starting with '/'");
        }
        Condition monitored = Condition.of(Acl.parse(List.of("url", "--", line.arg(1))));
        frontend.httpRequest().accept(HttpRequestRule.setLogLevel("silent").when(monitored));
        frontend.httpRequest()
                .accept(HttpRequestRule.returnResponse(
                                200, "text/html", "<html><body><h1>200 OK</h1>\nService ready.\n</body></html>\n")
                        .when(monitored));
    }

    /**
     * {@code monitor fail if|unless CONDITION}: when the condition holds, the {@code monitor-uri} request is answered
     * 503 ({@code Service Unavailable}, as HAProxy's page) instead of 200, e.g. {@code if { nbsrv(app) lt 1 }}; read
     * before {@code monitor-uri}'s rules. Without a {@code monitor-uri} it changes nothing, as in HAProxy.
     */
    static void monitorFail(Target frontend, Line line, @Nullable String monitorUri) {
        if (line.size() < 4
                || !line.arg(1).equals("fail")
                || !(line.arg(2).equals("if") || line.arg(2).equals("unless"))) {
            throw new IllegalArgumentException("expected: monitor fail if|unless CONDITION");
        }
        Condition failing = Condition.parse(line.words().subList(2, line.size()));
        if (monitorUri == null) {
            return;
        }
        Condition monitored = Condition.of(Acl.parse(List.of("url", "--", monitorUri)));
        frontend.httpRequest()
                .accept(HttpRequestRule.setLogLevel("silent").when(new Condition.All(List.of(monitored, failing))));
        frontend.httpRequest()
                .accept(HttpRequestRule.returnResponse(
                                503,
                                "text/html",
                                "<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this "
                                        + "request.\n</body></html>\n")
                        .when(new Condition.All(List.of(monitored, failing))));
    }

    /** {@code capture request|response header NAME len LENGTH}, {@code capture cookie NAME len LENGTH}. */
    private static boolean capture(Target frontend, Line line) {
        String what = line.arg(1);
        if (what.equals("cookie")) {
            if (line.size() != 5 || !line.arg(3).equals("len")) {
                throw new IllegalArgumentException("expected: capture cookie NAME len LENGTH");
            }
            frontend.captureCookie().accept(line.arg(2), Values.integer(line.arg(4)));
            return true;
        }
        if (!(what.equals("request") || what.equals("response")) || !line.arg(2).equals("header")) {
            return false;
        }
        if (line.size() != 6 || !line.arg(4).equals("len")) {
            throw new IllegalArgumentException("expected: capture " + what + " header NAME len LENGTH");
        }
        int length = Values.integer(line.arg(5));
        (what.equals("request") ? frontend.captureRequest() : frontend.captureResponse()).accept(line.arg(3), length);
        return true;
    }

    /** {@code http-request ACTION [ARGS] [if|unless CONDITION]}. */
    static HttpRequestRule httpRequest(Line line) {
        List<String> words = line.words();
        int condition = words.indexOf("if");
        int unless = words.indexOf("unless");
        if (condition < 0 || (unless >= 0 && unless < condition)) {
            condition = unless;
        }
        List<String> action = condition < 0 ? words.subList(1, words.size()) : words.subList(1, condition);
        HttpRequestRule rule = action(action);
        return condition < 0 ? rule : rule.when(Condition.parse(words.subList(condition, words.size())));
    }

    private static TargetRewrite.Kind rewriteKind(String action) {
        return TargetRewrite.Kind.valueOf(
                action.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }

    private static HttpRequestRule action(List<String> words) {
        String name = words.isEmpty() ? "" : words.get(0);
        Variables.Action variable = Variables.action(words);
        if (variable != null) {
            return new SetVarRule(variable.name(), variable.value(), variable.format(), variable.unset(), null);
        }
        return switch (name) {
            case "allow" -> HttpRequestRule.allow();
            case "deny" -> RequestKeywords.deny(words);
            case "tarpit" -> RequestKeywords.tarpit(words);
            case "capture" -> {
                if (words.size() != 4 || !words.get(2).equals("len")) {
                    throw new IllegalArgumentException("expected: capture SAMPLE len LENGTH (capture ... id N, which "
                            + "needs declare capture, is not supported yet)");
                }
                yield new dev.fjord.lb.core.CaptureRule(words.get(1), Values.integer(words.get(3)), null);
            }
            case "auth" -> {
                if (words.size() == 1) {
                    yield dev.fjord.lb.core.AuthRule.auth();
                }
                if (words.size() != 3 || !words.get(1).equals("realm")) {
                    throw new IllegalArgumentException("expected: auth [realm REALM]");
                }
                yield new dev.fjord.lb.core.AuthRule(words.get(2), null);
            }
            case "redirect" -> RequestKeywords.redirect(words);
            // a value with % is a log-format: %[sample], %ci, %cp, %% (HAProxy's other % items are refused)
            case "set-header" ->
                arg(words, 2).indexOf('%') < 0
                        ? HttpRequestRule.setHeader(arg(words, 1), arg(words, 2))
                        : HttpRequestRule.setHeaderFormat(arg(words, 1), arg(words, 2));
            case "add-header" ->
                arg(words, 2).indexOf('%') < 0
                        ? HttpRequestRule.addHeader(arg(words, 1), arg(words, 2))
                        : HttpRequestRule.addHeaderFormat(arg(words, 1), arg(words, 2));
            case "del-header" -> HttpRequestRule.delHeader(arg(words, 1));
            case "replace-header" ->
                HttpRequestRule.replaceHeader(arg(words, 1), arg(words, 2), RequestKeywords.literal(arg(words, 3)));
            case "replace-value" ->
                HttpRequestRule.replaceValue(arg(words, 1), arg(words, 2), RequestKeywords.literal(arg(words, 3)));
            case "return" -> {
                RequestKeywords.Answer answer = RequestKeywords.answer(words, 200, true);
                yield answer.format()
                        ? new FormattedReturn(answer.status(), answer.contentType(), answer.body(), null)
                        : HttpRequestRule.returnResponse(answer.status(), answer.contentType(), answer.body());
            }
            case "set-log-level" -> HttpRequestRule.setLogLevel(arg(words, 1));
            case "set-src" -> {
                if (words.size() != 2) {
                    throw new IllegalArgumentException("expected: set-src EXPRESSION (one word: FETCH,CONVERTER...)");
                }
                yield new SetSrcRule(words.get(1), null);
            }
            case "set-path", "set-query", "set-uri" -> HttpRequestRule.rewrite(rewriteKind(name), null, arg(words, 1));
            case "replace-path", "replace-uri" ->
                HttpRequestRule.rewrite(rewriteKind(name), arg(words, 1), RequestKeywords.literal(arg(words, 2)));
            case "use-service" -> {
                if (!arg(words, 1).equals(HttpRequestRule.UseService.PROMETHEUS_EXPORTER)) {
                    throw new IllegalArgumentException(
                            "use-service '" + words.get(1) + "' is not supported yet (expected: prometheus-exporter)");
                }
                yield HttpRequestRule.prometheusExporter();
            }
            default -> {
                HttpRequestRule stick = StickKeywords.httpRequestAction(words);
                if (stick == null) {
                    throw new IllegalArgumentException(
                            "action '" + name + "' (expected: allow, deny, tarpit, auth, capture, redirect, "
                                    + "set-header, add-header, del-header, replace-header, replace-value, set-path, "
                                    + "set-query, set-uri, replace-path, replace-uri, return, set-log-level, "
                                    + "use-service, set-var(NAME), set-var-fmt(NAME), unset-var(NAME), set-src, "
                                    + "track-sc0|1|2 or sc-inc-gpc0|1)");
                }
                yield stick;
            }
        };
    }

    /**
     * {@code stats enable|uri|realm|auth|refresh|hide-version|admin|scope|show-node|show-desc|show-legends}, as a
     * change to the frontend's stats page.
     */
    private static Consumer<StatsConfig.Builder> stats(Line line) {
        String what = line.arg(1);
        return s -> {
            switch (what) {
                case "enable" -> {}
                case "uri" -> s.uri(line.arg(2));
                case "realm" -> s.realm(String.join(" ", line.words().subList(2, line.size())));
                case "auth" -> {
                    String credentials = line.arg(2);
                    int colon = credentials.indexOf(':');
                    if (colon <= 0) {
                        throw new IllegalArgumentException("auth '" + credentials + "' (expected: USER:PASSWORD)");
                    }
                    s.auth(credentials.substring(0, colon), credentials.substring(colon + 1));
                }
                case "refresh" -> s.refresh(Values.time(line, 2));
                case "hide-version" -> s.hideVersion();
                case "admin" -> s.admin(Condition.parse(line.words().subList(2, line.size())));
                case "scope" -> s.scope(line.arg(2));
                case "show-node" -> s.showNode(line.arg(2));
                case "show-desc" ->
                    s.showDescription(String.join(" ", line.words().subList(2, line.size())));
                case "show-legends" -> s.showLegends();
                default ->
                    throw new IllegalArgumentException("'" + what + "' (expected: enable, uri, realm, auth, refresh, "
                            + "hide-version, admin, scope, show-node, show-desc or show-legends)");
            }
        };
    }

    private static String arg(List<String> words, int index) {
        if (index >= words.size()) {
            throw new IllegalArgumentException("missing argument after '" + words.get(index - 1) + "'");
        }
        return words.get(index);
    }

    /** {@code lines} with {@code monitor-uri} first: HAProxy answers it before any {@code http-request} rule. */
    static List<Line> monitorFirst(List<Line> lines) {
        List<Line> ordered = new ArrayList<>(lines.size());
        lines.stream().filter(line -> line.keyword().equals("monitor")).forEach(ordered::add); // its 503 goes first
        lines.stream().filter(line -> line.keyword().equals("monitor-uri")).forEach(ordered::add);
        lines.stream()
                .filter(line ->
                        !line.keyword().equals("monitor-uri") && !line.keyword().equals("monitor"))
                .forEach(ordered::add);
        return ordered;
    }

    /** The section's {@code monitor-uri}, or null. */
    static @Nullable String monitorUri(List<Line> lines) {
        return lines.stream()
                .filter(line -> line.keyword().equals("monitor-uri") && line.size() == 2)
                .map(line -> line.arg(1))
                .findFirst()
                .orElse(null);
    }
}
