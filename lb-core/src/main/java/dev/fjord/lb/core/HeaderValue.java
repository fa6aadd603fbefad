package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * What an {@code http-request} header rule writes: the literal text of a {@code set-header} or {@code add-header}
 * value, or its log-format ({@link CustomLogFormat#parseValue}) evaluated for the request, or the compiled regular
 * expression of a {@code replace-header} or {@code replace-value}. Immutable and thread-safe.
 */
final class HeaderValue {
    /** For a rule that writes no header value. */
    static final HeaderValue NONE = new HeaderValue("", null, null);

    private final String literal;
    private final @Nullable CustomLogFormat format;
    private final @Nullable Pattern regex;

    private HeaderValue(String literal, @Nullable CustomLogFormat format, @Nullable Pattern regex) {
        this.literal = literal;
        this.format = format;
        this.regex = regex;
    }

    /** What {@code rule} writes: {@link #NONE} for a rule that writes no header. */
    static HeaderValue of(HttpRequestRule rule) {
        if (rule instanceof HttpRequestRule.SetHeader set) {
            return of(set.value(), set.format());
        }
        if (rule instanceof HttpRequestRule.AddHeader add) {
            return of(add.value(), add.format());
        }
        if (rule instanceof FormattedReturn answer) {
            return of(answer.format(), true);
        }
        if (rule instanceof HttpRequestRule.Redirect redirect
                && redirect.value().indexOf('%') >= 0) {
            return of(redirect.value(), true); // a log-format target, as HAProxy's redirect takes
        }
        if (rule instanceof HttpRequestRule.ReplaceHeader replace) {
            return new HeaderValue(
                    replace.replacement(), null, HeaderRewrite.compile("http-request replace", replace.regex()));
        }
        if (rule instanceof TargetRewrite rewrite) {
            String regex = rewrite.regex();
            return regex == null
                    ? of(rewrite.value(), true)
                    : new HeaderValue(
                            rewrite.value(),
                            null,
                            HeaderRewrite.compile(
                                    "http-request " + rewrite.kind().keyword(), regex));
        }
        return NONE;
    }

    private static HeaderValue of(String value, boolean format) {
        return new HeaderValue(value, format ? CustomLogFormat.parseValue(value) : null, null);
    }

    /**
     * The edits of a {@code replace-header} ({@code values} false) or {@code replace-value} of header {@code name}
     * in {@code request}: none when no line matches, else the lines removed and added again, replaced where they
     * matched, in their order.
     */
    List<HeaderEdit> replace(String name, boolean values, RequestHead request) {
        Pattern compiled = java.util.Objects.requireNonNull(regex, "regex");
        List<String> lines = request.headers(name);
        List<HeaderEdit> edits = new ArrayList<>(lines.size() + 1);
        edits.add(new HeaderEdit.Delete(name));
        boolean changed = false;
        for (String line : lines) {
            String replaced = values
                    ? HeaderRewrite.replaceValues(compiled, literal, line)
                    : HeaderRewrite.replace(compiled, literal, line);
            changed |= replaced != null;
            edits.add(new HeaderEdit.Add(name, replaced == null ? line : replaced));
        }
        return changed ? edits : List.of();
    }

    /**
     * Checks {@code format}, a header value's log-format.
     *
     * @throws ConfigException naming {@code context} and what is wrong
     */
    static void check(String context, String format) {
        try {
            CustomLogFormat.parseValue(format);
        } catch (ConfigException e) {
            throw new ConfigException(context + ": " + e.getMessage());
        }
    }

    /**
     * The edit of a target {@code rewrite} of {@code request}: none when its regex does not match, or when what it
     * makes cannot be a request target (a space or a control character from a sample): the target stays.
     */
    List<HeaderEdit> target(TargetRewrite rewrite, RequestHead request) {
        String query = request.query();
        String uri = switch (rewrite.kind()) {
            case SET_PATH -> of(request) + (query == null ? "" : "?" + query);
            case SET_QUERY -> request.path() + "?" + of(request);
            case SET_URI -> of(request);
            case REPLACE_PATH -> {
                String path = HeaderRewrite.replace(
                        java.util.Objects.requireNonNull(regex, "regex"), literal, request.path());
                yield path == null ? null : path + (query == null ? "" : "?" + query);
            }
            case REPLACE_URI ->
                HeaderRewrite.replace(java.util.Objects.requireNonNull(regex, "regex"), literal, request.uri());
        };
        if (uri == null || uri.isEmpty() || uri.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            return List.of();
        }
        return List.of(new HeaderEdit.Target(uri));
    }

    /** The value for {@code request}. */
    String of(RequestHead request) {
        CustomLogFormat compiled = format;
        return compiled == null ? literal : compiled.value(request);
    }
}
