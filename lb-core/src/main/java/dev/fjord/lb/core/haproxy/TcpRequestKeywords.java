package dev.fjord.lb.core.haproxy;

import java.util.List;

import dev.fjord.lb.core.Condition;
import dev.fjord.lb.core.TcpContentRule;
import dev.fjord.lb.core.TrackSc;
import dev.fjord.lb.core.haproxy.Lines.Line;

/**
 * The {@code tcp-request} lines of a frontend or listen section: {@code inspect-delay TIMEOUT}, {@code content
 * accept|reject|track-sc0|1|2 KEY [table T] [if|unless CONDITION]}, and {@code connection} and {@code session} with
 * the actions of {@link StickKeywords#tcpRequestRule}. Stateless; errors are {@link IllegalArgumentException}s
 * naming what is wrong, which the import locates.
 */
final class TcpRequestKeywords {
    private TcpRequestKeywords() {}

    /** Applies a {@code tcp-request} line to {@code frontend}. */
    static void apply(FrontendKeywords.Target frontend, Line line) {
        switch (line.arg(1)) {
            case "inspect-delay" -> {
                if (line.size() != 3) {
                    throw new IllegalArgumentException("expected: tcp-request inspect-delay TIMEOUT");
                }
                frontend.inspectDelay().accept(Values.time(line, 2));
            }
            case "content" -> frontend.tcpContent().accept(content(line.words()));
            case "connection" -> frontend.tcpRequestConnection().accept(StickKeywords.tcpRequestRule(line));
            case "session" -> frontend.tcpRequestSession().accept(StickKeywords.tcpRequestRule(line));
            default ->
                throw new IllegalArgumentException("'" + line.arg(1) + "' (expected: tcp-request inspect-delay "
                        + "TIMEOUT, or tcp-request content|connection|session ACTION)");
        }
    }

    /** {@code tcp-request content ACTION [if|unless CONDITION]}. */
    private static TcpContentRule content(List<String> words) {
        String action = words.size() > 2 ? words.get(2) : "";
        int condition = 3;
        TcpContentRule rule;
        if (action.equals("accept")) {
            rule = TcpContentRule.accept();
        } else if (action.equals("reject")) {
            rule = TcpContentRule.reject();
        } else if (action.isEmpty()) {
            throw new IllegalArgumentException("missing action (expected: accept, reject or track-sc0|1|2 KEY)");
        } else {
            int end = StickKeywords.conditionStart(words);
            TrackSc track = StickKeywords.trackSc(words.subList(2, end < 0 ? words.size() : end));
            if (track == null) {
                throw new IllegalArgumentException("action '" + action + "' is not supported yet (expected: accept, "
                        + "reject or track-sc0|1|2 KEY [table T] [if|unless CONDITION])");
            }
            rule = track.table() == null
                    ? TcpContentRule.trackSc(track.counter(), track.key())
                    : TcpContentRule.trackSc(track.counter(), track.key(), track.table());
            condition = end < 0 ? words.size() : end;
        }
        if (words.size() == condition) {
            return rule;
        }
        String keyword = words.get(condition);
        if (!keyword.equals("if") && !keyword.equals("unless")) {
            throw new IllegalArgumentException(
                    "'" + keyword + "' after " + action + " (expected: if CONDITION or unless CONDITION)");
        }
        return rule.when(Condition.parse(words.subList(condition, words.size())));
    }
}
