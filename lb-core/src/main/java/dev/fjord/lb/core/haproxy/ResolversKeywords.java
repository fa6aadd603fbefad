package dev.fjord.lb.core.haproxy;

import dev.fjord.lb.core.ResolversConfig;
import dev.fjord.lb.core.haproxy.Lines.Line;

/**
 * The keywords of a {@code resolvers} section: {@code nameserver NAME ADDR[:PORT]}, {@code parse-resolv-conf},
 * {@code resolve_retries N}, {@code timeout resolve|retry T}, {@code hold valid|nx|obsolete|refused|timeout|other T}
 * ({@code refused}, {@code timeout} and {@code other} share one value in Fjord: the last one given) and
 * {@code accepted_payload_size N}.
 */
final class ResolversKeywords {
    private ResolversKeywords() {}

    /** Applies {@code line}; an unknown keyword is an error. */
    static void apply(ResolversConfig.Builder r, Line line) {
        switch (line.keyword()) {
            case "nameserver" -> {
                if (line.size() < 3) {
                    throw new IllegalArgumentException("expected: nameserver NAME ADDRESS[:PORT]");
                }
                String address = line.arg(2);
                r.nameserver(address.startsWith("udp@") ? address.substring(4) : address);
            }
            case "parse-resolv-conf" -> r.parseResolvConf();
            case "resolve_retries" -> r.resolveRetries(Values.integer(line.arg(1)));
            case "accepted_payload_size" -> r.acceptedPayloadSize(Values.integer(line.arg(1)));
            case "timeout" -> {
                switch (line.arg(1)) {
                    case "resolve" -> r.timeoutResolve(Values.time(line, 2));
                    case "retry" -> r.timeoutRetry(Values.time(line, 2));
                    default ->
                        throw new IllegalArgumentException(
                                "timeout '" + line.arg(1) + "' (expected: resolve or retry)");
                }
            }
            case "hold" -> {
                switch (line.arg(1)) {
                    case "valid" -> r.holdValid(Values.time(line, 2));
                    case "nx" -> r.holdNx(Values.time(line, 2));
                    case "obsolete" -> r.holdObsolete(Values.time(line, 2));
                    case "refused" -> r.holdRefused(Values.time(line, 2));
                    case "timeout" -> r.holdTimeout(Values.time(line, 2));
                    case "other" -> r.holdOther(Values.time(line, 2));
                    default ->
                        throw new IllegalArgumentException("hold '" + line.arg(1)
                                + "' (expected: valid, nx, obsolete, refused, timeout or other)");
                }
            }
            default ->
                throw new IllegalArgumentException("unknown keyword (expected: nameserver, parse-resolv-conf, "
                        + "resolve_retries, timeout, hold or accepted_payload_size)");
        }
    }
}
