package dev.fjord.lb.core.haproxy;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.Condition;
import dev.fjord.lb.core.HttpRequestRule;
import dev.fjord.lb.core.StickData;
import dev.fjord.lb.core.StickRule;
import dev.fjord.lb.core.StickTable;
import dev.fjord.lb.core.TcpConnectionRule;
import dev.fjord.lb.core.TrackSc;
import dev.fjord.lb.core.haproxy.Lines.Line;

/**
 * The stick table keywords: {@code stick-table}, {@code stick on|match|store-request}, {@code tcp-request
 * connection|session} and the {@code http-request} actions {@code track-sc0|1|2} and {@code sc-inc-gpc0|1}.
 * Stateless; each method throws {@link IllegalArgumentException} naming what is wrong, which the import locates.
 */
final class StickKeywords {
    private StickKeywords() {}

    /**
     * {@code stick-table type ip|ipv6|integer|string [len N] size SIZE [expire TIME] [nopurge] [srvkey name]
     * [store DATA[,DATA...]]... [peers NAME]}.
     */
    static StickTable table(Line line) {
        String type = null;
        Integer length = null;
        Long size = null;
        Duration expire = null;
        boolean noPurge = false;
        String peers = null;
        List<String[]> stores = new java.util.ArrayList<>();
        for (int i = 1; i < line.size(); i++) {
            String word = line.arg(i);
            switch (word) {
                case "type" -> {
                    type = line.arg(++i);
                    if (line.arg(i + 1).equals("len")) {
                        i += 2;
                        length = Values.integer(line.arg(i));
                    }
                }
                case "size" -> size = Values.size(line.arg(++i));
                case "expire" -> expire = Values.time(line, ++i);
                case "nopurge" -> noPurge = true;
                case "srvkey" -> {
                    if (!line.arg(++i).equals("name")) {
                        throw new IllegalArgumentException(
                                "srvkey '" + line.arg(i) + "' is not supported yet (expected: srvkey name)");
                    }
                }
                case "store" -> {
                    for (String data : splitOutsideParentheses(line.arg(++i))) {
                        stores.add(new String[] {data});
                    }
                }
                case "peers" -> {
                    peers = line.arg(++i);
                    if (peers.isEmpty()) {
                        throw new IllegalArgumentException("peers without a name (expected: peers NAME)");
                    }
                }
                case "recv-only", "write-to", "brates-factor" ->
                    throw new IllegalArgumentException("'" + word + "' is not supported yet");
                default ->
                    throw new IllegalArgumentException(
                            "'" + word + "' (expected: type, size, expire, nopurge, srvkey, store or peers)");
            }
        }
        if (type == null || size == null) {
            throw new IllegalArgumentException(
                    "expected: stick-table type ip|ipv6|integer|string [len N] size SIZE [expire TIME] [store ...]");
        }
        int entries = (int) Math.min(Integer.MAX_VALUE, size);
        StickTable table = switch (type) {
            case "ip", "ipv4" -> StickTable.ip(entries);
            case "ipv6" -> StickTable.ipv6(entries);
            case "integer" -> StickTable.integer(entries);
            case "string" -> StickTable.string(entries);
            case "binary" -> throw new IllegalArgumentException("type binary is not supported yet");
            default ->
                throw new IllegalArgumentException("type '" + type + "' (expected: ip, ipv6, integer, string [len N])");
        };
        if (length != null) {
            table = table.keyLength(length);
        }
        if (expire != null) {
            table = table.expire(expire);
        }
        if (noPurge) {
            table = table.noPurge();
        }
        if (peers != null) {
            table = table.peers(peers);
        }
        for (String[] store : stores) {
            table = store(table, store[0]);
        }
        return table;
    }

    /** {@code http_req_rate(10s)} or {@code conn_cur}. */
    private static StickTable store(StickTable table, String text) {
        int open = text.indexOf('(');
        String name = open < 0 ? text : text.substring(0, open);
        StickData data = StickData.of(name);
        if (data == null || data == StickData.SERVER_KEY) {
            boolean arrays = name.equals("gpc") || name.equals("gpc_rate") || name.equals("gpt");
            throw new IllegalArgumentException("store '" + text + "' " + (arrays ? "is not supported yet" : "")
                    + " (expected: conn_cur, conn_cnt, conn_rate(P), sess_cnt, sess_rate(P), http_req_cnt, "
                    + "http_req_rate(P), http_err_cnt, http_err_rate(P), http_fail_cnt, http_fail_rate(P), "
                    + "bytes_in_cnt, bytes_in_rate(P), bytes_out_cnt, bytes_out_rate(P), gpc0, gpc0_rate(P), gpc1, "
                    + "gpc1_rate(P), gpt0 or server_id)");
        }
        if (data.isRate()) {
            if (open < 0 || !text.endsWith(")")) {
                throw new IllegalArgumentException("store '" + text + "' (expected: a period, " + name + "(10s))");
            }
            return table.store(data, Values.time(text.substring(open + 1, text.length() - 1)));
        }
        if (open >= 0) {
            throw new IllegalArgumentException("store '" + text + "' (expected: " + name + " without a period)");
        }
        return table.store(data);
    }

    private static List<String> splitOutsideParentheses(String text) {
        List<String> parts = new java.util.ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (c == ',' && depth == 0) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        return parts;
    }

