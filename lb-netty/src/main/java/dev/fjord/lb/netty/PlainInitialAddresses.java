package dev.fjord.lb.netty;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.Address;
import dev.fjord.lb.core.AdminState;
import dev.fjord.lb.core.BackendConfig;
import dev.fjord.lb.core.ConfigException;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.Server;
import dev.fjord.lb.core.ServerConfig;
import dev.fjord.lb.core.internal.InetAddresses;

/**
 * HAProxy's {@code init-addr} for a server written with a name and no {@code resolvers} ({@code server web1 web1:80
 * init-addr last,libc,none}, or from a {@code default-server} line): the first method that gives an address wins.
 * {@code libc}: the name resolves, the server stays as written; an IP address: the server moves there; {@code none}:
 * the server starts in MAINT (HAProxy's "resolution" maintenance; an operator moves it and sets it ready);
 * {@code last}: nothing (no server-state file). Stateless; asks the system resolver, blocking the caller.
 */
final class PlainInitialAddresses {
    private static final OperatorLog log = OperatorLog.of(FjordProxy.class.getName());

    private PlainInitialAddresses() {}

    /** What starting {@code config} would refuse: a server with {@code init-addr} that no method gives an address. */
    static List<String> problems(ProxyConfig config) {
        List<String> problems = new ArrayList<>();
        for (BackendConfig backend : config.backends().values()) {
            for (ServerConfig server : backend.servers()) {
                try {
                    outcome(backend.name(), server);
                } catch (ConfigException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        return problems;
    }

    /**
     * Applies the {@code init-addr} of every server of {@code router} that has one and a name that does not resolve
     * ({@link #problems} checked before, when the configuration was accepted).
     *
     * @throws ConfigException naming a server no method gives an address
     */
    static void apply(Router router) {
        ProxyConfig config = router.config();
        for (BackendConfig backend : config.backends().values()) {
            for (ServerConfig server : backend.servers()) {
                String outcome = outcome(backend.name(), server);
                Server running = router.backend(backend.name()).server(server.name());
                if (outcome == null
                        || running == null
                        || !running.config().address().equals(server.address())) {
                    continue; // resolves, or moved by an operator or by DNS since
                }
                if (outcome.equals("none")) {
                    log.warn("backend " + backend.name() + ": server " + server.name() + ": '"
                            + server.address().host() + "' does not resolve: in MAINT (init-addr none)");
                    running.adminState(AdminState.MAINT);
                } else {
                    router.backend(backend.name())
                            .moveServer(
                                    server.name(),
                                    new Address(outcome, server.address().port()).toString(),
                                    "init-addr");
                }
            }
        }
    }

    /**
     * What {@code server}'s {@code init-addr} gives: null when it needs nothing (no {@code init-addr}, an IP address
     * written, or the name resolves by {@code libc} first), {@code "none"}, or the IP address to move it to.
     *
     * @throws ConfigException when no method gives an address
     */
    private static @Nullable String outcome(String backend, ServerConfig server) {
        String host = server.address().host();
        if (server.initAddr().isEmpty() || server.address().isAny() || InetAddresses.isLiteral(host)) {
            return null;
        }
        for (String method : server.initAddr()) {
            switch (method) {
                case "none" -> {
                    return resolves(host) ? null : "none";
                }
                case "last" -> {} // no server-state file to read it from
                case "libc" -> {
                    if (resolves(host)) {
                        return null;
                    }
                }
                default -> {
                    return method; // an IP literal, checked at build
                }
            }
        }
        throw new ConfigException("backend '" + backend + "': server '" + server.name() + "': init-addr "
                + String.join(",", server.initAddr()) + ": no address for '" + host
                + "' (expected: a name the system resolver knows, an IP address, or 'none' to start in MAINT)");
    }

    private static boolean resolves(String host) {
        try {
            InetAddress.getByName(host);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
