package dev.fjord.lb.core.haproxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.fjord.lb.core.HttpRequestRule;
import dev.fjord.lb.core.RedirectOptions;
import dev.fjord.lb.core.TarpitRule;

/**
 * The arguments of the {@code deny}, {@code redirect} and {@code return} actions of {@code http-request} (and of the
 * {@code redirect} statement), shared with {@code http-response}: options, payload files read now, literal values.
 */
final class RequestKeywords {
    private RequestKeywords() {}

    /** The status, content type and body a {@code return} (or a {@code deny} with a payload) answers with. */
    /** An answer's status, type and body; {@code format}: the body is a log-format (lf-string, lf-file). */
    record Answer(int status, String contentType, String body, boolean format) {}

    /**
     * {@code deny [deny_status|status CODE] [content-type TYPE] [string TEXT|lf-string TEXT|file FILE]}: a plain deny
     * is the error page of its status, one with a payload answers as a {@code return}.
     */
    static HttpRequestRule deny(List<String> words) {
        boolean payload = words.stream()
                .anyMatch(w -> w.equals("string")
                        || w.equals("lf-string")
                        || w.equals("file")
                        || w.equals("lf-file")
                        || w.equals("content-type"));
        List<String> options =
                words.stream().map(w -> w.equals("deny_status") ? "status" : w).toList();
        Answer answer = answer(options, 403);
        return payload
                ? HttpRequestRule.returnResponse(answer.status(), answer.contentType(), answer.body())
                : HttpRequestRule.deny(answer.status());
    }

    /** {@code tarpit [deny_status STATUS]}: the status of the answer after the wait, 500 by default. */
    static HttpRequestRule tarpit(List<String> words) {
        if (words.size() == 1) {
            return TarpitRule.tarpit();
        }
        if (words.size() != 3 || !words.get(1).equals("deny_status")) {
            throw new IllegalArgumentException("tarpit " + String.join(" ", words.subList(1, words.size()))
                    + " (expected: tarpit [deny_status STATUS]; an answer of its own is not supported yet)");
        }
        return new TarpitRule(Values.integer(words.get(2)), null);
    }

    /**
     * {@code return [status CODE] [content-type TYPE] [string TEXT|lf-string TEXT|file FILE|lf-file FILE]}, the action
     * word first; a file is read now, whole, as UTF-8.
     */
    static Answer answer(List<String> words, int defaultStatus) {
        return answer(words, defaultStatus, false);
    }

    /** As {@link #answer(List, int)}; {@code formats}: {@code lf-string} and {@code lf-file} stay log-formats. */
    static Answer answer(List<String> words, int defaultStatus, boolean formats) {
        boolean format = false;
        int status = defaultStatus;
        String type = "text/plain";
        String body = "";
        for (int i = 1; i < words.size(); i++) {
            switch (words.get(i)) {
                case "status" -> status = Values.integer(arg(words, ++i));
                case "content-type" -> type = arg(words, ++i);
                case "string" -> body = arg(words, ++i);
                case "lf-string" -> {
                    body = arg(words, ++i);
                    format = formats && !isLiteral(body);
                    body = format ? body : literal(body);
                }
                case "file" -> body = read(arg(words, ++i));
                case "lf-file" -> {
                    body = read(arg(words, ++i));
                    format = formats && !isLiteral(body);
                    body = format ? body : literal(body);
                }
                default ->
                    throw new IllegalArgumentException(words.get(0) + " option '" + words.get(i) + "' is not "
                            + "supported yet (expected: status CODE, content-type TYPE, string TEXT, file FILE)");
            }
        }
        return new Answer(status, type, body, format);
    }

    /**
     * {@code redirect location|prefix|scheme VALUE [code CODE] [drop-query] [append-slash] [set-cookie NAME[=VALUE]]
     * [clear-cookie NAME[=]]}, the action word first.
     */
    static HttpRequestRule redirect(List<String> words) {
        String type = null;
        String value = "";
        int code = 302;
        RedirectOptions options = RedirectOptions.NONE;
        for (int i = 1; i < words.size(); i++) {
            switch (words.get(i)) {
                case "location", "prefix", "scheme" -> { // a log-format, evaluated for each request
                    type = words.get(i);
                    value = arg(words, ++i);
                }
                case "code" -> code = Values.integer(arg(words, ++i));
                case "drop-query" -> options = options.withDropQuery();
                case "append-slash" -> options = options.withAppendSlash();
                case "set-cookie" -> options = options.withSetCookie(arg(words, ++i));
                case "clear-cookie" -> options = options.withClearCookie(arg(words, ++i));
                case "ignore-empty" -> {} // skips a rule whose log-format is empty: a literal target never is
                default ->
                    throw new IllegalArgumentException("redirect option '" + words.get(i) + "' is not supported yet "
                            + "(expected: location|prefix|scheme VALUE, code CODE, drop-query, append-slash, "
                            + "set-cookie NAME[=VALUE], clear-cookie NAME[=], ignore-empty)");
            }
        }
        if (type == null) {
            throw new IllegalArgumentException("redirect without location, prefix or scheme");
        }
        HttpRequestRule rule = switch (type) {
            case "location" -> HttpRequestRule.redirectLocation(value, code);
            case "prefix" -> HttpRequestRule.redirectPrefix(value, code);
            default -> HttpRequestRule.redirectScheme(value, code);
        };
        return ((HttpRequestRule.Redirect) rule).options(options);
    }

    /**
     * {@code text}, a value HAProxy reads as a log-format, as literal text: {@code %%} is {@code %}; any other
     * {@code %} expression ({@code %[src]}, {@code %s}) is refused, since Fjord would send it as it is.
     */
    static String literal(String text) {
        int percent = text.indexOf('%');
        if (percent < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 1 < text.length() && text.charAt(i + 1) == '%') {
                out.append('%');
                i++;
            } else if (c == '%') {
                throw new IllegalArgumentException("'" + text + "': log-format expressions ('" + text.substring(i)
                        + "') are not supported yet (expected: literal text, %% for %)");
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Whether a log-format is literal text: no {@code %} but in {@code %%}. */
    private static boolean isLiteral(String text) {
        return text.replace("%%", "").indexOf('%') < 0;
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(
                    "cannot read '" + file + "' (" + e.getClass().getSimpleName() + ")");
        }
    }

    static String arg(List<String> words, int index) {
        if (index >= words.size()) {
            throw new IllegalArgumentException("missing argument after '" + words.get(index - 1) + "'");
        }
        return words.get(index);
    }

    /** The index of the {@code if} or {@code unless} that starts the rule's condition, or the end of the words. */
    static int conditionStart(List<String> words) {
        int condition = words.indexOf("if");
        int unless = words.indexOf("unless");
        if (condition < 0 || (unless >= 0 && unless < condition)) {
            condition = unless;
        }
        return condition < 0 ? words.size() : condition;
    }
}
