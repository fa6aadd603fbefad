package dev.fjord.lb.core.haproxy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.Acl;
import dev.fjord.lb.core.BackendConfig;
import dev.fjord.lb.core.Condition;
import dev.fjord.lb.core.ErrorFile;
import dev.fjord.lb.core.FrontendConfig;
import dev.fjord.lb.core.HeaderMatch;
import dev.fjord.lb.core.HttpRequestRule;
import dev.fjord.lb.core.HttpResponseRule;
import dev.fjord.lb.core.ListenBuilder;
import dev.fjord.lb.core.LocalResponse;
import dev.fjord.lb.core.RedirectOptions;
import dev.fjord.lb.core.ResponseSetVarRule;
import dev.fjord.lb.core.SettingsBuilder;
import dev.fjord.lb.core.haproxy.Lines.Line;

/**
 * The keywords on responses: {@code http-response} and {@code http-after-response} (frontend, backend, listen),
 * {@code errorfile} (defaults too), a backend's {@code acl}, and the {@code redirect} statement, which HAProxy
 * evaluates after a frontend's {@code http-request} rules wherever it is written.
 */
final class ResponseKeywords {
    private ResponseKeywords() {}

    /** Where the keywords go, for one section; {@link #end()} adds its {@code redirect} statements. */
    static final class Target {
        private final Consumer<HttpResponseRule> httpResponse;
        private final Consumer<HttpResponseRule> httpAfterResponse;
        private final @Nullable BiConsumer<String, Acl> acl;
        private final @Nullable Consumer<HttpRequestRule> httpRequest;
        private final List<HttpRequestRule> redirects = new ArrayList<>();
        /** The section's ACLs read so far, to warn of those that never match in a response rule. */
        private final Map<String, List<Acl>> acls = new HashMap<>();

        private final BiConsumer<Line, String> warn;

        private Target(
                Consumer<HttpResponseRule> httpResponse,
                Consumer<HttpResponseRule> httpAfterResponse,
                @Nullable BiConsumer<String, Acl> acl,
                @Nullable Consumer<HttpRequestRule> httpRequest,
                BiConsumer<Line, String> warn) {
            this.httpResponse = httpResponse;
            this.httpAfterResponse = httpAfterResponse;
            this.acl = acl;
            this.httpRequest = httpRequest;
            this.warn = warn;
        }

        /** The target of a frontend; {@code warn} hears of conditions that can never match. */
        static Target of(FrontendConfig.Builder f, BiConsumer<Line, String> warn) {
            return new Target(f::httpResponse, f::httpAfterResponse, null, f::httpRequest, warn);
        }

        static Target of(BackendConfig.Builder b, BiConsumer<Line, String> warn) {
            return new Target(b::httpResponse, b::httpAfterResponse, b::acl, null, warn);
        }

        static Target of(ListenBuilder l, BiConsumer<Line, String> warn) {
            return new Target(l::httpResponse, l::httpAfterResponse, null, l::httpRequest, warn);
        }

        /** The section is read: its {@code redirect} statements follow its {@code http-request} rules. */
        void end() {
            if (httpRequest != null) {
                redirects.forEach(httpRequest);
            }
        }
    }