    /** {@code stick on|match|store-request KEY [table TABLE] [if|unless CONDITION]}. */
    static StickRule stickRule(Line line) {
        List<String> words = line.words();
        StickRule.Kind kind = switch (line.arg(1)) {
            case "on" -> StickRule.Kind.ON;
            case "match" -> StickRule.Kind.MATCH;
            case "store-request" -> StickRule.Kind.STORE_REQUEST;
            case "store-response" -> throw new IllegalArgumentException("'store-response' is not supported yet");
            default ->
                throw new IllegalArgumentException(
                        "'" + line.arg(1) + "' (expected: stick on|match|store-request KEY [table T] [if COND])");
        };
        if (line.size() < 3) {
            throw new IllegalArgumentException("missing key (expected: stick " + kind.keyword() + " KEY)");
        }
        int condition = conditionStart(words);
        int end = condition < 0 ? words.size() : condition;
        String table = null;
        if (end == 5 && line.arg(3).equals("table")) {
            table = line.arg(4);
        } else if (end != 3) {
            throw new IllegalArgumentException(
                    "'" + String.join(" ", words.subList(3, end)) + "' (expected: [table NAME] [if|unless CONDITION])");
        }
        StickRule rule = new StickRule(kind, line.arg(2), table, null);
        return condition < 0 ? rule : rule.when(Condition.parse(words.subList(condition, words.size())));
    }

    /** {@code tcp-request connection|session ACTION [ARGS] [if|unless CONDITION]}. */
    static TcpConnectionRule tcpRequestRule(Line line) {
        List<String> words = line.words();
        int condition = conditionStart(words);
        List<String> action = words.subList(2, condition < 0 ? words.size() : condition);
        String name = action.isEmpty() ? "" : action.get(0);
        TcpConnectionRule rule;
        TrackSc track = trackSc(action);
        int[] increment = incrementGpc(name, action);
        if (name.equals("accept") && action.size() == 1) {
            rule = TcpConnectionRule.accept();
        } else if (name.equals("reject") && action.size() == 1) {
            rule = TcpConnectionRule.reject();
        } else if (track != null) {
            rule = track.table() == null
                    ? TcpConnectionRule.trackSc(track.counter(), track.key())
                    : TcpConnectionRule.trackSc(track.counter(), track.key(), track.table());
        } else if (increment != null) {
            rule = TcpConnectionRule.scIncGpc(increment[0], increment[1]);
        } else {
            throw new IllegalArgumentException("action '" + String.join(" ", action) + "' is not supported yet "
                    + "(expected: accept, reject, track-sc0|1|2 KEY [table T] or sc-inc-gpc0|1(N))");
        }
        return condition < 0 ? rule : rule.when(Condition.parse(words.subList(condition, words.size())));
    }

    /** The {@code http-request} stick table actions; null when {@code action} is none of them. */
    static @Nullable HttpRequestRule httpRequestAction(List<String> action) {
        TrackSc track = trackSc(action);
        if (track != null) {
            return track.table() == null
                    ? HttpRequestRule.trackSc(track.counter(), track.key())
                    : HttpRequestRule.trackSc(track.counter(), track.key(), track.table());
        }
        int[] increment = incrementGpc(action.isEmpty() ? "" : action.get(0), action);
        return increment == null ? null : HttpRequestRule.scIncGpc(increment[0], increment[1]);
    }

    /** {@code track-scN KEY [table TABLE]}, or null when the action is another. */
    static @Nullable TrackSc trackSc(List<String> action) {
        if (action.isEmpty() || !action.get(0).matches("track-sc[0-9]+")) {
            return null;
        }
        int counter = Integer.parseInt(action.get(0).substring(8));
        if (counter >= TrackSc.COUNTERS) {
            throw new IllegalArgumentException("'" + action.get(0) + "' (expected: track-sc0, track-sc1 or track-sc2)");
        }
        if (action.size() == 2) {
            return new TrackSc(counter, action.get(1), null);
        }
        if (action.size() == 4 && action.get(2).equals("table")) {
            return new TrackSc(counter, action.get(1), action.get(3));
        }
        throw new IllegalArgumentException(
                "'" + String.join(" ", action) + "' (expected: " + action.get(0) + " KEY [table NAME])");
    }

    /** {@code sc-inc-gpc0(N)} as {gpc, counter}, or null when the action is another. */
    private static int @Nullable [] incrementGpc(String name, List<String> action) {
        if (!name.matches("sc-inc-gpc[01]\\([0-9]\\)")) {
            if (name.startsWith("sc-inc-gpc") || name.startsWith("sc-set-gpt") || name.startsWith("sc-clr")) {
                throw new IllegalArgumentException("action '" + name + "' (expected: sc-inc-gpc0(N) or "
                        + "sc-inc-gpc1(N), N 0 to 2; others are not supported yet)");
            }
            return null;
        }
        if (action.size() != 1) {
            throw new IllegalArgumentException("'" + String.join(" ", action) + "' (expected: " + name + " alone)");
        }
        return new int[] {name.charAt(10) - '0', name.charAt(12) - '0'};
    }

    /** The index of {@code if} or {@code unless} in {@code words}, or -1. */
    static int conditionStart(List<String> words) {
        for (int i = 1; i < words.size(); i++) {
            if (words.get(i).equals("if") || words.get(i).equals("unless")) {
                return i;
            }
        }
        return -1;
    }
}
