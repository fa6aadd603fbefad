package dev.fjord.lb.core.haproxy;

import java.util.ArrayList;
import java.util.List;

import dev.fjord.lb.core.Balance;
import dev.fjord.lb.core.CompressionAlgorithm;
import dev.fjord.lb.core.ConnectionMode;
import dev.fjord.lb.core.CustomLogFormat;
import dev.fjord.lb.core.ForwardFor;
import dev.fjord.lb.core.HashType;
import dev.fjord.lb.core.HttpCheck;
import dev.fjord.lb.core.HttpReuse;
import dev.fjord.lb.core.LogFormat;
import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.RetryOn;
import dev.fjord.lb.core.SettingsBuilder;
import dev.fjord.lb.core.TcpCheck;
import dev.fjord.lb.core.haproxy.Lines.Line;

/**
 * The keywords every proxy section ({@code defaults}, {@code frontend}, {@code backend}, {@code listen}) shares:
 * mode, limits, timeouts, options, balance, checks.
 */
final class ProxyKeywords {
    private ProxyKeywords() {}

    /** Applies {@code line} to {@code s}; false when it is not one of these keywords. */
    static boolean apply(SettingsBuilder<?> s, Line line, CheckLines checks, List<String> warnings, String file) {
        switch (line.keyword()) {
            case "mode" ->
                s.mode(
                        switch (line.arg(1)) {
                            case "http" -> Mode.HTTP;
                            case "tcp" -> Mode.TCP;
                            default ->
                                throw new IllegalArgumentException("'" + line.arg(1) + "' (expected: http or tcp)");
                        });
            case "maxconn" -> s.maxConn(Values.integer(line.arg(1)));
            case "backlog" -> s.backlog(Values.integer(line.arg(1)));
            case "retries" -> s.retries(Values.integer(line.arg(1)));
            case "balance" -> s.balance(balance(line));
            case "hash-balance-factor" -> s.hashBalanceFactor(Values.integer(line.arg(1)));
            case "http-send-name-header" -> s.sendNameHeader(line.arg(1));
            case "hash-type" ->
                s.hashType(
                        switch (line.arg(1)) {
                            case "map-based" -> HashType.MAP_BASED;
                            case "consistent" -> HashType.CONSISTENT;
                            default ->
                                throw new IllegalArgumentException(
                                        "'" + line.arg(1) + "' (expected: map-based or consistent)");
                        });
            case "timeout" -> timeout(s, line);
            case "contimeout", "clitimeout", "srvtimeout" -> {
                String modern = line.keyword().equals("contimeout")
                        ? "connect"
                        : line.keyword().equals("clitimeout") ? "client" : "server";
                warnings.add(
                        file + ":" + line.number() + ": " + line.keyword() + " is obsolete; read as timeout " + modern);
                timeout(s, new Line(line.number(), List.of("timeout", modern, line.arg(1))));
            }
            case "retry-on" -> {
                List<RetryOn> events = new ArrayList<>();
                for (String word : line.words().subList(1, line.size())) {
                    if (word.equals("all-retryable-errors")) {
                        events.addAll(RetryOn.ALL_RETRYABLE_ERRORS);
                    } else if (!word.equals("none")) {
                        events.add(RetryOn.of(word));
                    }
                }
                s.retryOn(events.toArray(new RetryOn[0]));
            }
            case "log" -> {
                if (line.size() == 2 && line.arg(1).equals("global")) {
                    s.logGlobal(true);
                } else {
                    s.log(LogLines.target(line));
                }
            }
            case "no" -> {
                if (!line.arg(1).equals("log") || line.size() > 2) {
                    return false;
                }
                s.noLog();
            }
            case "log-format" -> {
                if (line.size() != 2) {
                    throw new IllegalArgumentException("expected: log-format \"FORMAT\" (one word: quote it)");
                }
                s.logFormat(line.arg(1));
            }
            case "compression" -> compression(s, line);
            case "http-reuse" -> {
                if (line.size() != 2) {
                    throw new IllegalArgumentException("expected: http-reuse never|safe|aggressive|always");
                }
                s.httpReuse(
                        switch (line.arg(1)) {
                            case "never" -> HttpReuse.NEVER;
                            case "safe" -> HttpReuse.SAFE;
                            case "aggressive" -> HttpReuse.AGGRESSIVE;
                            case "always" -> HttpReuse.ALWAYS;
                            default ->
                                throw new IllegalArgumentException(
                                        "'" + line.arg(1) + "' (expected: never, safe, aggressive or always)");
                        });
            }
            case "unique-id-format" -> {
                if (line.size() != 2) {
                    throw new IllegalArgumentException("expected: unique-id-format \"FORMAT\" (one word: quote it)");
                }
                s.uniqueIdFormat(line.arg(1));
            }
            case "unique-id-header" -> {
                if (line.size() != 2) {
                    throw new IllegalArgumentException("expected: unique-id-header NAME");
                }
                s.uniqueIdHeader(line.arg(1));
            }
            case "option" -> {
                return option(s, line, checks);
            }
            case "tcp-request" ->
                throw new IllegalArgumentException("not supported yet in defaults and backend sections (expected: "
                        + "tcp-request inspect-delay and tcp-request content rules in the frontend or listen section)");
            case "http-check" -> checks.httpCheckLine(line);
            case "tcp-check" -> checks.tcpCheckLine(line);
            default -> {
                return false;
            }
        }
        return true;
    }

