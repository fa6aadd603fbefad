package dev.fjord.lb.core;

import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * An {@code http-request} rule of a frontend, evaluated in order for each request whose condition holds:
 * {@code allow} stops the evaluation of further rules; {@code deny}, {@code tarpit} ({@link TarpitRule}),
 * {@code redirect} and {@code return} answer the request themselves; the header actions edit the request and go on;
 * {@code track-sc} and {@code sc-inc-gpc} update stick tables and go on.
 *
 * <pre>{@code
 * frontend.httpRequest(HttpRequestRule.deny(403).when("!LOCALHOST { path_beg /admin }"))
 *         .httpRequest(HttpRequestRule.setHeader("X-Proxy", "fjord"));
 * }</pre>
 *
 * <p>Header values are literal text, or with {@link #setHeaderFormat} and {@link #addHeaderFormat} HAProxy's
 * log-format: text, sample expressions such as {@code %[src]} or {@code %[req.hdr(host),lower]}, {@code %ci},
 * {@code %cp}, and {@code %%} for a {@code %}, evaluated for each request.
 */
public sealed interface HttpRequestRule
        permits TrackRule,
                IncGpcRule,
                HttpRequestRule.Allow,
                HttpRequestRule.Deny,
                HttpRequestRule.Redirect,
                HttpRequestRule.SetHeader,
                HttpRequestRule.AddHeader,
                HttpRequestRule.DelHeader,
                HttpRequestRule.ReplaceHeader,
                HttpRequestRule.Return,
                HttpRequestRule.SetLogLevel,
                HttpRequestRule.UseService,
                TargetRewrite,
                SetVarRule,
                SetSrcRule,
                TarpitRule,
                FormattedReturn,
                AuthRule,
                CaptureRule {

    /** The condition under which the rule applies; null: always. */
    @Nullable
    Condition condition();

    /** The same rule applying only if {@code condition} holds ({@code if ...}). */
    HttpRequestRule when(Condition condition);

    /** The same rule applying only if the HAProxy condition text holds, e.g. {@code "url_static !LOCALHOST"}. */
    default HttpRequestRule when(String condition) {
        return when(Condition.when(condition));
    }

    /** The same rule applying only if the HAProxy condition text does not hold ({@code unless ...}). */
    default HttpRequestRule unless(String condition) {
        return when(Condition.unless(condition));
    }

    /**
     * {@code http-request set-path|set-query|set-uri FORMAT} ({@code regex} null), or {@code replace-path|replace-uri
     * REGEX REPLACEMENT} (the whole path or target replaced by {@code replacement} with {@code \1}... for the
     * regex's groups, when the regex matches in it): the request target the server gets, and that later rules see.
     * A FORMAT is a log-format as {@link #setHeaderFormat} reads it.
     */
    static HttpRequestRule rewrite(TargetRewrite.Kind kind, @Nullable String regex, String value) {
        return new TargetRewrite(kind, regex, value, null);
    }

    /** {@code http-request allow}: stop evaluating further {@code http-request} rules. */
    static HttpRequestRule allow() {
        return new Allow(null);
    }

    /** {@code http-request deny}: answer 403. */
    static HttpRequestRule deny() {
        return deny(403);
    }

    /** {@code http-request deny deny_status STATUS}. */
    static HttpRequestRule deny(int status) {
        return new Deny(status, null);
    }

    /** {@code http-request redirect location URL code CODE}: redirect to exactly {@code location}. */
    static HttpRequestRule redirectLocation(String location, int code) {
        return new Redirect(RedirectType.LOCATION, location, code, RedirectOptions.NONE, null);
    }

    /**
     * {@code http-request redirect prefix PREFIX code CODE}: redirect to {@code prefix} followed by the request URI
     * (just the URI when the prefix is {@code /}).
     */
    static HttpRequestRule redirectPrefix(String prefix, int code) {
        return new Redirect(RedirectType.PREFIX, prefix, code, RedirectOptions.NONE, null);
    }

    /** {@code http-request redirect scheme SCHEME code CODE}: the same host and URI with another scheme. */
    static HttpRequestRule redirectScheme(String scheme, int code) {
        return new Redirect(RedirectType.SCHEME, scheme, code, RedirectOptions.NONE, null);
    }

    /** {@code http-request set-header NAME VALUE}: replace every {@code name} header by one, {@code value} literal. */
    static HttpRequestRule setHeader(String name, String value) {
        return new SetHeader(name, value, null);
    }

    /**
     * {@code http-request set-header NAME FORMAT} as HAProxy reads it: the value is a log-format of text, sample
     * expressions ({@code %[src]}), {@code %ci}, {@code %cp} and {@code %%}, evaluated for each request.
     *
     * @throws ConfigException naming an expression that is wrong or not known when the request is routed
     */
    static HttpRequestRule setHeaderFormat(String name, String format) {
        return new SetHeader(name, format, true, null);
    }

    /** {@code http-request add-header NAME VALUE}: add one more {@code name} header, {@code value} literal. */
    static HttpRequestRule addHeader(String name, String value) {
        return new AddHeader(name, value, null);
    }

    /** {@code http-request add-header NAME FORMAT}, the value a log-format as {@link #setHeaderFormat} reads it. */
    static HttpRequestRule addHeaderFormat(String name, String format) {
        return new AddHeader(name, format, true, null);
    }

    /** {@code http-request del-header NAME}: remove every {@code name} header. */
    static HttpRequestRule delHeader(String name) {
        return new DelHeader(name, null);
    }

    /**
     * {@code http-request replace-header NAME REGEX REPLACEMENT}: each {@code name} header in which {@code regex}
     * finds a match is replaced whole ({@code \1} to {@code \9} for the groups), as HAProxy does.
     */
    static HttpRequestRule replaceHeader(String name, String regex, String replacement) {
        return new ReplaceHeader(name, regex, replacement, false, null);
    }

    /** {@code http-request replace-value NAME REGEX REPLACEMENT}: as replace-header, for each comma-separated value. */
    static HttpRequestRule replaceValue(String name, String regex, String replacement) {
        return new ReplaceHeader(name, regex, replacement, true, null);
    }

    /** {@code http-request return status STATUS content-type TYPE string BODY}. */
    static HttpRequestRule returnResponse(int status, String contentType, String body) {
        return new Return(status, contentType, body, null);
    }

    /**
     * {@code http-request set-log-level LEVEL}: the request's access-log line is sent at {@code level}, or not at all
     * with {@code silent}; the last such rule that applies wins.
     */
    static HttpRequestRule setLogLevel(String level) {
        return new SetLogLevel(level, null);
    }

    /**
     * {@code http-request use-service prometheus-exporter}: the request is answered with the proxy's counters in the
     * Prometheus text format, with HAProxy's metric names.
     */
    static HttpRequestRule prometheusExporter() {
        return new UseService(UseService.PROMETHEUS_EXPORTER, null);
    }

    /**
     * {@code http-request track-scN KEY}: tracks the request in the frontend's own stick table under {@code key}
     * (e.g. {@code src}), which counts it there; later rules read the counters with {@code sc_*} fetches.
     */
    static HttpRequestRule trackSc(int counter, String key) {
        return new TrackRule(new TrackSc(counter, key, null), null);
    }

    /** {@code http-request track-scN KEY table TABLE}. */
    static HttpRequestRule trackSc(int counter, String key, String table) {
        return new TrackRule(new TrackSc(counter, key, table), null);
    }

    /** {@code http-request sc-inc-gpc0(N)} ({@code gpc} 0) or {@code sc-inc-gpc1(N)} ({@code gpc} 1). */
    static HttpRequestRule scIncGpc(int gpc, int counter) {
        return new IncGpcRule(gpc, counter, null);
    }

    /** {@code http-request allow}. */
    record Allow(@Nullable Condition condition) implements HttpRequestRule {
        @Override
        public HttpRequestRule when(Condition condition) {
            return new Allow(condition);
        }
    }

    /** {@code http-request deny [deny_status STATUS]}. */
    record Deny(int status, @Nullable Condition condition) implements HttpRequestRule {
        public Deny {
            Require.range("http-request deny", "deny_status", status, 200, 599);
        }

        @Override
        public HttpRequestRule when(Condition condition) {
            return new Deny(status, condition);
        }
    }

    /** Where a redirect points. */
    enum RedirectType {
        /** Exactly the configured URL. */
        LOCATION,
        /** The configured prefix followed by the request URI. */
        PREFIX,
        /** The configured scheme, the request's Host and URI. */
        SCHEME
    }

    /**
     * {@code http-request redirect location|prefix|scheme VALUE [code CODE] [drop-query] [append-slash]
     * [set-cookie NAME[=VALUE]] [clear-cookie NAME[=]]}; {@code Cache-Control: no-cache} goes with codes 302, 303
     * and 307, as HAProxy sends it.
     */
    record Redirect(
            RedirectType type,
            String value,
            int code,
            RedirectOptions options,
            @Nullable Condition condition) implements HttpRequestRule {
        private static final Set<Integer> CODES = Set.of(301, 302, 303, 307, 308);

        public Redirect {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(options, "options");
            if (!CODES.contains(code)) {
                throw new ConfigException(
                        "http-request redirect: code " + code + " (expected: 301, 302, 303, 307 or 308)");
            }
            Redirects.checkTarget(type, value);
        }

        /** The same redirect with {@code options} ({@code drop-query}, {@code set-cookie}, ...). */
        public Redirect options(RedirectOptions options) {
            return new Redirect(type, value, code, options, condition);
        }

        @Override
        public HttpRequestRule when(Condition condition) {
            return new Redirect(type, value, code, options, condition);
        }
    }

    /**
     * {@code http-request set-header NAME VALUE}.
     *
     * @param format whether {@code value} is a log-format ({@link #setHeaderFormat}) rather than literal text
     */
    record SetHeader(
            String name,
            String value,
            boolean format,
            @Nullable Condition condition) implements HttpRequestRule {
        public SetHeader {
            HeaderEdit.requireHeader("http-request set-header", name, value);
            if (format) {
                HeaderValue.check("http-request set-header " + name, value);
            }
        }

        /** A literal value. */
        public SetHeader(String name, String value, @Nullable Condition condition) {
            this(name, value, false, condition);
        }

        @Override
        public HttpRequestRule when(Condition condition) {
            return new SetHeader(name, value, format, condition);
        }
    }

    /**
     * {@code http-request add-header NAME VALUE}.
     *
     * @param format whether {@code value} is a log-format ({@link #addHeaderFormat}) rather than literal text
     */
    record AddHeader(
            String name,
            String value,
            boolean format,
            @Nullable Condition condition) implements HttpRequestRule {
        public AddHeader {
            HeaderEdit.requireHeader("http-request add-header", name, value);
            if (format) {
                HeaderValue.check("http-request add-header " + name, value);
            }
        }

        /** A literal value. */
        public AddHeader(String name, String value, @Nullable Condition condition) {
            this(name, value, false, condition);
        }

        @Override
        public HttpRequestRule when(Condition condition) {
            return new AddHeader(name, value, format, condition);
        }
    }

    /** {@code http-request del-header NAME}. */
    record DelHeader(String name, @Nullable Condition condition) implements HttpRequestRule {
        public DelHeader {
            HeaderEdit.requireHeader("http-request del-header", name, "");
        }

        @Override
        public HttpRequestRule when(Condition condition) {
            return new DelHeader(name, condition);
        }
    }

    /** {@code http-request replace-header|replace-value NAME REGEX REPLACEMENT}; {@code values}: replace-value. */
    record ReplaceHeader(
            String name,
            String regex,
            String replacement,
            boolean values,
            @Nullable Condition condition) implements HttpRequestRule {
        public ReplaceHeader {
            String context = "http-request " + (values ? "replace-value" : "replace-header");
            HeaderEdit.requireHeader(context, name, replacement);
            HeaderRewrite.compile(context, regex);
            HeaderRewrite.requireReplacement(context, replacement);
        }

        @Override
        public HttpRequestRule when(Condition condition) {
            return new ReplaceHeader(name, regex, replacement, values, condition);
        }
    }

    /** {@code http-request return status STATUS content-type TYPE string BODY}. */
    record Return(
            int status,
            String contentType,
            String body,
            @Nullable Condition condition) implements HttpRequestRule {
        public Return {
            Require.range("http-request return", "status", status, 200, 599);
            HeaderEdit.requireHeader("http-request return", "Content-Type", contentType);
            Objects.requireNonNull(body, "body");
        }

        @Override
        public HttpRequestRule when(Condition condition) {
            return new Return(status, contentType, body, condition);
        }
    }

    /** {@code http-request set-log-level silent|emerg|alert|crit|err|warning|notice|info|debug}. */
    record SetLogLevel(String level, @Nullable Condition condition) implements HttpRequestRule {
        /** The level that sends no line. */
        public static final String SILENT = "silent";

        public SetLogLevel {
            Objects.requireNonNull(level, "level");
            if (!level.equals(SILENT)) {
                try {
                    LogTarget.severityCode(level);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("http-request set-log-level: '" + level
                            + "' (expected: silent, emerg, alert, crit, err, warning, notice, info or debug)");
                }
            }
        }

        @Override
        public HttpRequestRule when(Condition condition) {
            return new SetLogLevel(level, condition);
        }
    }

    /** {@code http-request use-service NAME}: a service of the proxy answers the request. */
    record UseService(String service, @Nullable Condition condition) implements HttpRequestRule {
        /** HAProxy's Prometheus exporter: the proxy's counters in the Prometheus text format. */
        public static final String PROMETHEUS_EXPORTER = "prometheus-exporter";

        public UseService {
            if (!PROMETHEUS_EXPORTER.equals(service)) {
                throw new ConfigException("http-request use-service: '" + service + "' is not supported yet "
                        + "(expected: prometheus-exporter)");
            }
        }

        @Override
        public HttpRequestRule when(Condition condition) {
            return new UseService(service, condition);
        }
    }
}
