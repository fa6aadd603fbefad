package dev.fjord.lb.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.HaproxyLines.Line;

/** Applies haproxy.cfg directives to the fluent builders; one instance per import, not thread-safe. */
final class HaproxyDirectives {
    /** Process-level directives that mean nothing inside a JVM: accepted and reported as ignored. */
    private static final Set<String> PROCESS_LEVEL = Set.of("chroot", "user", "group", "uid", "gid", "daemon",
            "pidfile", "nbthread", "nbproc", "ulimit-n", "master-worker", "cpu-map", "node", "description", "quiet",
            "debug", "hard-stop-after", "ca-base", "crt-base", "log-send-hostname", "log-tag", "set-dumpable",
            "unix-bind", "expose-experimental-directives", "localpeer", "server-state-file", "server-state-base",
            "ssl-default-bind-ciphers", "ssl-default-bind-options", "ssl-default-server-ciphers",
            "ssl-default-server-options", "ssl-server-verify", "tune.ssl.default-dh-param", "insecure-fork-wanted");

    private final String file;
    private final List<String> ignored = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<Reference> references = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private @Nullable HttpCheck defaultsHttpCheck;
    private @Nullable TcpCheck defaultsTcpCheck;

    /** A backend named by a frontend, to check once every section is read. */
    private record Reference(Line line, String context, String backend) {
    }

    HaproxyDirectives(String file) {
        this.file = file;
    }

    /** The errors found so far, each naming its file and line; reading goes on after each. */
    List<String> errors() {
        return errors;
    }

    /** Runs what one line says; its error is kept, naming the line, and the next line is read. */
    private void attempt(Line line, String context, Runnable step) {
        try {
            step.run();
        } catch (IllegalArgumentException e) {
            errors.add(located(e, line, context).getMessage());
        }
    }

    ImportReport report() {
        return new ImportReport(ignored, warnings);
    }

    ConfigException error(Line line, String context, String message) {
        return new ConfigException(file + ":" + line.number() + ": '" + keywordOf(line) + "' in " + context + ": "
                + message);
    }

    /** {@code e} as it is when it already names its line, else with this line and section in front. */
    private IllegalArgumentException located(IllegalArgumentException e, Line line, String context) {
        String message = String.valueOf(e.getMessage());
        if (message.startsWith(context + ": ")) {
            message = message.substring(context.length() + 2); // a builder's message names the section too
        }
        return message.startsWith(file + ":") ? e : error(line, context, message);
    }

    private static String keywordOf(Line line) {
        String keyword = line.keyword();
        boolean twoWords = Set.of("option", "timeout", "stats", "http-check", "tcp-check", "http-request", "stick",
                "no").contains(keyword) && line.size() > 1;
        return twoWords ? keyword + ' ' + line.arg(1) : keyword;
    }