    /** {@code compression algo A...}, {@code compression type T...}, {@code compression offload}. */
    private static void compression(SettingsBuilder<?> s, Line line) {
        String what = line.size() < 2 ? "" : line.arg(1);
        switch (what) {
            case "algo" -> {
                if (line.size() < 3) {
                    throw new IllegalArgumentException("expected: compression algo ALGORITHM...");
                }
                line.words()
                        .subList(2, line.size())
                        .forEach(name -> s.compressionAlgorithm(CompressionAlgorithm.of(name)));
            }
            case "type" -> {
                if (line.size() < 3) {
                    throw new IllegalArgumentException("expected: compression type MIME-TYPE...");
                }
                line.words().subList(2, line.size()).forEach(s::compressionType);
            }
            case "offload" -> s.compressionOffload();
            default ->
                throw new IllegalArgumentException("'" + what + "' (expected: compression algo|type|offload; "
                        + "algo-req, algo-res, type-req, type-res and direction are not supported yet)");
        }
    }

    private static Balance balance(Line line) {
        String algorithm = line.size() < 2 ? "roundrobin" : line.arg(1); // 'balance' alone: HAProxy's default
        if (algorithm.startsWith("hdr(") && algorithm.endsWith(")")) {
            return Balance.hdr(algorithm.substring(4, algorithm.length() - 1));
        }
        if (algorithm.startsWith("random")) {
            String draws = algorithm.equals("random") ? "2" : algorithm.substring(7, algorithm.length() - 1);
            return Balance.random(Values.integer(draws));
        }
        return switch (algorithm) {
            case "roundrobin" -> Balance.roundRobin();
            case "static-rr" -> Balance.staticRoundRobin();
            case "leastconn" -> Balance.leastConn();
            case "first" -> Balance.first();
            case "source" -> Balance.source();
            case "uri" -> Balance.uri();
            case "url_param" -> Balance.urlParam(line.arg(2));
            default ->
                throw new IllegalArgumentException("'" + algorithm + "' (expected: roundrobin, static-rr, "
                        + "leastconn, first, source, uri, url_param NAME, hdr(NAME) or random[(DRAWS)])");
        };
    }

    private static void timeout(SettingsBuilder<?> s, Line line) {
        var value = Values.time(line, 2);
        switch (line.arg(1)) {
            case "http-request" -> s.timeoutHttpRequest(value);
            case "queue" -> s.timeoutQueue(value);
            case "connect" -> s.timeoutConnect(value);
            case "client" -> s.timeoutClient(value);
            case "server" -> s.timeoutServer(value);
            case "http-keep-alive" -> s.timeoutHttpKeepAlive(value);
            case "check" -> s.timeoutCheck(value);
            case "tunnel" -> s.timeoutTunnel(value);
            case "client-fin" -> s.timeoutClientFin(value);
            case "server-fin" -> s.timeoutServerFin(value);
            case "tarpit" -> s.timeoutTarpit(value);
            default ->
                throw new IllegalArgumentException("'" + line.arg(1) + "' (expected: http-request, queue, "
                        + "connect, client, server, http-keep-alive, check, tunnel, client-fin, server-fin or "
                        + "tarpit)");
        }
    }