    /**
     * Applies {@code line} to {@code target}; false when it is none of these keywords. A frontend's {@code acl} lines
     * are only noted (false: the frontend's keywords apply them).
     */
    static boolean apply(Target target, Line line) {
        switch (line.keyword()) {
            case "http-response" -> target.httpResponse.accept(checked(target, line, rule(line, false)));
            case "http-after-response" -> target.httpAfterResponse.accept(checked(target, line, rule(line, true)));
            case "acl" -> {
                if (line.size() < 3) {
                    throw new IllegalArgumentException("expected: acl NAME CRITERION [FLAGS] [PATTERNS]");
                }
                Acl parsed;
                try {
                    parsed = Acl.parse(line.words().subList(2, line.size()));
                } catch (IllegalArgumentException e) {
                    if (target.acl == null) {
                        return false; // the frontend's keywords report it
                    }
                    throw e;
                }
                target.acls.computeIfAbsent(line.arg(1), n -> new ArrayList<>()).add(parsed);
                if (target.acl == null) {
                    return false;
                }
                target.acl.accept(line.arg(1), parsed);
            }
            case "redirect" -> {
                if (target.httpRequest == null) {
                    throw new IllegalArgumentException("is not supported yet in a backend (expected: in a frontend "
                            + "or listen section, or http-request redirect there)");
                }
                target.redirects.add(redirectStatement(line));
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /**
     * The keywords of every proxy section, defaults included: {@code errorfile CODE FILE}, the file read now, whole,
     * and {@code errorloc|errorloc302|errorloc303 CODE URL};
     * false when {@code line} is not one. Response rules reach here only from a {@code defaults} section: refused.
     */
    static boolean proxyLine(SettingsBuilder<?> settings, Line line) {
        if (line.keyword().equals("http-response") || line.keyword().equals("http-after-response")) {
            throw new IllegalArgumentException("is not supported in defaults (HAProxy refuses it in anonymous "
                    + "defaults and allows it in named ones used with 'from', which Fjord does not support yet)");
        }
        if (line.keyword().startsWith("errorloc")) {
            settings.errorFile(errorStatus(line, "errorloc"), errorLocation(line));
            return true;
        }
        if (!line.keyword().equals("errorfile")) {
            return false;
        }
        Map.Entry<Integer, LocalResponse> page = errorFile(line);
        settings.errorFile(page.getKey(), page.getValue());
        return true;
    }

    /** The status and page of an {@code errorfile CODE FILE} line, the file read now. */
    static Map.Entry<Integer, LocalResponse> errorFile(Line line) {
        int status = errorStatus(line, "errorfile"); // before the file is read, as HAProxy checks
        return Map.entry(status, readErrorFile(line.arg(2)));
    }

    private static int errorStatus(Line line, String keyword) {
        if (line.size() != 3) {
            throw new IllegalArgumentException(
                    "expected: " + line.keyword() + " CODE " + (keyword.equals("errorfile") ? "FILE" : "URL"));
        }
        int status = Values.integer(line.arg(1));
        if (!ErrorFile.STATUSES.contains(status)) {
            throw new IllegalArgumentException(line.keyword() + " " + status + " (expected: one of "
                    + ErrorFile.STATUSES + ", the statuses the proxy makes)");
        }
        return status;
    }

    /**
     * {@code errorloc|errorloc302|errorloc303 CODE URL}: the error answered with a redirect to {@code URL} (303 for
     * {@code errorloc303}, else 302), as HAProxy sends it.
     */
    private static LocalResponse errorLocation(Line line) {
        int code = switch (line.keyword()) {
            case "errorloc", "errorloc302" -> 302;
            case "errorloc303" -> 303;
            default ->
                throw new IllegalArgumentException(
                        "unknown keyword (expected: errorloc, errorloc302 or " + "errorloc303)");
        };
        return new LocalResponse(
                code, List.of(Map.entry("Location", line.arg(2)), Map.entry("Cache-Control", "no-cache")), "");
    }

    private static LocalResponse readErrorFile(String file) {
        byte[] content;
        try {
            content = Files.readAllBytes(Path.of(file));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read '" + file + "' ("
                    + e.getClass().getSimpleName()
                    + (e.getMessage() == null || e.getMessage().equals(file) ? "" : ": " + e.getMessage()) + ")");
        }
        return ErrorFile.parse("'" + file + "'", content);
    }

    /** {@code http-response|http-after-response ACTION [ARGS] [if|unless CONDITION]}. */
    private static HttpResponseRule rule(Line line, boolean after) {
        List<String> words = line.words();
        int condition = RequestKeywords.conditionStart(words);
        HttpResponseRule rule = action(words.subList(1, condition), after);
        if (after && !rule.isAfterResponseAction()) {
            throw new IllegalArgumentException("action '" + rule.action() + "' (expected: allow, set-header, "
                    + "add-header, del-header, replace-header, replace-value, set-status, set-var(NAME), "
                    + "set-var-fmt(NAME) or unset-var(NAME))");
        }
        return condition == words.size() ? rule : rule.when(Condition.parse(words.subList(condition, words.size())));
    }

    /**
     * {@code rule}, after a warning for each ACL of its condition that never matches on a response, as HAProxy warns
     * at start ("acl 'x' will never match because it only involves keywords that are incompatible with ...").
     */
    private static HttpResponseRule checked(Target target, Line line, HttpResponseRule rule) {
        Condition condition = rule.condition();
        if (condition != null) {
            warnNeverMatching(target, line, condition);
        }
        return rule;
    }

    private static void warnNeverMatching(Target target, Line line, Condition condition) {
        String why = " will never match in '" + line.keyword() + "': it only involves the request's path, URL, "
                + "headers or cookies, which are gone by the response (as HAProxy warns)";
        if (condition instanceof Condition.Named named) {
            List<Acl> lines = target.acls.get(named.name());
            if (lines == null) {
                Acl predefined = Acl.predefined(named.name());
                lines = predefined == null ? List.of() : List.of(predefined);
            }
            if (!lines.isEmpty() && lines.stream().noneMatch(Acl::canMatchResponses)) {
                target.warn.accept(line, "acl '" + named.name() + "'" + why);
            }
        } else if (condition instanceof Condition.Anonymous anonymous) {
            if (!anonymous.acl().canMatchResponses()) {
                target.warn.accept(line, "anonymous acl '" + anonymous.acl() + "'" + why);
            }
        } else if (condition instanceof Condition.Not not) {
            warnNeverMatching(target, line, not.condition());
        } else if (condition instanceof Condition.All all) {
            all.conditions().forEach(part -> warnNeverMatching(target, line, part));
        } else if (condition instanceof Condition.Any any) {
            any.conditions().forEach(part -> warnNeverMatching(target, line, part));
        }
    }

    /** The {@code redirect} statement: an {@code http-request redirect} rule. */
    private static HttpRequestRule redirectStatement(Line line) {
        List<String> words = line.words();
        int condition = RequestKeywords.conditionStart(words);
        HttpRequestRule rule = RequestKeywords.redirect(words.subList(0, condition));
        return condition == words.size() ? rule : rule.when(Condition.parse(words.subList(condition, words.size())));
    }

    private static HttpResponseRule action(List<String> words, boolean after) {
        String name = words.isEmpty() ? "" : words.get(0);
        Variables.Action variable = Variables.action(words);
        if (variable != null) {
            return new ResponseSetVarRule(variable.name(), variable.value(), variable.format(), variable.unset(), null);
        }
        return switch (name) {
            case "allow" -> HttpResponseRule.allow();
            case "deny" -> deny(words);
            case "redirect" -> redirect(words);
            case "return" -> returnRule(words);
            case "set-header" ->
                isFormat(arg(words, 2))
                        ? HttpResponseRule.setHeaderFormat(arg(words, 1), arg(words, 2))
                        : HttpResponseRule.setHeader(arg(words, 1), value(words, 2));
            case "add-header" ->
                isFormat(arg(words, 2))
                        ? HttpResponseRule.addHeaderFormat(arg(words, 1), arg(words, 2))
                        : HttpResponseRule.addHeader(arg(words, 1), value(words, 2));
            case "del-header" -> {
                if (words.size() == 2) {
                    yield HttpResponseRule.delHeader(arg(words, 1));
                }
                if (words.size() != 4 || !words.get(2).equals("-m")) {
                    throw new IllegalArgumentException("del-header " + String.join(" ", words.subList(1, words.size()))
                            + " (expected: del-header NAME [-m str|beg|end|sub|reg])");
                }
                yield HttpResponseRule.delHeader(arg(words, 1), HeaderMatch.of(words.get(3)));
            }
            case "replace-header" -> HttpResponseRule.replaceHeader(arg(words, 1), arg(words, 2), value(words, 3));
            case "replace-value" -> HttpResponseRule.replaceValue(arg(words, 1), arg(words, 2), value(words, 3));
            case "set-status" -> setStatus(words);
            default ->
                throw new IllegalArgumentException("action '" + name + "' is not supported yet (expected: allow, "
                        + (after ? "" : "deny, redirect, return, ") + "set-header, add-header, del-header, "
                        + "replace-header, replace-value, set-status, set-var(NAME), set-var-fmt(NAME) or "
                        + "unset-var(NAME))");
        };
    }

    private static HttpResponseRule deny(List<String> words) {
        int status = 502;
        for (int i = 1; i < words.size(); i++) {
            if (words.get(i).equals("deny_status") || words.get(i).equals("status")) {
                status = Values.integer(arg(words, ++i));
            } else {
                throw new IllegalArgumentException(
                        "deny option '" + words.get(i) + "' is not supported yet (expected: deny [deny_status CODE])");
            }
        }
        return HttpResponseRule.deny(status);
    }

    private static HttpResponseRule redirect(List<String> words) {
        String location = null;
        int code = 302;
        RedirectOptions options = RedirectOptions.NONE;
        for (int i = 1; i < words.size(); i++) {
            switch (words.get(i)) {
                case "location" -> location = value(words, ++i);
                case "prefix", "scheme" ->
                    throw new IllegalArgumentException("redirect " + words.get(i)
                            + ": a response supports only redirect type 'location' (as HAProxy)");
                case "code" -> code = Values.integer(arg(words, ++i));
                case "set-cookie" -> options = options.withSetCookie(arg(words, ++i));
                case "clear-cookie" -> options = options.withClearCookie(arg(words, ++i));
                case "ignore-empty" -> {} // skips a rule whose log-format is empty: a literal location never is
                default ->
                    throw new IllegalArgumentException("redirect option '" + words.get(i)
                            + "' is not supported yet (expected: location URL, code CODE, set-cookie NAME[=VALUE], "
                            + "clear-cookie NAME[=], ignore-empty)");
            }
        }
        if (location == null) {
            throw new IllegalArgumentException("redirect without location (expected: redirect location URL)");
        }
        return ((HttpResponseRule.Redirect) HttpResponseRule.redirect(location, code)).options(options);
    }

    private static HttpResponseRule returnRule(List<String> words) {
        RequestKeywords.Answer answer = RequestKeywords.answer(words, 200);
        return HttpResponseRule.returnResponse(answer.status(), answer.contentType(), answer.body());
    }

    private static HttpResponseRule setStatus(List<String> words) {
        int status = Values.integer(arg(words, 1));
        if (words.size() == 2) {
            return HttpResponseRule.setStatus(status);
        }
        if (words.size() == 4 && words.get(2).equals("reason")) {
            return HttpResponseRule.setStatus(status, words.get(3));
        }
        throw new IllegalArgumentException("set-status " + String.join(" ", words.subList(1, words.size()))
                + " (expected: set-status CODE [reason TEXT])");
    }

    /** A header value: literal text, HAProxy's {@code %%} read as {@code %}; other {@code %} expressions refused. */
    private static String value(List<String> words, int index) {
        return RequestKeywords.literal(arg(words, index));
    }

    /** Whether {@code text} holds a log-format expression, a {@code %} other than {@code %%}. */
    private static boolean isFormat(String text) {
        return text.replace("%%", "").indexOf('%') >= 0;
    }

    private static String arg(List<String> words, int index) {
        return RequestKeywords.arg(words, index);
    }
}
