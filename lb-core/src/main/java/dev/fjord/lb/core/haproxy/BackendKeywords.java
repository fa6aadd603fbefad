package dev.fjord.lb.core.haproxy;

import java.util.function.Consumer;

import dev.fjord.lb.core.BackendConfig;
import dev.fjord.lb.core.Cookie;
import dev.fjord.lb.core.ListenBuilder;
import dev.fjord.lb.core.ServerConfig;
import dev.fjord.lb.core.StickRule;
import dev.fjord.lb.core.StickTable;
import dev.fjord.lb.core.haproxy.Lines.Line;

/**
 * The keywords of a backend, which a {@code listen} section reads too: {@code server}, {@code default-server},
 * {@code server-template}, {@code cookie}, {@code stick-table}, {@code stick on|match|store-request} and
 * {@code option allbackups}.
 */
final class BackendKeywords {
    private BackendKeywords() {}

    /**
     * Where the keywords go: a backend's builder or a listen section's, which have these methods without a common
     * type.
     */
    record Target(
            ServerAdder server,
            TemplateAdder serverTemplate,
            NamedAdder resolvedServer,
            Consumer<Consumer<ServerConfig.Builder>> defaultServer,
            Consumer<Cookie> cookie,
            Consumer<StickTable> stickTable,
            Runnable allBackups,
            Consumer<StickRule> stick) {

        static Target of(BackendConfig.Builder b) {
            return new Target(
                    b::server,
                    b::serverTemplate,
                    b::resolvedServer,
                    b::defaultServer,
                    b::cookie,
                    b::stickTable,
                    b::allBackups,
                    b::stick);
        }

        static Target of(ListenBuilder l) {
            return new Target(
                    l::server,
                    l::serverTemplate,
                    l::resolvedServer,
                    l::defaultServer,
                    l::cookie,
                    l::stickTable,
                    l::allBackups,
                    l::stick);
        }
    }

    /** Adds a server, as {@link BackendConfig.Builder#server(String, String, Consumer)}. */
    @FunctionalInterface
    interface ServerAdder {
        void add(String name, String address, Consumer<ServerConfig.Builder> spec);
    }

    /** Adds a server template, as {@link BackendConfig.Builder#serverTemplate}. */
    @FunctionalInterface
    interface TemplateAdder {
        void add(
                String prefix,
                int count,
                String fqdn,
                String resolvers,
                boolean preferIpv6,
                Consumer<ServerConfig.Builder> spec);
    }

    /** Adds a server DNS keeps up to date, as {@link BackendConfig.Builder#resolvedServer}. */
    @FunctionalInterface
    interface NamedAdder {
        void add(
                String name,
                String fqdn,
                String resolvers,
                boolean preferIpv6,
                String initAddr,
                Consumer<ServerConfig.Builder> spec);
    }

    /** Applies {@code line} to {@code backend}; false when it is none of these keywords. */
    /**
     * The global {@code ssl-default-server-*} settings, as a first {@code default-server} of {@code backend}: under the
     * section's own {@code default-server} and server lines. Nothing without them.
     */
    static void globalServerDefaults(Target backend, TlsImport tls) {
        if (!tls.serverDefaults().isEmpty()) {
            backend.defaultServer().accept(s -> tls.serverDefaults().forEach(s::tlsOptions));
        }
    }

    static boolean apply(Target backend, Line line, TlsImport tls) {
        switch (line.keyword()) {
            case "server" -> server(backend, line, tls);
            case "server-template" -> ServerTemplateLine.apply(backend.serverTemplate(), line, tls);
            case "default-server" -> backend.defaultServer().accept(s -> ServerOptions.apply(s, line, 1, tls));
            case "cookie" -> backend.cookie().accept(cookie(line));
            case "stick-table" -> backend.stickTable().accept(StickKeywords.table(line));
            case "stick" -> backend.stick().accept(StickKeywords.stickRule(line));
            case "option" -> {
                if (!line.arg(1).equals("allbackups")) {
                    return false;
                }
                backend.allBackups().run();
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** {@code server NAME ADDRESS [options]}. */
    private static void server(Target backend, Line line, TlsImport tls) {
        String name = line.arg(1);
        String address = line.arg(2);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("missing name (expected: server NAME ADDRESS [options])");
        }
        if (address.isEmpty() || ServerOptions.isOption(address)) {
            throw new IllegalArgumentException(
                    "server '" + name + "' has no address (expected: server NAME ADDRESS [options])");
        }
        if (!ServerTemplateLine.named(backend, line, tls)) {
            backend.server().add(name, address, s -> ServerOptions.apply(s, line, 3, tls));
        }
    }

    /**
     * {@code cookie NAME [insert|rewrite|prefix] [options]}, in any order as HAProxy reads it; without a mode the
     * cookie is passive (the application sets it).
     */
    private static Cookie cookie(Line line) {
        String name = line.arg(1);
        Cookie cookie = Cookie.passive(name);
        for (int i = 2; i < line.size(); i++) {
            switch (line.arg(i)) {
                case "insert" -> cookie = Cookie.insert(name);
                case "rewrite" -> cookie = Cookie.rewrite(name);
                case "prefix" -> cookie = Cookie.prefix(name);
                default -> {}
            }
        }
        for (int i = 2; i < line.size(); i++) {
            String word = line.arg(i);
            cookie = switch (word) {
                case "insert", "rewrite", "prefix" -> cookie;
                case "indirect" -> cookie.indirect();
                case "nocache" -> cookie.noCache();
                case "postonly" -> cookie.postOnly();
                case "preserve" -> cookie.preserve();
                case "httponly" -> cookie.httpOnly();
                case "secure" -> cookie.secure();
                case "domain" -> cookie.domain(line.arg(++i));
                case "maxidle" -> cookie.maxIdle(Values.time(line, ++i));
                case "maxlife" -> cookie.maxLife(Values.time(line, ++i));
                default ->
                    throw new IllegalArgumentException("option '" + word + "' (expected: insert, rewrite, prefix, "
                            + "indirect, nocache, postonly, preserve, httponly, secure, domain, maxidle or maxlife)");
            };
        }
        return cookie;
    }
}
