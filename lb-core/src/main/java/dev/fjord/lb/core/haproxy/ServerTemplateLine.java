package dev.fjord.lb.core.haproxy;

import java.util.ArrayList;
import java.util.List;

import dev.fjord.lb.core.haproxy.Lines.Line;

/**
 * {@code server-template PREFIX COUNT|1-COUNT FQDN[:PORT] resolvers NAME [resolve-prefer ipv4|ipv6] [init-addr ...]
 * [server options]}, and {@code server NAME HOST:PORT resolvers NAME ...}, as HAProxy 2.x reads them. A named
 * server's {@code init-addr} is applied, HAProxy's {@code last,libc} when it has none; a template's is checked but its
 * servers start without an address whatever it says (HAProxy refuses to start a template of an SRV name without
 * {@code init-addr none}). {@code resolve-opts} and {@code resolve-net} are accepted and ignored.
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
        Resolution resolution = Resolution.of(line, 4, "server-template '" + prefix + "'");
        adder.add(prefix, count, fqdn, resolution.resolvers(), resolution.preferIpv6(), resolution.options(tls));
    }

    /**
     * {@code server NAME HOST:PORT resolvers R [resolve-prefer ...] [options]}: a named server DNS keeps up to date;
     * with an IP address, a plain server (nothing to resolve, as HAProxy). False when the line has no
     * {@code resolvers}.
     */
    static boolean named(BackendKeywords.Target backend, Line line, TlsImport tls) {
        if (!line.words().contains("resolvers")) {
            return false;
        }
        String name = line.arg(1);
        String address = line.arg(2);
        int colon = address.lastIndexOf(':');
        String host = colon < 0 ? address : address.substring(0, colon);
        Resolution resolution = Resolution.of(line, 3, "server '" + name + "'");
        if (dev.fjord.lb.core.internal.InetAddresses.isLiteral(host) || host.startsWith("[")) {
            backend.server().add(name, address, resolution.options(tls));
        } else {
            String initAddr = resolution.initAddr() != null ? resolution.initAddr() : "last,libc"; // HAProxy's default
            backend.resolvedServer()
                    .add(
                            name,
                            address,
                            resolution.resolvers(),
                            resolution.preferIpv6(),
                            initAddr,
                            resolution.options(tls));
        }
        return true;
    }

    /** The DNS options of a line, and the rest of its server options. */
    private record Resolution(
            String resolvers,
            boolean preferIpv6,
            @org.jspecify.annotations.Nullable String initAddr,
            Line rest) {
        static Resolution of(Line line, int from, String what) {
            String resolvers = null;
            boolean preferIpv6 = false;
            String initAddr = null;
            List<String> options = new ArrayList<>(List.of("server", line.arg(1), "0.0.0.0"));
            for (int i = from; i < line.size(); i++) {
                String word = line.arg(i);
                switch (word) {
                    case "resolvers" -> resolvers = value(line, ++i, word);
                    case "resolve-prefer" -> {
                        String family = value(line, ++i, word);
                        if (!family.equals("ipv4") && !family.equals("ipv6")) {
                            throw new IllegalArgumentException(
                                    "resolve-prefer '" + family + "' (expected: ipv4 or ipv6)");
                        }
                        preferIpv6 = family.equals("ipv6");
                    }
                    case "init-addr" -> initAddr = value(line, ++i, word);
                    case "resolve-opts", "resolve-net" -> value(line, ++i, word);
                    default -> options.add(word);
                }
            }
            if (resolvers == null) {
                throw new IllegalArgumentException(
                        what + " has no resolvers (expected: resolvers NAME, naming a " + "resolvers section)");
            }
            if (initAddr != null) {
                dev.fjord.lb.core.ServerTemplate.initAddr(what, initAddr);
            }
            return new Resolution(resolvers, preferIpv6, initAddr, new Line(line.number(), options));
        }

        java.util.function.Consumer<dev.fjord.lb.core.ServerConfig.Builder> options(TlsImport tls) {
            return s -> ServerOptions.apply(s, rest, 3, tls);
        }
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
