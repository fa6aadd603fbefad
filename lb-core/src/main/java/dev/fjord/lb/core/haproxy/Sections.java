package dev.fjord.lb.core.haproxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.ConfigException;
import dev.fjord.lb.core.GlobalConfig;
import dev.fjord.lb.core.HttpCheck;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.SettingsBuilder;
import dev.fjord.lb.core.TcpCheck;
import dev.fjord.lb.core.haproxy.Lines.Line;
import dev.fjord.lb.core.internal.SectionKeywords;

/**
 * Applies each section's lines to the fluent builders, keeping every error (each naming its file and line) and what
 * was ignored; {@code global} keywords are read here, the proxy sections' in the {@code *Keywords} classes. One
 * instance per import, not thread-safe.
 */
final class Sections {
    private final String file;
    private final List<String> ignored = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<Reference> references = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private @Nullable HttpCheck defaultsHttpCheck;
    private @Nullable TcpCheck defaultsTcpCheck;
    /** The {@code default-server} lines of the last {@code defaults} section, which backends and listens start from. */
    private List<Line> defaultsServers = List.of();
    /** crt-base, ca-base, ssl-server-verify: read in global, used by bind and server lines. */
    private final TlsImport tls;

    private final Http2TuneKeywords http2Tune = new Http2TuneKeywords();

    /** A backend named by a frontend, to check once every section is read. */
    private record Reference(Line line, String context, String backend) {}

    private final HttpErrorsSections httpErrors = new HttpErrorsSections();

    /** {@code localpeer} of {@code global}, set by the importer before the sections are read; null: none. */
    @Nullable
    String localPeer;

    Sections(String file) {
        this.file = file;
        this.tls = new TlsImport(file, warnings);
    }