    void section(ProxyConfig.Builder builder, Line head, List<Line> lines) {
        String kind = head.keyword();
        String name = head.arg(1);
        if (!kind.equals("global") && !kind.equals("defaults") && name.isEmpty()) {
            errors.add(file + ":" + head.number() + ": '" + kind + "' without a name (expected: " + kind + " NAME)");
            return;
        }
        String context = kind.equals("global") || kind.equals("defaults") ? kind : kind + " '" + name + "'";
        try {
            switch (kind) {
                case "global" -> builder.global(g -> lines.forEach(line -> attempt(line, "global", () -> global(g, line))));
                case "defaults" -> {
                    if (head.size() > 2) {
                        throw error(head, context, "'from' and other arguments are not supported");
                    }
                    builder.defaults(d -> {
                        Checks checks = new Checks(defaultsHttpCheck, defaultsTcpCheck);
                        lines.forEach(line -> attempt(line, context, () -> settingOrFail(d, line, context, checks)));
                        checks.apply(d);
                        defaultsHttpCheck = checks.http;
                        defaultsTcpCheck = checks.tcp;
                    });
                }
                case "frontend" -> builder.frontend(name, f -> {
                    legacyBind(head, f::bind, context);
                    Checks checks = new Checks(defaultsHttpCheck, defaultsTcpCheck);
                    for (Line line : lines) {
                        attempt(line, context, () -> {
                            if (!frontendLine(f, line, context) && !setting(f, line, context, checks)) {
                                throw unknown(line, context);
                            }
                        });
                    }
                });
                case "backend" -> builder.backend(name, b -> {
                    if (head.size() > 2) {
                        throw error(head, context, "address after the name (expected: backend NAME)");
                    }
                    Checks checks = new Checks(defaultsHttpCheck, defaultsTcpCheck);
                    for (Line line : lines) {
                        attempt(line, context, () -> {
                            if (!backendLine(b, line, context) && !setting(b, line, context, checks)) {
                                throw unknown(line, context);
                            }
                        });
                    }
                    checks.apply(b);
                });
                default -> builder.listen(name, l -> {
                    legacyBind(head, l::bind, context);
                    Checks checks = new Checks(defaultsHttpCheck, defaultsTcpCheck);
                    for (Line line : lines) {
                        attempt(line, context, () -> {
                            if (!frontendLine(l.frontendPart(), line, context)
                                    && !backendLine(l.backendPart(), line, context) && !setting(l, line, context, checks)) {
                                throw unknown(line, context);
                            }
                        });
                    }
                    checks.apply(l);
                });
            }
        } catch (ConfigException e) {
            errors.add(e.getMessage().startsWith(file + ":") ? e.getMessage()
                    : file + ":" + head.number() + ": " + kind + " '" + name + "': " + e.getMessage());
        }
    }

    /** Checks that every backend a frontend names is defined. */
    void checkReferences(Set<String> defined) {
        for (Reference reference : references) {
            if (!defined.contains(reference.backend())) {
                errors.add(error(reference.line(), reference.context(), "backend '" + reference.backend()
                        + "' is not defined (defined: " + List.copyOf(defined) + ")").getMessage());
            }
        }
    }

    private ConfigException unknown(Line line, String context) {
        return new ConfigException(file + ":" + line.number() + ": unknown keyword '" + keywordOf(line) + "' in "
                + context + " (see the README's table of supported keywords)");
    }

    /** HAProxy 1.x let a frontend or listen section name its address after its name: {@code frontend main *:80}. */
    private void legacyBind(Line head, java.util.function.Consumer<String> bind, String context) {
        for (int i = 2; i < head.size(); i++) {
            for (String address : head.arg(i).split(",")) {
                bindAddress(head, address, bind, context);
            }
        }
    }

    private void bindAddress(Line line, String address, java.util.function.Consumer<String> bind, String context) {
        try {
            bind.accept(address);
        } catch (ConfigException e) {
            throw error(line, context, e.getMessage());
        }
    }

