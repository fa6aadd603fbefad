package dev.fjord.lb.core;

import java.util.Objects;

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
 */
public record ServerTemplate(
        String prefix,
        int count,
        String fqdn,
        int port,
        String resolvers,
        boolean preferIpv6,
        ServerConfig prototype,
        boolean named) {

    public ServerTemplate {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(fqdn, "fqdn");
        Objects.requireNonNull(resolvers, "resolvers");
        Objects.requireNonNull(prototype, "prototype");
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
