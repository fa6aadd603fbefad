package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.jspecify.annotations.Nullable;

/**
 * HTTP health checks of a backend's servers, as HAProxy's {@code option httpchk [METHOD] [URI] [VERSION]},
 * {@code http-check send hdr}, {@code http-check expect} and {@code http-check disable-on-404}: a server passes when
 * it answers 2xx or 3xx, or what {@code expect} says. Servers are checked only when their line says {@code check}.
 * An immutable value; each modifier returns a copy.
 *
 * <pre>{@code
 * backend.httpCheck(HttpCheck.get("/health_check.php").expect(HttpCheck.Expect.status("200")));
 * }</pre>
 *
 * @param method the request method; HAProxy's default {@code OPTIONS}
 * @param uri the request target; default {@code /}
 * @param version the protocol version; default {@code HTTP/1.0} (HTTP/1.1 checks send a {@code Host} too)
 * @param headers extra request headers ({@code http-check send hdr NAME VALUE})
 * @param expect what the response must show; null: a 2xx or 3xx status
 * @param isDisableOn404 a 404 puts the server in NOLB rather than DOWN ({@code http-check disable-on-404})
 */
public record HttpCheck(
        String method,
        String uri,
        String version,
        List<Map.Entry<String, String>> headers,
        @Nullable Expect expect,
        boolean isDisableOn404) {

    public HttpCheck {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(version, "version");
        headers = List.copyOf(headers);
        if (method.isEmpty() || !method.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
            throw new ConfigException("httpchk: method '" + method + "' (expected: an HTTP method)");
        }
        if (!uri.startsWith("/") || uri.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
            throw new ConfigException("httpchk: uri '" + uri + "' (expected: a path starting with '/')");
        }
        if (!version.equals("HTTP/1.0") && !version.equals("HTTP/1.1")) {
            throw new ConfigException("httpchk: version '" + version + "' (expected: HTTP/1.0 or HTTP/1.1)");
        }
    }

    /** {@code option httpchk}: {@code OPTIONS / HTTP/1.0}. */
    public static HttpCheck defaults() {
        return of("OPTIONS", "/");
    }

    /** {@code option httpchk GET URI}: {@code GET uri HTTP/1.0}. */
    public static HttpCheck get(String uri) {
        return of("GET", uri);
    }

    /** {@code option httpchk METHOD URI}. */
    public static HttpCheck of(String method, String uri) {
        return new HttpCheck(method, uri, "HTTP/1.0", List.of(), null, false);
    }

    /** The same check sent as {@code version}. */
    public HttpCheck version(String version) {
        return new HttpCheck(method, uri, version, headers, expect, isDisableOn404);
    }

    /** With one more request header ({@code http-check send hdr NAME VALUE}). */
    public HttpCheck header(String name, String value) {
        HeaderEdit.requireHeader("http-check send hdr", name, value);
        List<Map.Entry<String, String>> more = new ArrayList<>(headers);
        more.add(Map.entry(name, value));
        return new HttpCheck(method, uri, version, more, expect, isDisableOn404);
    }

    /** With {@code http-check expect}. */
    public HttpCheck expect(Expect expect) {
        return new HttpCheck(method, uri, version, headers, Objects.requireNonNull(expect, "expect"), isDisableOn404);
    }

    /** With {@code http-check disable-on-404}. */
    public HttpCheck disableOn404() {
        return new HttpCheck(method, uri, version, headers, expect, true);
    }

    /**
     * What a response means for the server: {@link CheckStatus#L7OK}, {@link CheckStatus#L7OKC} (404 with
     * {@code disable-on-404}), {@link CheckStatus#L7STS} (a status not accepted) or {@link CheckStatus#L7RSP} (a
     * body that fails {@code expect string|rstring}).
     */
    public CheckStatus evaluate(int status, String body) {
        if (isDisableOn404 && status == 404) {
            return CheckStatus.L7OKC;
        }
        if (expect == null) {
            return status >= 200 && status < 400 ? CheckStatus.L7OK : CheckStatus.L7STS;
        }
        boolean onStatus = expect.kind() == Expect.Kind.STATUS || expect.kind() == Expect.Kind.RSTATUS;
        if (expect.matches(status, body)) {
            return CheckStatus.L7OK;
        }
        return onStatus ? CheckStatus.L7STS : CheckStatus.L7RSP;
    }

    /**
     * {@code http-check expect [!] status|rstatus|string|rstring PATTERN}.
     *
     * @param kind what is matched
     * @param negated the check passes when the pattern does not match ({@code !})
     * @param pattern a status list ({@code 200,204}) or range ({@code 200-299}), a regular expression, or text
     */
    public record Expect(Kind kind, boolean negated, String pattern) {
        /** What {@code expect} looks at. */
        public enum Kind {
            STATUS,
            RSTATUS,
            STRING,
            RSTRING
        }

        public Expect {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(pattern, "pattern");
            if (pattern.isEmpty()) {
                throw new ConfigException("http-check expect: empty pattern (expected: a status, regex or text)");
            }
            if (kind == Kind.RSTATUS || kind == Kind.RSTRING) {
                try {
                    Pattern.compile(pattern);
                } catch (PatternSyntaxException e) {
                    throw new ConfigException("http-check expect: pattern '" + pattern
                            + "' (expected: a regular expression; " + e.getDescription() + ")");
                }
            } else if (kind == Kind.STATUS && !pattern.matches("\\d{3}(-\\d{3})?(,\\d{3}(-\\d{3})?)*")) {
                throw new ConfigException(
                        "http-check expect: status '" + pattern + "' (expected: codes or ranges, e.g. 200,300-399)");
            }
        }

        /** {@code expect status PATTERN}. */
        public static Expect status(String codes) {
            return new Expect(Kind.STATUS, false, codes);
        }

        /** {@code expect string TEXT}: the body contains {@code text}. */
        public static Expect string(String text) {
            return new Expect(Kind.STRING, false, text);
        }

        /** {@code expect rstring REGEX}: a regular expression finds a match in the body. */
        public static Expect rstring(String regex) {
            return new Expect(Kind.RSTRING, false, regex);
        }

        /** {@code expect rstatus REGEX}. */
        public static Expect rstatus(String regex) {
            return new Expect(Kind.RSTATUS, false, regex);
        }

        /** The negation ({@code !}). */
        public Expect negate() {
            return new Expect(kind, !negated, pattern);
        }

        boolean matches(int status, String body) {
            boolean matched = switch (kind) {
                case STATUS -> statusIn(status);
                case RSTATUS ->
                    Pattern.compile(pattern).matcher(Integer.toString(status)).find();
                case STRING -> body.contains(pattern);
                case RSTRING -> Pattern.compile(pattern).matcher(body).find();
            };
            return matched != negated;
        }

        private boolean statusIn(int status) {
            for (String part : pattern.split(",", -1)) {
                if (part.isEmpty()) {
                    continue;
                }
                int dash = part.indexOf('-');
                int low = Integer.parseInt(dash < 0 ? part : part.substring(0, dash));
                int high = dash < 0 ? low : Integer.parseInt(part.substring(dash + 1));
                if (status >= low && status <= high) {
                    return true;
                }
            }
            return false;
        }
    }
}
