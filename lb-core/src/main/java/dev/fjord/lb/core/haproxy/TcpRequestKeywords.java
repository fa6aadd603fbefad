package dev.fjord.lb.core.haproxy;

import java.util.List;

import dev.fjord.lb.core.Condition;
import dev.fjord.lb.core.TcpContentRule;
import dev.fjord.lb.core.haproxy.Lines.Line;

/**
 * {@code tcp-request inspect-delay TIMEOUT} and {@code tcp-request content accept|reject [if|unless CONDITION]} of a
 * frontend or listen section; the other {@code tcp-request} forms are errors saying they are not supported yet.
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
            // a frontend's or listen's tcp-request connection goes to StickKeywords before this; session: issue #17
            case "connection", "session" ->
                throw new IllegalArgumentException("tcp-request " + line.arg(1) + " rules are not supported yet");
            default ->
                throw new IllegalArgumentException("'" + line.arg(1)
                        + "' (expected: tcp-request inspect-delay TIMEOUT, or tcp-request content ACTION)");
        }
    }

    /** {@code tcp-request content ACTION [if|unless CONDITION]}. */
    private static TcpContentRule content(List<String> words) {
        String action = words.size() > 2 ? words.get(2) : "";
        TcpContentRule rule = switch (action) {
            case "accept" -> TcpContentRule.accept();
            case "reject" -> TcpContentRule.reject();
            case "" -> throw new IllegalArgumentException("missing action (expected: accept or reject)");
            default ->
                throw new IllegalArgumentException("action '" + action
                        + "' is not supported yet (expected: accept or reject [if|unless CONDITION])");
        };
        if (words.size() == 3) {
            return rule;
        }
        String keyword = words.get(3);
        if (!keyword.equals("if") && !keyword.equals("unless")) {
            throw new IllegalArgumentException(
                    "'" + keyword + "' after " + action + " (expected: if CONDITION or unless CONDITION)");
        }
        return rule.when(Condition.parse(words.subList(3, words.size())));
    }
}
