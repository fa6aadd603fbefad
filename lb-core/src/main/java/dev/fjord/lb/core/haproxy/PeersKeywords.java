package dev.fjord.lb.core.haproxy;

import dev.fjord.lb.core.PeersConfig;
import dev.fjord.lb.core.haproxy.Lines.Line;

/**
 * The keywords of a {@code peers} section: {@code peer NAME ADDR:PORT} (this process's peer among them, named by
 * {@code localpeer} in {@code global}), and {@code disabled}/{@code enabled}. The forms that Fjord refuses, each an
 * error naming the line: {@code bind}, {@code server}, {@code default-server}, {@code table} and
 * {@code shards}.
 */
final class PeersKeywords {
    private PeersKeywords() {}

    /** Applies {@code line}; false when it is none of these keywords. */
    static boolean apply(PeersConfig.Builder peers, Line line) {
        switch (line.keyword()) {
            case "peer" -> {
                if (line.size() < 3) {
                    throw new IllegalArgumentException("expected: peer NAME ADDR:PORT");
                }
                if (line.size() > 3) {
                    throw new IllegalArgumentException(
                            "options after the address " + line.words().subList(3, line.size())
                                    + " are not supported yet (expected: peer NAME ADDR:PORT)");
                }
                peers.peer(line.arg(1), line.arg(2));
            }
            case "bind", "server", "default-server", "table", "shards", "log" ->
                throw new IllegalArgumentException(
                        "'" + line.keyword() + "' is not supported yet (expected: " + "peer NAME ADDR:PORT)");
            default -> {
                return false;
            }
        }
        return true;
    }
}
