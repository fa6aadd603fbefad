package dev.fjord.lb.netty;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.Address;
import dev.fjord.lb.core.Backend;
import dev.fjord.lb.core.BackendConfig;
import dev.fjord.lb.core.ConfigException;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.ServerTemplate;

/**
 * HAProxy's {@code init-addr}: the address a named server ({@code server NAME FQDN:PORT resolvers R}) starts with,
 * before its resolvers answer, found when the proxy starts or is reconfigured and before anything changes, so that a
 * server no method gives an address to stops the start (or the reconfiguration) with an error naming it. {@code libc}
 * asks the system resolver (blocking the caller), an IP address is taken as it is, {@code none} starts the server
 * without an address, {@code last} takes nothing (Fjord keeps no server-state file). Servers already running keep
 * theirs; templates and SRV names always start without one. {@link #problems} checks a configuration the same way
 * without starting anything, for {@code --check}. Stateless; thread-safe.
 */
public final class InitialAddresses {
    private static final OperatorLog log = OperatorLog.of(ServiceDiscovery.class.getName());

    private InitialAddresses() {}

    /**
     * The initial address ({@code ip:port}) of each named server of {@code config} not running in {@code router}
     * yet that gets one, by {@link #key}.
     *
     * @throws ConfigException when no method of a server's {@code init-addr} gives it an address and none is
     *     {@code none}
     */
    static Map<String, String> resolve(ProxyConfig config, Router router) {
        java.util.List<String> plain = PlainInitialAddresses.problems(config); // servers without resolvers
        if (!plain.isEmpty()) {
            throw new ConfigException(String.join("; ", plain));
        }
        Map<String, String> addresses = new HashMap<>();
        for (BackendConfig backend : config.backends().values()) {
            Backend running = router.backends().stream()
                    .filter(b -> b.name().equals(backend.name()))
                    .findFirst()
                    .orElse(null);
            for (ServerTemplate template : backend.serverTemplates()) {
                if (!template.named()
                        || template.srv()
                        || template.initAddr().isEmpty()
                        || (running != null && running.server(template.prefix()) != null)) {
                    continue;
                }
                InetAddress address = initial(backend.name(), template);
                if (address != null) {
                    addresses.put(
                            key(backend.name(), template.prefix()),
                            new Address(address.getHostAddress(), template.port()).toString());
                }
            }
        }
        return addresses;
    }

    /**
     * What starting {@code config} would refuse because of {@code init-addr}: for each named server that no method
     * gives an address, the error {@link FjordProxy.Builder#start()} would throw. Asks the system resolver (blocking)
     * where a server's methods say {@code libc}.
     */
    public static java.util.List<String> problems(ProxyConfig config) {
        java.util.List<String> problems = new java.util.ArrayList<>(PlainInitialAddresses.problems(config));
        for (BackendConfig backend : config.backends().values()) {
            for (ServerTemplate template : backend.serverTemplates()) {
                if (template.named() && !template.srv() && !template.initAddr().isEmpty()) {
                    try {
                        initial(backend.name(), template);
                    } catch (ConfigException e) {
                        problems.add(e.getMessage());
                    }
                }
            }
        }
        return problems;
    }

    /** The key of server {@code server} of backend {@code backend} in {@link #resolve}'s map. */
    static String key(String backend, String server) {
        return backend + '/' + server;
    }

    private static @Nullable InetAddress initial(String backend, ServerTemplate template) {
        for (String method : template.initAddr()) {
            switch (method) {
                case "none" -> {
                    return null;
                }
                case "last" -> {} // no server-state file to read it from
                case "libc" -> {
                    InetAddress found = lookUp(template.fqdn(), template.preferIpv6());
                    if (found != null) {
                        return found;
                    }
                }
                default -> {
                    try {
                        return InetAddress.getByName(method); // an IP literal, checked at build: no lookup
                    } catch (UnknownHostException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        throw new ConfigException("backend '" + backend + "': server '" + template.prefix() + "': init-addr "
                + String.join(",", template.initAddr()) + ": no address for '" + template.fqdn()
                + "' (expected: a name the system resolver knows, an IP address, or 'none' to start without one)");
    }

    /** The system resolver's first address of the preferred family, else its first; null when it has none. */
    private static @Nullable InetAddress lookUp(String name, boolean preferIpv6) {
        try {
            InetAddress[] all = InetAddress.getAllByName(name);
            for (InetAddress address : all) {
                if ((address instanceof Inet6Address) == preferIpv6) {
                    return address;
                }
            }
            return all.length > 0 ? all[0] : null;
        } catch (UnknownHostException e) {
            log.debug("init-addr libc: " + name + " does not resolve: " + e.getMessage());
            return null;
        }
    }
}
