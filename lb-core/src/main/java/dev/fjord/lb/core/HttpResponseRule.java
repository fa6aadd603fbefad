package dev.fjord.lb.core;

import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * An {@code http-response} or {@code http-after-response} rule of a frontend or backend, evaluated in order for each
 * response whose condition holds. {@code allow} stops the evaluation of the section's further rules; {@code deny},
 * {@code redirect} and {@code return} replace the server's response with one of the proxy's; the other actions edit
 * the response and go on. {@code http-after-response} rules take only {@code allow} and the edits, and apply to the
 * proxy's own responses too (errors, denies, redirects, the stats page).
 *
 * <pre>{@code
 * backend.httpResponse(HttpResponseRule.delHeader("Server"))
 *        .httpResponse(HttpResponseRule.setStatus(503).when("{ status 500 }"))
 *        .httpAfterResponse(HttpResponseRule.setHeader("Strict-Transport-Security", "max-age=31536000"));
 * }</pre>
 *
 * <p>Conditions may use the response's fetches ({@code status}, {@code res.hdr(name)} or {@code shdr(name)},
 * {@code res.hdr_cnt}, {@code res.hdr_val}, {@code res.ver}, {@code res.cook}) and, as in HAProxy, the request's
 * {@code method}, {@code req.ver}, {@code src} and {@code dst_port}; the request's path, URL, headers and cookies are
 * gone by then and an ACL on them never matches here. Header values are literal text. Immutable.
 */
