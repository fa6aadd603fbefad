package dev.fjord.lb.core;

import dev.fjord.lb.core.HaproxyLines.Line;

/** {@code server NAME ADDRESS [options]} and {@code default-server [options]} lines. */
final class HaproxyServers {
    private HaproxyServers() {
    }

    static void server(BackendConfig.Builder backend, Line line) {
        String name = line.arg(1);
        String address = line.arg(2);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("missing name (expected: server NAME ADDRESS [options])");
        }
        if (address.isEmpty() || isOption(address)) {
            throw new IllegalArgumentException("server '" + name
                    + "' has no address (expected: server NAME ADDRESS [options])");
        }
        backend.server(name, address, s -> options(s, line, 3));
    }

    private static boolean isOption(String word) {
        return switch (word) {
            case "check", "backup", "disabled", "weight", "cookie", "port", "addr", "inter", "fastinter", "downinter",
                    "rise", "fall", "maxconn", "maxqueue", "slowstart", "observe", "error-limit", "on-error",
                    "init-state", "on-marked-down", "on-marked-up" -> true;
            default -> false;
        };
    }

    /** The options of a server line from word {@code from} on. */
    static void options(ServerConfig.Builder s, Line line, int from) {
        PassiveCheck.Layer layer = null;
        int errorLimit = 10;
        PassiveCheck.OnError onError = PassiveCheck.OnError.FAIL_CHECK;
        for (int i = from; i < line.size(); i++) {
            String option = line.arg(i);
            switch (option) {
                case "check" -> s.check();
                case "backup" -> s.backup();
                case "disabled" -> s.disabled();
                case "weight" -> s.weight(HaproxyValues.integer(value(line, ++i, option)));
                case "cookie" -> s.cookie(value(line, ++i, option));
                case "port" -> s.checkPort(HaproxyValues.integer(value(line, ++i, option)));
                case "addr" -> s.checkAddress(value(line, ++i, option));
                case "inter" -> s.inter(HaproxyDirectives.time(line, ++i));
                case "fastinter" -> s.fastInter(HaproxyDirectives.time(line, ++i));
                case "downinter" -> s.downInter(HaproxyDirectives.time(line, ++i));
                case "rise" -> s.rise(HaproxyValues.integer(value(line, ++i, option)));
                case "fall" -> s.fall(HaproxyValues.integer(value(line, ++i, option)));
                case "maxconn" -> s.maxConn(HaproxyValues.integer(value(line, ++i, option)));
                case "maxqueue" -> s.maxQueue(HaproxyValues.integer(value(line, ++i, option)));
                case "slowstart" -> s.slowStart(HaproxyDirectives.time(line, ++i));
                case "observe" -> layer = switch (value(line, ++i, option)) {
                    case "layer4" -> PassiveCheck.Layer.LAYER4;
                    case "layer7" -> PassiveCheck.Layer.LAYER7;
                    default -> throw new IllegalArgumentException("observe '" + line.arg(i)
                            + "' (expected: layer4 or layer7)");
                };
                case "error-limit" -> errorLimit = HaproxyValues.integer(value(line, ++i, option));
                case "on-error" -> onError = switch (value(line, ++i, option)) {
                    case "fastinter" -> PassiveCheck.OnError.FASTINTER;
                    case "fail-check" -> PassiveCheck.OnError.FAIL_CHECK;
                    case "sudden-death" -> PassiveCheck.OnError.SUDDEN_DEATH;
                    case "mark-down" -> PassiveCheck.OnError.MARK_DOWN;
                    default -> throw new IllegalArgumentException("on-error '" + line.arg(i)
                            + "' (expected: fastinter, fail-check, sudden-death or mark-down)");
                };
                case "init-state" -> s.initState(switch (value(line, ++i, option)) {
                    case "fully-up" -> ServerConfig.InitState.FULLY_UP;
                    case "up" -> ServerConfig.InitState.UP;
                    case "down" -> ServerConfig.InitState.DOWN;
                    case "fully-down" -> ServerConfig.InitState.FULLY_DOWN;
                    default -> throw new IllegalArgumentException("init-state '" + line.arg(i)
                            + "' (expected: fully-up, up, down or fully-down)");
                });
                case "on-marked-down" -> {
                    if (!value(line, ++i, option).equals("shutdown-sessions")) {
                        throw new IllegalArgumentException("on-marked-down '" + line.arg(i)
                                + "' (expected: shutdown-sessions)");
                    }
                    s.shutdownSessionsOnDown();
                }
                case "on-marked-up" -> {
                    if (!value(line, ++i, option).equals("shutdown-backup-sessions")) {
                        throw new IllegalArgumentException("on-marked-up '" + line.arg(i)
                                + "' (expected: shutdown-backup-sessions)");
                    }
                    s.shutdownBackupSessionsOnUp();
                }
                default -> throw new IllegalArgumentException("server option '" + option
                        + "' is not supported (see the README's table of supported keywords)");
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
