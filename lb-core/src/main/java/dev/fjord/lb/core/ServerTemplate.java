package dev.fjord.lb.core;

import java.util.List;
import java.util.Objects;

import dev.fjord.lb.core.internal.InetAddresses;

/**
 * A {@code server-template}: up to {@link #count()} servers of a backend, named {@code prefix1} to
 * {@code prefixN}, whose addresses come from DNS at run time. A name starting with {@code _}
 * ({@code _http._tcp.app.internal}) is asked for SRV records, which give each server its target, port and weight
 * ({@code SRV weight / 256 + 1}, as HAProxy); another
 * name is asked for A or AAAA records, each address one server at {@link #port()}. A target that appears takes the
 * lowest free name; one that leaves its answer is removed from the backend once {@code hold obsolete} has passed,
 * finishing its requests in flight. Immutable.
 *
 * <pre>{@code
 * .serverTemplate("web", 5, "_http._tcp.app.internal", "dns", s -> s.check().inter(Duration.ofSeconds(1)))
 * }</pre>
 *
 * @param prefix the servers' names without their number
 * @param count how many servers at most
 * @param fqdn the name resolved
 * @param port the servers' port for A/AAAA answers; 0 for SRV answers, which carry their own
 * @param resolvers the {@link ResolversConfig resolvers section} asked
 * @param preferIpv6 take AAAA answers rather than A ({@code resolve-prefer ipv6}); default A ({@code ipv4})
 * @param prototype every other setting of the servers (checks, weight for A answers, maxconn, ...): its name and
 *     address are placeholders
 * @param named one server called {@code prefix} itself, not numbered: a {@code server NAME HOST:PORT resolvers R}
 *     line, whose address DNS gives and keeps up to date (the first address of the answer)
 * @param initAddr where a named A/AAAA server starts before DNS answers ({@code init-addr}), methods tried in order:
 *     {@code libc} (the system resolver, when the proxy starts), an IP address, {@code none} (start without one and
 *     join once DNS answers), {@code last} (no server-state file: skipped); when none gives an address the proxy
 *     does not start. Empty (the default, and always for templates and SRV names): start without an address
 */
public record ServerTemplate(
        String prefix,
        int count,
        String fqdn,
        int port,
        String resolvers,
        boolean preferIpv6,
        ServerConfig prototype,
        boolean named,
        List<String> initAddr) {

    public ServerTemplate {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(fqdn, "fqdn");
        Objects.requireNonNull(resolvers, "resolvers");
        Objects.requireNonNull(prototype, "prototype");
        initAddr = List.copyOf(initAddr);
    }

    /**
     * The methods of an {@code init-addr} value ({@code last,libc,none}, {@code 10.0.0.5}), checked; {@code what}
     * names the server in the error.
     */
    public static List<String> initAddr(String what, String methods) {
        List<String> list = List.of(methods.split(",", -1));
        for (String method : list) {
            if (!method.equals("last")
                    && !method.equals("libc")
                    && !method.equals("none")
                    && !InetAddresses.isLiteral(method)) {
                throw new ConfigException(Require.prefix(what) + "init-addr '" + methods
                        + "' (expected: last, libc, none or IP addresses, separated by commas)");
            }
        }
        return list;
    }

    /** Whether {@link #fqdn()} is asked for SRV records: it starts with {@code _}. */
    public boolean srv() {
        return fqdn.startsWith("_");
    }

    /** The name of slot {@code index}, from 1: {@code prefix} and the index, or {@code prefix} alone when named. */
    public String serverName(int index) {
        return named ? prefix : prefix + index;
    }
}