    private void global(GlobalConfig.Builder global, Line line) {
        String keyword = line.keyword();
        try {
            switch (keyword) {
                case "maxconn" -> global.maxConn(HaproxyValues.integer(line.arg(1)));
                case "log" -> global.log(logTarget(line, "global"));
                case "spread-checks" -> global.spreadChecks(HaproxyValues.integer(line.arg(1)));
                case "stats" -> {
                    if (!line.arg(1).equals("socket")) {
                        if (line.arg(1).equals("timeout") || line.arg(1).equals("maxconn")) {
                            ignored.add(file + ":" + line.number() + ": stats " + line.arg(1));
                            return;
                        }
                        throw unknown(line, "global");
                    }
                    global.statsSocket(line.arg(2));
                    if (line.size() > 3) {
                        warnings.add(file + ":" + line.number() + ": stats socket options " + line.words()
                                .subList(3, line.size()) + " ignored (the socket has admin level)");
                    }
                }
                default -> {
                    if (PROCESS_LEVEL.contains(keyword) || keyword.startsWith("tune.")) {
                        ignored.add(file + ":" + line.number() + ": " + String.join(" ", line.words()));
                    } else {
                        throw unknown(line, "global");
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            throw located(e, line, "global");
        }
    }

    private LogTarget logTarget(Line line, String context) {
        if (line.size() < 3) {
            throw error(line, context, "missing facility (expected: log ADDRESS FACILITY [LEVEL])");
        }
        return new LogTarget(line.arg(1), line.arg(2), line.size() > 3 ? line.arg(3) : null);
    }

    /** Health-check lines of a section, applied at its end over what the defaults said. */
    static final class Checks {
        @Nullable HttpCheck http;
        @Nullable TcpCheck tcp;
        boolean touched;

        Checks(@Nullable HttpCheck http, @Nullable TcpCheck tcp) {
            this.http = http;
            this.tcp = tcp;
        }

        void apply(SettingsBuilder<?> settings) {
            if (touched && http != null) {
                settings.httpCheck(http);
            }
            if (touched && tcp != null) {
                settings.tcpCheck(tcp);
            }
        }
    }

    private void settingOrFail(SettingsBuilder<?> settings, Line line, String context, Checks checks) {
        if (!setting(settings, line, context, checks)) {
            throw unknown(line, context);
        }
    }

    /** The keywords of every proxy section; false when {@code line} is none of them. */
    private boolean setting(SettingsBuilder<?> s, Line line, String context, Checks checks) {
        try {
            return HaproxySettings.apply(s, line, checks, warnings, file);
        } catch (IllegalArgumentException e) {
            throw located(e, line, context);
        }
    }

    /** The keywords of a frontend; false when {@code line} is none of them. */
    private boolean frontendLine(FrontendConfig.Builder f, Line line, String context) {
        try {
            switch (line.keyword()) {
                case "bind" -> {
                    if (line.size() < 2) {
                        throw new IllegalArgumentException("missing address (expected: bind ADDRESS)");
                    }
                    if (line.size() > 2) {
                        throw new IllegalArgumentException("bind options " + line.words().subList(2, line.size())
                                + " are not supported yet (TLS and socket options)");
                    }
                    for (String address : line.arg(1).split(",")) {
                        f.bind(address);
                    }
                }
                case "acl" -> {
                    if (line.size() < 3) {
                        throw new IllegalArgumentException("expected: acl NAME CRITERION [FLAGS] [PATTERNS]");
                    }
                    f.acl(line.arg(1), Acl.parse(line.words().subList(2, line.size())));
                }
                case "http-request" -> f.httpRequest(HaproxyRules.httpRequest(line));
                case "use_backend" -> {
                    if (line.size() < 4) {
                        throw new IllegalArgumentException("expected: use_backend NAME if|unless CONDITION");
                    }
                    f.useBackend(line.arg(1), Condition.parse(line.words().subList(2, line.size())));
                    references.add(new Reference(line, context, line.arg(1)));
                }
                case "default_backend" -> {
                    f.defaultBackend(line.arg(1));
                    references.add(new Reference(line, context, line.arg(1)));
                }
                case "stats" -> HaproxyRules.stats(f, line);
                default -> {
                    return false;
                }
            }
            return true;
        } catch (IllegalArgumentException e) {
            throw located(e, line, context);
        }
    }

    /** The keywords of a backend; false when {@code line} is none of them. */
    private boolean backendLine(BackendConfig.Builder b, Line line, String context) {
        try {
            switch (line.keyword()) {
                case "server" -> HaproxyServers.server(b, line);
                case "default-server" -> b.defaultServer(s -> HaproxyServers.options(s, line, 1));
                case "cookie" -> b.cookie(HaproxyRules.cookie(line));
                case "stick-table" -> b.stickTable(HaproxyRules.stickTable(line));
                case "stick" -> {
                    if (!(line.arg(1).equals("on") && line.arg(2).equals("src") && line.size() == 3)) {
                        throw new IllegalArgumentException("only 'stick on src' is supported");
                    }
                }
                case "option" -> {
                    if (!line.arg(1).equals("allbackups")) {
                        return false;
                    }
                    b.allBackups();
                }
                default -> {
                    return false;
                }
            }
            return true;
        } catch (IllegalArgumentException e) {
            throw located(e, line, context);
        }
    }

    static Duration time(Line line, int index) {
        if (index >= line.size()) {
            throw new IllegalArgumentException("missing time (expected: e.g. 10s)");
        }
        return HaproxyValues.time(line.arg(index));
    }

    static String lower(String text) {
        return text.toLowerCase(Locale.ROOT);
    }
}