    private static boolean option(SettingsBuilder<?> s, Line line, CheckLines checks) {
        switch (line.arg(1)) {
            case "redispatch" -> s.redispatch(true);
            case "abortonclose" -> s.abortOnClose(true);
            case "http-buffer-request" -> s.bufferRequest(true);
            case "httplog" -> {
                s.logFormat(LogFormat.HTTP);
                if (line.arg(2).equals("clf")) {
                    s.logFormat(CustomLogFormat.HTTP_CLF);
                } else if (line.size() > 2) {
                    throw new IllegalArgumentException("'" + line.arg(2) + "' (expected: option httplog [clf])");
                }
            }
            case "dontlog-normal" -> s.dontLogNormal(true);
            case "http-ignore-probes" -> s.ignoreProbes(true);
            case "log-separate-errors" -> s.logSeparateErrors(true);
            case "log-health-checks" -> s.logHealthChecks(true);
            case "allbackups" -> s.allBackups(true);
            case "tcplog" -> s.logFormat(LogFormat.TCP);
            case "dontlognull" -> s.dontLogNull(true);
            case "http-server-close" -> s.connectionMode(ConnectionMode.HTTP_SERVER_CLOSE);
            case "httpclose", "forceclose" -> s.connectionMode(ConnectionMode.HTTP_CLOSE);
            case "http-keep-alive" -> s.connectionMode(ConnectionMode.KEEP_ALIVE);
            case "forwardfor" -> s.forwardFor(forwardFor(line));
            case "httpchk" -> {
                List<String> args = line.words().subList(2, line.size());
                HttpCheck check = switch (args.size()) {
                    case 0 -> HttpCheck.defaults();
                    case 1 -> HttpCheck.of("OPTIONS", args.get(0));
                    case 2 -> HttpCheck.of(args.get(0), args.get(1));
                    default -> versionWithHeaders(HttpCheck.of(args.get(0), args.get(1)), args);
                };
                if (checks.http != null) {
                    check = new HttpCheck(
                            check.method(),
                            check.uri(),
                            check.version(),
                            check.headers().isEmpty() ? checks.http.headers() : check.headers(), // the line's own
                            checks.http.expect(),
                            checks.http.isDisableOn404());
                }
                checks.http = check;
                checks.touched = true;
            }
            case "tcp-check" -> {
                checks.tcp = checks.tcp == null ? TcpCheck.create() : checks.tcp;
                checks.touched = true;
            }
            case "redis-check", "smtpchk", "ssl-hello-chk", "mysql-check", "pgsql-check" -> {
                checks.tcp = ProtocolCheckOptions.of(line);
                checks.touched = true;
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /**
     * The version of {@code option httpchk METHOD URI VERSION}, and the request headers older configurations append
     * to it ({@code HTTP/1.1\r\nHost:\ www.example.com}, HAProxy 1.x's way before {@code http-check send}): the
     * text after each line break is a {@code Name: value} header; words after the version continue it.
     */
    private static HttpCheck versionWithHeaders(HttpCheck check, List<String> args) {
        String text = String.join(" ", args.subList(2, args.size()));
        String[] lines = text.split("\r?\n", -1);
        HttpCheck withVersion = check.version(lines[0]);
        for (int i = 1; i < lines.length; i++) {
            String field = lines[i];
            if (field.isBlank()) {
                continue;
            }
            int colon = field.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("httpchk: header line '" + field
                        + "' after the version (expected: Name: value, as in HTTP/1.1\\r\\nHost:\\ example.com)");
            }
            withVersion = withVersion.header(
                    field.substring(0, colon).strip(),
                    field.substring(colon + 1).strip());
        }
        return withVersion;
    }

    private static ForwardFor forwardFor(Line line) {
        ForwardFor option = ForwardFor.enabled();
        for (int i = 2; i < line.size(); i++) {
            switch (line.arg(i)) {
                case "except" -> option = new ForwardFor(option.header(), line.arg(++i), option.onlyIfAbsent());
                case "header" -> option = option.header(line.arg(++i));
                case "if-none" -> option = option.ifNone();
                default ->
                    throw new IllegalArgumentException(
                            "'" + line.arg(i) + "' (expected: except NETWORK, header NAME or if-none)");
            }
        }
        return option;
    }
}
