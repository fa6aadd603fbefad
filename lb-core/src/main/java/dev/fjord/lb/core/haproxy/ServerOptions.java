package dev.fjord.lb.core.haproxy;

import dev.fjord.lb.core.InitState;
import dev.fjord.lb.core.PassiveCheck;
import dev.fjord.lb.core.ProxyProtocol;
import dev.fjord.lb.core.ServerConfig;
import dev.fjord.lb.core.haproxy.Lines.Line;

/** The options of {@code server NAME ADDRESS [options]} and {@code default-server [options]} lines. */
final class ServerOptions {
    private ServerOptions() {}

    /** Whether {@code word} is a server option, so cannot be a server's address. */
    static boolean isOption(String word) {
        return switch (word) {
            case "check",
                    "backup",
                    "disabled",
                    "weight",
                    "cookie",
                    "port",
                    "addr",
                    "inter",
                    "fastinter",
                    "downinter",
                    "rise",
                    "fall",
                    "maxconn",
                    "maxqueue",
                    "slowstart",
                    "observe",
                    "error-limit",
                    "on-error",
                    "init-state",
                    "on-marked-down",
                    "on-marked-up",
                    "send-proxy",
                    "send-proxy-v2",
                    "check-send-proxy",
                    "pool-max-conn",
                    "pool-purge-delay",
                    "init-addr" -> true;
            default -> ServerTlsOptions.OPTIONS.contains(word);
        };
    }

    /** The options of a server line from word {@code from} on. */
    static void apply(ServerConfig.Builder s, Line line, int from, TlsImport tls) {
        if (tls.serverVerifyNone() && !ServerTlsOptions.saysVerify(line, from)) {
            s.tlsOptions(t -> t.verifyNone()); // global ssl-server-verify none
        }
        PassiveCheck.Layer layer = null;
        int errorLimit = 10;
        PassiveCheck.OnError onError = PassiveCheck.OnError.FAIL_CHECK;
        for (int i = from; i < line.size(); i++) {
            String option = line.arg(i);
            switch (option) {
                case "check" -> s.check();
                case "backup" -> s.backup();
                case "disabled" -> s.disabled();
                case "weight" -> s.weight(Values.integer(value(line, ++i, option)));
                case "cookie" -> s.cookie(value(line, ++i, option));
                case "port" -> s.checkPort(Values.integer(value(line, ++i, option)));
                case "addr" -> s.checkAddress(value(line, ++i, option));
                case "inter" -> s.inter(Values.time(line, ++i));
                case "fastinter" -> s.fastInter(Values.time(line, ++i));
                case "downinter" -> s.downInter(Values.time(line, ++i));
                case "rise" -> s.rise(Values.integer(value(line, ++i, option)));
                case "fall" -> s.fall(Values.integer(value(line, ++i, option)));
                case "maxconn" -> s.maxConn(Values.integer(value(line, ++i, option)));
                case "maxqueue" -> s.maxQueue(Values.integer(value(line, ++i, option)));
                case "slowstart" -> s.slowStart(Values.time(line, ++i));
                case "observe" ->
                    layer = switch (value(line, ++i, option)) {
                        case "layer4" -> PassiveCheck.Layer.LAYER4;
                        case "layer7" -> PassiveCheck.Layer.LAYER7;
                        default ->
                            throw new IllegalArgumentException(
                                    "observe '" + line.arg(i) + "' (expected: layer4 or layer7)");
                    };
                case "error-limit" -> errorLimit = Values.integer(value(line, ++i, option));
                case "on-error" ->
                    onError = switch (value(line, ++i, option)) {
                        case "fastinter" -> PassiveCheck.OnError.FASTINTER;
                        case "fail-check" -> PassiveCheck.OnError.FAIL_CHECK;
                        case "sudden-death" -> PassiveCheck.OnError.SUDDEN_DEATH;
                        case "mark-down" -> PassiveCheck.OnError.MARK_DOWN;
                        default ->
                            throw new IllegalArgumentException("on-error '" + line.arg(i)
                                    + "' (expected: fastinter, fail-check, sudden-death or mark-down)");
                    };
                case "init-state" ->
                    s.initState(
                            switch (value(line, ++i, option)) {
                                case "fully-up" -> InitState.FULLY_UP;
                                case "up" -> InitState.UP;
                                case "down" -> InitState.DOWN;
                                case "fully-down" -> InitState.FULLY_DOWN;
                                default ->
                                    throw new IllegalArgumentException("init-state '" + line.arg(i)
                                            + "' (expected: fully-up, up, down or fully-down)");
                            });
                case "on-marked-down" -> {
                    if (!value(line, ++i, option).equals("shutdown-sessions")) {
                        throw new IllegalArgumentException(
                                "on-marked-down '" + line.arg(i) + "' (expected: shutdown-sessions)");
                    }
                    s.shutdownSessionsOnDown();
                }
                case "on-marked-up" -> {
                    if (!value(line, ++i, option).equals("shutdown-backup-sessions")) {
                        throw new IllegalArgumentException(
                                "on-marked-up '" + line.arg(i) + "' (expected: shutdown-backup-sessions)");
                    }
                    s.shutdownBackupSessionsOnUp();
                }
                case "send-proxy" -> s.sendProxy(ProxyProtocol.V1);
                case "send-proxy-v2" -> s.sendProxy(ProxyProtocol.V2);
                case "check-send-proxy" -> s.checkSendProxy();
                case "pool-max-conn" -> {
                    int max = Values.signedInteger(value(line, ++i, option));
                    s.idlePool(p -> p.maxConn(max));
                }
                case "pool-purge-delay" -> {
                    java.time.Duration delay = Values.time(line, ++i);
                    s.idlePool(p -> p.purgeDelay(delay));
                }
                case "init-addr" -> s.initAddr(value(line, ++i, option));
                default -> {
                    int last = ServerTlsOptions.apply(s, line, i, tls);
                    if (last < 0) {
                        throw new IllegalArgumentException("server option '" + option
                                + "' is not supported (see the README's table of supported keywords)");
                    }
                    i = last;
                }
            }
        }
        if (layer != null) {
            s.observe(new PassiveCheck(layer, errorLimit, onError));
        }
    }

    private static String value(Line line, int index, String option) {
        if (index >= line.size()) {
            throw new IllegalArgumentException("'" + option + "' needs a value");
        }
        return line.arg(index);
    }
}
