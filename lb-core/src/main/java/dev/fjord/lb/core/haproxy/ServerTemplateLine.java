package dev.fjord.lb.core.haproxy;

import java.util.ArrayList;
import java.util.List;

import dev.fjord.lb.core.haproxy.Lines.Line;

/**
 * {@code server-template PREFIX COUNT|1-COUNT FQDN[:PORT] resolvers NAME [resolve-prefer ipv4|ipv6] [init-addr ...]
 * [server options]}, as HAProxy 2.x reads it. {@code init-addr} and {@code resolve-opts} are accepted: the servers
 * start without an address whatever they say, and join once DNS answers.
 */
final class ServerTemplateLine {
    private ServerTemplateLine() {}

    static void apply(BackendKeywords.TemplateAdder adder, Line line, TlsImport tls) {
        String prefix = line.arg(1);
        String range = line.arg(2);
        String fqdn = line.arg(3);
        if (prefix.isEmpty() || range.isEmpty() || fqdn.isEmpty()) {
            throw new IllegalArgumentException(
                    "expected: server-template PREFIX COUNT FQDN[:PORT] resolvers NAME [options]");
        }
        int count = count(range);
        String resolvers = null;
        boolean preferIpv6 = false;
        List<String> options = new ArrayList<>(List.of("server", prefix, "0.0.0.0"));
        for (int i = 4; i < line.size(); i++) {
            String word = line.arg(i);
            switch (word) {
                case "resolvers" -> resolvers = value(line, ++i, word);
                case "resolve-prefer" -> {
                    String family = value(line, ++i, word);
                    if (!family.equals("ipv4") && !family.equals("ipv6")) {
                        throw new IllegalArgumentException("resolve-prefer '" + family + "' (expected: ipv4 or ipv6)");
                    }
                    preferIpv6 = family.equals("ipv6");
                }
                case "init-addr", "resolve-opts", "resolve-net" -> value(line, ++i, word);
                default -> options.add(word);
            }
        }
        if (resolvers == null) {
            throw new IllegalArgumentException("server-template '" + prefix + "' has no resolvers (expected: "
                    + "resolvers NAME, naming a resolvers section)");
        }
        Line serverOptions = new Line(line.number(), options);
        adder.add(prefix, count, fqdn, resolvers, preferIpv6, s -> ServerOptions.apply(s, serverOptions, 3, tls));
    }

    /** {@code N} or {@code 1-N}. */
    private static int count(String range) {
        int dash = range.indexOf('-');
        try {
            if (dash < 0) {
                return Integer.parseInt(range);
            }
            if (Integer.parseInt(range.substring(0, dash)) != 1) {
                throw new IllegalArgumentException("range '" + range + "' (expected: N or 1-N; ranges starting "
                        + "elsewhere are not supported yet)");
            }
            return Integer.parseInt(range.substring(dash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("count '" + range + "' (expected: N or 1-N)");
        }
    }

    private static String value(Line line, int i, String option) {
        if (i >= line.size()) {
            throw new IllegalArgumentException("'" + option + "' without a value");
        }
        return line.arg(i);
    }
}
