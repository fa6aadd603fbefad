package dev.fjord.lb.core.haproxy;

import dev.fjord.lb.core.PeersConfig;
import dev.fjord.lb.core.haproxy.Lines.Line;

/**
 * The keywords of a {@code peers} section: {@code peer NAME ADDR:PORT} (this process's peer among them, named by
 * {@code localpeer} in {@code global}), or HAProxy 2.x's other form, {@code bind ADDR:PORT} with {@code server NAME
 * [ADDR:PORT]} lines (the local peer's without an address), and {@code disabled}/{@code enabled}. What Fjord refuses,
 * each an error naming the line: options on {@code bind}, {@code server} and {@code default-server} (SSL between
 * peers), {@code table} and {@code shards}.
 */
final class PeersKeywords {
    private PeersKeywords() {}

    /** Applies {@code line}; an unknown keyword is an error. */
    static void apply(PeersConfig.Builder peers, Line line) {
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
            case "bind" -> {
                if (line.size() != 2) {
                    throw new IllegalArgumentException(
                            line.size() < 2
                                    ? "expected: bind ADDR:PORT"
                                    : "options after the address "
                                            + line.words().subList(2, line.size())
                                            + " are not supported yet (SSL between peers; expected: bind ADDR:PORT)");
                }
                peers.bind(line.arg(1));
            }
            case "server" -> {
                if (line.size() < 2 || line.size() > 3) {
                    throw new IllegalArgumentException(
                            line.size() < 2
                                    ? "expected: server NAME [ADDR:PORT]"
                                    : "options after the address "
                                            + line.words().subList(3, line.size())
                                            + " are not supported yet (SSL between peers; expected: server NAME"
                                            + " [ADDR:PORT])");
                }
                peers.server(line.arg(1), line.size() == 3 ? line.arg(2) : null);
            }
            case "default-server" -> {
                if (line.size() > 1) {
                    throw new IllegalArgumentException("options " + line.words().subList(1, line.size())
                            + " are not supported yet (SSL between peers)");
                }
            }
            case "table", "shards", "log" ->
                throw new IllegalArgumentException(
                        "'" + line.keyword() + "' is not supported yet (expected: " + "peer NAME ADDR:PORT)");
            default -> throw new IllegalArgumentException("unknown keyword (expected: peer)");
        }
    }
}