    /** The warnings of the report, e.g. those of the lines' words before any section is read. */
    List<String> warnings() {
        return warnings;
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
        return new ConfigException(
                file + ":" + line.number() + ": '" + keywordOf(line) + "' in " + context + ": " + message);
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
        boolean twoWords = Set.of(
                                "option",
                                "timeout",
                                "stats",
                                "http-check",
                                "tcp-check",
                                "http-request",
                                "tcp-request",
                                "stick",
                                "no",
                                "http-response",
                                "http-after-response")
                        .contains(keyword)
                && line.size() > 1;
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
                case "global" ->
                    builder.global(g -> lines.forEach(line -> attempt(line, "global", () -> global(g, line))));
                case "defaults" -> {
                    if (head.size() > 2) {
                        throw error(head, context, "'from' and other arguments are not supported");
                    }
                    List<Line> servers = new ArrayList<>();
                    builder.defaults(d -> {
                        CheckLines checks = new CheckLines(defaultsHttpCheck, defaultsTcpCheck);
                        lines.forEach(line -> attempt(line, context, () -> {
                            if (line.keyword().equals("default-server")) {
                                checkDefaultServer(line);
                                servers.add(line);
                            } else {
                                settingOrFail(d, line, context, checks);
                            }
                        }));
                        checks.apply(d);
                        defaultsHttpCheck = checks.http;
                        defaultsTcpCheck = checks.tcp;
                    });
                    defaultsServers = List.copyOf(servers); // a defaults section replaces the one before
                }
                case "frontend" ->
                    builder.frontend(name, f -> {
                        legacyBind(head, f::bind, context);
                        CheckLines checks = new CheckLines(defaultsHttpCheck, defaultsTcpCheck);
                        ResponseKeywords.Target responses = ResponseKeywords.Target.of(f, this::warn);
                        for (Line line : FrontendKeywords.monitorFirst(lines)) {
                            attempt(line, context, () -> {
                                if (line.keyword().equals("monitor")) {
                                    FrontendKeywords.monitorFail(
                                            FrontendKeywords.Target.of(f), line, FrontendKeywords.monitorUri(lines));
                                } else if (!ResponseKeywords.apply(responses, line)
                                        && !frontendLine(FrontendKeywords.Target.of(f), line, context)
                                        && !setting(f, line, context, checks)) {
                                    notApplied(line, context);
                                }
                                KnownKeywords.onlyIn(line, SectionKeywords.BACKEND_ONLY, "frontend", "backend");
                            });
                        }
                        responses.end();
                    });
                case "backend" ->
                    builder.backend(name, b -> {
                        if (head.size() > 2) {
                            throw error(head, context, "address after the name (expected: backend NAME)");
                        }
                        CheckLines checks = new CheckLines(defaultsHttpCheck, defaultsTcpCheck);
                        ResponseKeywords.Target responses = ResponseKeywords.Target.of(b, this::warn);
                        BackendKeywords.globalServerDefaults(BackendKeywords.Target.of(b), tls);
                        defaultsServers.forEach(line -> BackendKeywords.apply(BackendKeywords.Target.of(b), line, tls));
                        for (Line line : lines) {
                            attempt(line, context, () -> {
                                if (!BackendKeywords.apply(BackendKeywords.Target.of(b), line, tls)
                                        && !ResponseKeywords.apply(responses, line)
                                        && !backendRequestRule(b, line)
                                        && !setting(b, line, context, checks)) {
                                    notApplied(line, context);
                                }
                                KnownKeywords.onlyIn(line, SectionKeywords.FRONTEND_ONLY, "backend", "frontend");
                            });
                        }
                        checks.apply(b);
                    });
                case "peers" ->
                    builder.peers(name, p -> {
                        if (localPeer != null) {
                            p.localPeer(localPeer);
                        }
                        lines.forEach(line -> attempt(line, context, () -> PeersKeywords.apply(p, line)));
                    });
                case "http-errors" -> { // read first (HaproxyImport), for proxies declared before
                    httpErrors.declare(name);
                    lines.forEach(line -> attempt(line, context, () -> httpErrors.add(name, line)));
                }
                case "userlist" -> {
                    dev.fjord.lb.core.UserList.Builder list = dev.fjord.lb.core.UserList.builder(name);
                    lines.forEach(line -> attempt(line, context, () -> UserListKeywords.apply(list, line)));
                    builder.userList(list.build());
                }
                case "resolvers" ->
                    builder.resolvers(
                            name,
                            r -> lines.forEach(line -> attempt(line, context, () -> ResolversKeywords.apply(r, line))));
                default ->
                    builder.listen(name, l -> {
                        legacyBind(head, l::bind, context);
                        CheckLines checks = new CheckLines(defaultsHttpCheck, defaultsTcpCheck);
                        ResponseKeywords.Target responses = ResponseKeywords.Target.of(l, this::warn);
                        BackendKeywords.globalServerDefaults(BackendKeywords.Target.of(l), tls);
                        defaultsServers.forEach(line -> BackendKeywords.apply(BackendKeywords.Target.of(l), line, tls));
                        for (Line line : FrontendKeywords.monitorFirst(lines)) {
                            attempt(line, context, () -> {
                                if (line.keyword().equals("monitor")) {
                                    FrontendKeywords.monitorFail(
                                            FrontendKeywords.Target.of(l), line, FrontendKeywords.monitorUri(lines));
                                } else if (!ResponseKeywords.apply(responses, line)
                                        && !frontendLine(FrontendKeywords.Target.of(l), line, context)
                                        && !BackendKeywords.apply(BackendKeywords.Target.of(l), line, tls)
                                        && !setting(l, line, context, checks)) {
                                    notApplied(line, context);
                                }
                            });
                        }
                        responses.end();
                        checks.apply(l);
                    });
            }
        } catch (ConfigException e) {
            String message = String.valueOf(e.getMessage());
            errors.add(
                    message.startsWith(file + ":")
                            ? message
                            : file + ":" + head.number() + ": "
                                    + (message.startsWith(context + ": ") ? message : context + ": " + message));
        }
    }

    /** Checks that every backend a frontend names is defined. */
    void checkReferences(Set<String> defined) {
        for (Reference reference : references) {
            if (!defined.contains(reference.backend())) {
                errors.add(error(
                                reference.line(),
                                reference.context(),
                                "backend '" + reference.backend() + "' is not defined (defined: " + List.copyOf(defined)
                                        + ")")
                        .getMessage());
            }
        }
    }

    /** Keeps a warning on {@code line} for the report. */
    private void warn(Line line, String message) {
        warnings.add(file + ":" + line.number() + ": " + message);
    }

    /**
     * The error of a line no keyword class took: "not supported yet" for a keyword HAProxy knows, "unknown" for
     * another.
     */
    private ConfigException unknown(Line line, String context) {
        String known = context.equals("global")
                ? (KnownKeywords.global(line.keyword()) ? keywordOf(line) : null)
                : KnownKeywords.proxy(line);
        if (known != null) {
            return new ConfigException(file + ":" + line.number() + ": '" + known + "' in " + context
                    + " is not supported yet (see the README's table of supported keywords)");
        }
        return new ConfigException(file + ":" + line.number() + ": unknown keyword '" + keywordOf(line) + "' in "
                + context + " (see the README's table of supported keywords)");
    }

    /** A proxy line no keyword class took: reported as ignored when it changes nothing in Fjord, else an error. */
    private void notApplied(Line line, String context) {
        if (!KnownKeywords.ignoredInProxy(line)) {
            throw unknown(line, context);
        }
        ignored.add(file + ":" + line.number() + ": " + String.join(" ", line.words()) + " (in " + context + ")");
    }

    /** HAProxy 1.x let a frontend or listen section name its address after its name: {@code frontend main *:80}. */
    private void legacyBind(Line head, Consumer<String> bind, String context) {
        for (int i = 2; i < head.size(); i++) {
            for (String address : head.arg(i).split(",", -1)) {
                bindAddress(head, address, bind, context);
            }
        }
    }

    private void bindAddress(Line line, String address, Consumer<String> bind, String context) {
        try {
            PortRanges.expand(address).forEach(bind); // :8000-8009: ten binds
        } catch (IllegalArgumentException e) { // a ConfigException too
            throw error(line, context, String.valueOf(e.getMessage()));
        }
    }

    private void global(GlobalConfig.Builder global, Line line) {
        String keyword = line.keyword();
        try {
            switch (keyword) {
                case "maxconn" -> global.maxConn(Values.integer(line.arg(1)));
                case "log" -> global.log(LogLines.target(line));
                case "spread-checks" -> global.spreadChecks(Values.integer(line.arg(1)));
                case "maxzlibmem" -> global.maxZlibMem(Values.integer(line.arg(1)));
                case "localpeer" -> {
                    if (line.size() != 2) {
                        throw new IllegalArgumentException("expected: localpeer NAME");
                    }
                    localPeer = line.arg(1); // read by the peers sections, whichever comes first
                }
                case "crt-base",
                        "ca-base",
                        "ssl-server-verify",
                        "ssl-default-bind-ciphers",
                        "ssl-default-bind-ciphersuites",
                        "ssl-default-bind-curves",
                        "ssl-default-bind-options",
                        "ssl-default-server-ciphers",
                        "ssl-default-server-ciphersuites",
                        "ssl-default-server-options" -> tls.global(line);
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
                        warnings.add(file + ":" + line.number() + ": stats socket options "
                                + line.words().subList(3, line.size()) + " ignored (the socket has admin level)");
                    }
                }
                default -> {
                    if (http2Tune.apply(global, line)) {
                        return;
                    }
                    if (KnownKeywords.PROCESS_LEVEL.contains(keyword) || keyword.startsWith("tune.")) {
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

    /** An {@code http-request} rule of a backend; false when {@code line} is none. */
    private static boolean backendRequestRule(dev.fjord.lb.core.BackendConfig.Builder backend, Line line) {
        if (!line.keyword().equals("http-request")) {
            return false;
        }
        backend.httpRequest(FrontendKeywords.httpRequest(line));
        return true;
    }

    /**
     * Checks a {@code default-server} line of {@code defaults} once, where it is written, on a backend of its own:
     * applied to each backend after, it fails the same way, so its errors are reported here alone.
     */
    private void checkDefaultServer(Line line) {
        dev.fjord.lb.core.ProxyConfig.builder()
                .backend("defaults", b -> BackendKeywords.apply(BackendKeywords.Target.of(b), line, tls));
    }

    private void settingOrFail(SettingsBuilder<?> settings, Line line, String context, CheckLines checks) {
        if (!setting(settings, line, context, checks)) {
            notApplied(line, context);
        }
    }

    /** The keywords of every proxy section; false when {@code line} is none of them. */
    private boolean setting(SettingsBuilder<?> s, Line line, String context, CheckLines checks) {
        try {
            return ProxyKeywords.apply(s, line, checks, warnings, file)
                    || ResponseKeywords.proxyLine(s, line)
                    || httpErrors.apply(s, line);
        } catch (IllegalArgumentException e) {
            throw located(e, line, context);
        }
    }

    /** The keywords of a frontend; false when {@code line} is none of them. */
    private boolean frontendLine(FrontendKeywords.Target frontend, Line line, String context) {
        return FrontendKeywords.apply(
                frontend, line, backend -> references.add(new Reference(line, context, backend)), tls);
    }
}