public sealed interface HttpResponseRule
        permits HttpResponseRule.Allow,
                HttpResponseRule.Deny,
                HttpResponseRule.Redirect,
                HttpResponseRule.Return,
                HttpResponseRule.SetHeader,
                HttpResponseRule.AddHeader,
                HttpResponseRule.DelHeader,
                HttpResponseRule.ReplaceHeader,
                HttpResponseRule.ReplaceValue,
                HttpResponseRule.SetStatus,
                ResponseSetVarRule {

    /** The condition under which the rule applies; null: always. */
    @Nullable
    Condition condition();

    /** The same rule applying only if {@code condition} holds ({@code if ...}). */
    HttpResponseRule when(Condition condition);

    /** The same rule applying only if the HAProxy condition text holds, e.g. {@code "{ status 404 }"}. */
    default HttpResponseRule when(String condition) {
        return when(Condition.when(condition));
    }

    /** The same rule applying only if the HAProxy condition text does not hold ({@code unless ...}). */
    default HttpResponseRule unless(String condition) {
        return when(Condition.unless(condition));
    }

    /** The action's keyword, e.g. {@code set-header}. */
    String action();

    /** Whether {@code http-after-response} takes this action: {@code allow} and the edits. */
    default boolean isAfterResponseAction() {
        return !(this instanceof Deny || this instanceof Redirect || this instanceof Return);
    }

    /** {@code allow}: stop evaluating this section's further rules. */
    static HttpResponseRule allow() {
        return new Allow(null);
    }

    /** {@code deny}: answer 502 instead of the server's response. */
    static HttpResponseRule deny() {
        return deny(502);
    }

    /** {@code deny deny_status STATUS}: answer the proxy's error page for {@code status} (its errorfile, if any). */
    static HttpResponseRule deny(int status) {
        return new Deny(status, null);
    }

    /** {@code redirect location URL code CODE}: a redirect to exactly {@code location} instead of the response. */
    static HttpResponseRule redirect(String location, int code) {
        return new Redirect(location, code, RedirectOptions.NONE, null);
    }

    /** {@code return status STATUS content-type TYPE string BODY} instead of the server's response. */
    static HttpResponseRule returnResponse(int status, String contentType, String body) {
        return new Return(status, contentType, body, null);
    }

    /** {@code set-header NAME VALUE}: replace every {@code name} header by one. */
    static HttpResponseRule setHeader(String name, String value) {
        return new SetHeader(name, value, null);
    }

    /**
     * {@code set-header NAME FORMAT}: as {@link #setHeader}, the value a log-format evaluated for each response:
     * text, samples of the request and the response ({@code %[res.hdr(x)]}), {@code %ci}..., {@code %ST}, {@code %b},
     * {@code %s}, {@code %%} for a {@code %}.
     *
     * @throws ConfigException naming an expression that is wrong or not known when the response is sent
     */
    static HttpResponseRule setHeaderFormat(String name, String format) {
        return new SetHeader(name, format, true, null);
    }

    /** {@code add-header NAME FORMAT}: as {@link #addHeader}, the value a log-format as {@link #setHeaderFormat}. */
    static HttpResponseRule addHeaderFormat(String name, String format) {
        return new AddHeader(name, format, true, null);
    }

    /** {@code add-header NAME VALUE}: add one more {@code name} header. */
    static HttpResponseRule addHeader(String name, String value) {
        return new AddHeader(name, value, null);
    }

    /** {@code del-header NAME}: remove every {@code name} header. */
    static HttpResponseRule delHeader(String name) {
        return new DelHeader(name, HeaderMatch.STR, null);
    }

    /**
     * {@code del-header PATTERN -m str|beg|end|sub|reg}: remove every header whose name matches, e.g.
     * {@code delHeader("X-Debug-", HeaderMatch.BEG)}.
     */
    static HttpResponseRule delHeader(String pattern, HeaderMatch match) {
        return new DelHeader(pattern, match, null);
    }

    /**
     * {@code replace-header NAME REGEX REPLACEMENT}: each {@code name} header in which {@code regex} finds a match
     * (case-sensitively) is replaced whole by {@code replacement}, where {@code \1} ... {@code \9} are the groups.
     */
    static HttpResponseRule replaceHeader(String name, String regex, String replacement) {
        return new ReplaceHeader(name, regex, replacement, null);
    }

    /** {@code replace-value NAME REGEX REPLACEMENT}: as {@code replace-header}, for each comma-separated value. */
    static HttpResponseRule replaceValue(String name, String regex, String replacement) {
        return new ReplaceValue(name, regex, replacement, null);
    }

    /** {@code set-status STATUS}: the status replaced, with its usual reason phrase. */
    static HttpResponseRule setStatus(int status) {
        return new SetStatus(status, null, null);
    }

    /** {@code set-status STATUS reason REASON}. */
    static HttpResponseRule setStatus(int status, String reason) {
        return new SetStatus(status, reason, null);
    }

    /** {@code allow}. */
    record Allow(@Nullable Condition condition) implements HttpResponseRule {
        @Override
        public HttpResponseRule when(Condition condition) {
            return new Allow(condition);
        }

        @Override
        public String action() {
            return "allow";
        }
    }

    /** {@code deny [deny_status STATUS]}; default status 502. */
    record Deny(int status, @Nullable Condition condition) implements HttpResponseRule {
        public Deny {
            Require.range("http-response deny", "deny_status", status, 200, 599);
        }

        @Override
        public HttpResponseRule when(Condition condition) {
            return new Deny(status, condition);
        }

        @Override
        public String action() {
            return "deny";
        }
    }

    /** {@code redirect location URL [code CODE] [set-cookie NAME[=VALUE]] [clear-cookie NAME[=]]}. */
    record Redirect(
            String location,
            int code,
            RedirectOptions options,
            @Nullable Condition condition) implements HttpResponseRule {
        private static final Set<Integer> CODES = Set.of(301, 302, 303, 307, 308);

        public Redirect {
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(options, "options");
            if (!CODES.contains(code)) {
                throw new ConfigException(
                        "http-response redirect: code " + code + " (expected: 301, 302, 303, 307 or 308)");
            }
            if (location.isEmpty() || location.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
                throw new ConfigException("http-response redirect: location '" + location
                        + "' (expected: non-empty text without spaces)");
            }
        }

        /** The same redirect with {@code options} ({@code set-cookie}, {@code clear-cookie}). */
        public Redirect options(RedirectOptions options) {
            return new Redirect(location, code, options, condition);
        }

        @Override
        public HttpResponseRule when(Condition condition) {
            return new Redirect(location, code, options, condition);
        }

        @Override
        public String action() {
            return "redirect";
        }
    }

    /** {@code return [status STATUS] [content-type TYPE] [string BODY]}. */
    record Return(
            int status,
            String contentType,
            String body,
            @Nullable Condition condition) implements HttpResponseRule {
        public Return {
            Require.range("http-response return", "status", status, 200, 599);
            HeaderEdit.requireHeader("http-response return", "Content-Type", contentType);
            Objects.requireNonNull(body, "body");
        }

        @Override
        public HttpResponseRule when(Condition condition) {
            return new Return(status, contentType, body, condition);
        }

        @Override
        public String action() {
            return "return";
        }
    }

    /**
     * {@code set-header NAME VALUE}.
     *
     * @param format whether {@code value} is a log-format ({@link #setHeaderFormat}) rather than literal text
     */
    record SetHeader(
            String name,
            String value,
            boolean format,
            @Nullable Condition condition) implements HttpResponseRule {
        public SetHeader {
            HeaderEdit.requireHeader("http-response set-header", name, value);
            if (format) {
                ResponseRules.checkFormat("http-response set-header " + name, value);
            }
        }

        /** A literal value. */
        public SetHeader(String name, String value, @Nullable Condition condition) {
            this(name, value, false, condition);
        }

        @Override
        public HttpResponseRule when(Condition condition) {
            return new SetHeader(name, value, format, condition);
        }

        @Override
        public String action() {
            return "set-header";
        }
    }

    /**
     * {@code add-header NAME VALUE}.
     *
     * @param format whether {@code value} is a log-format ({@link #addHeaderFormat}) rather than literal text
     */
    record AddHeader(
            String name,
            String value,
            boolean format,
            @Nullable Condition condition) implements HttpResponseRule {
        public AddHeader {
            HeaderEdit.requireHeader("http-response add-header", name, value);
            if (format) {
                ResponseRules.checkFormat("http-response add-header " + name, value);
            }
        }

        /** A literal value. */
        public AddHeader(String name, String value, @Nullable Condition condition) {
            this(name, value, false, condition);
        }

        @Override
        public HttpResponseRule when(Condition condition) {
            return new AddHeader(name, value, format, condition);
        }

        @Override
        public String action() {
            return "add-header";
        }
    }

    /** {@code del-header NAME [-m str|beg|end|sub|reg]}. */
    record DelHeader(
            String name, HeaderMatch match, @Nullable Condition condition) implements HttpResponseRule {
        public DelHeader {
            Objects.requireNonNull(match, "match");
            if (match == HeaderMatch.REG) {
                HeaderRewrite.compile("http-response del-header", name);
            } else {
                HeaderEdit.requireHeader("http-response del-header", name, "");
            }
        }

        @Override
        public HttpResponseRule when(Condition condition) {
            return new DelHeader(name, match, condition);
        }

        @Override
        public String action() {
            return "del-header";
        }
    }

    /** {@code replace-header NAME REGEX REPLACEMENT}. */
    record ReplaceHeader(
            String name,
            String regex,
            String replacement,
            @Nullable Condition condition) implements HttpResponseRule {
        public ReplaceHeader {
            HeaderEdit.requireHeader("http-response replace-header", name, replacement);
            HeaderRewrite.compile("http-response replace-header", regex);
            HeaderRewrite.requireReplacement("http-response replace-header", replacement);
        }

        @Override
        public HttpResponseRule when(Condition condition) {
            return new ReplaceHeader(name, regex, replacement, condition);
        }

        @Override
        public String action() {
            return "replace-header";
        }
    }

    /** {@code replace-value NAME REGEX REPLACEMENT}. */
    record ReplaceValue(
            String name,
            String regex,
            String replacement,
            @Nullable Condition condition) implements HttpResponseRule {
        public ReplaceValue {
            HeaderEdit.requireHeader("http-response replace-value", name, replacement);
            HeaderRewrite.compile("http-response replace-value", regex);
            HeaderRewrite.requireReplacement("http-response replace-value", replacement);
        }

        @Override
        public HttpResponseRule when(Condition condition) {
            return new ReplaceValue(name, regex, replacement, condition);
        }

        @Override
        public String action() {
            return "replace-value";
        }
    }

    /** {@code set-status STATUS [reason REASON]}; the reason is the status's usual one when null. */
    record SetStatus(
            int status, @Nullable String reason, @Nullable Condition condition) implements HttpResponseRule {
        public SetStatus {
            Require.range("http-response set-status", "status", status, 100, 999);
            if (reason != null && reason.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                throw new ConfigException("http-response set-status: reason contains CR, LF or NUL (expected: none)");
            }
        }

        @Override
        public HttpResponseRule when(Condition condition) {
            return new SetStatus(status, reason, condition);
        }

        @Override
        public String action() {
            return "set-status";
        }
    }
}
