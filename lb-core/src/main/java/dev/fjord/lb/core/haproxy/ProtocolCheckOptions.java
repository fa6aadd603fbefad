package dev.fjord.lb.core.haproxy;

import dev.fjord.lb.core.ProtocolChecks;
import dev.fjord.lb.core.TcpCheck;
import dev.fjord.lb.core.haproxy.Lines.Line;

/**
 * HAProxy's protocol check options as {@link TcpCheck} scripts ({@link ProtocolChecks}): {@code option redis-check},
 * {@code option smtpchk [HELO|EHLO DOMAIN]}, {@code option ssl-hello-chk}, {@code option mysql-check [user NAME
 * [post-41|pre-41|post-80]]}, {@code option pgsql-check user NAME}. Stateless.
 */
final class ProtocolCheckOptions {
    /** The options this class reads, after {@code option}. */
    static final java.util.Set<String> NAMES =
            java.util.Set.of("redis-check", "smtpchk", "ssl-hello-chk", "mysql-check", "pgsql-check");

    private ProtocolCheckOptions() {}

    /** The check of {@code line}, an {@code option} line naming one of {@link #NAMES}. */
    static TcpCheck of(Line line) {
        return switch (line.arg(1)) {
            case "redis-check" -> // a PING as a RESP array, +PONG expected
                TcpCheck.create().send("*1\r\n$4\r\nPING\r\n").expectString("+PONG\r\n");
            case "smtpchk" -> {
                String verb = line.arg(2);
                if (verb.equals("HELO") || verb.equals("EHLO")) {
                    if (line.arg(3).isEmpty()) {
                        throw new IllegalArgumentException(
                                "'" + verb + "' needs a domain (expected: option smtpchk " + "[HELO|EHLO DOMAIN])");
                    }
                    yield ProtocolChecks.smtp(verb + " " + line.arg(3));
                }
                yield ProtocolChecks.smtp(null); // HAProxy sends HELO localhost for anything else
            }
            case "ssl-hello-chk" -> ProtocolChecks.sslHello();
            case "mysql-check" -> mysql(line);
            case "pgsql-check" -> {
                if (!line.arg(2).equals("user") || line.arg(3).isEmpty()) {
                    throw new IllegalArgumentException("expected: option pgsql-check user NAME");
                }
                yield ProtocolChecks.pgsql(line.arg(3));
            }
            default -> throw new IllegalStateException("not a protocol check: " + line.arg(1));
        };
    }

    private static TcpCheck mysql(Line line) {
        if (line.size() == 2) {
            return ProtocolChecks.mysql(null, ProtocolChecks.MysqlLogin.POST_41);
        }
        if (!line.arg(2).equals("user") || line.arg(3).isEmpty()) {
            throw new IllegalArgumentException(
                    "'" + line.arg(2) + "' (expected: option mysql-check [user NAME [post-41|pre-41|post-80]])");
        }
        ProtocolChecks.MysqlLogin login = switch (line.arg(4)) {
            case "", "post-41" -> ProtocolChecks.MysqlLogin.POST_41;
            case "pre-41" -> ProtocolChecks.MysqlLogin.PRE_41;
            case "post-80" -> ProtocolChecks.MysqlLogin.POST_80;
            default ->
                throw new IllegalArgumentException("'" + line.arg(4) + "' (expected: post-41, pre-41 or post-80)");
        };
        return ProtocolChecks.mysql(line.arg(3), login);
    }
}
