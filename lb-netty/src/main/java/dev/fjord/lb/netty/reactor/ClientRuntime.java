package dev.fjord.lb.netty.reactor;

import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.Backend;
import dev.fjord.lb.core.Balance;
import dev.fjord.lb.core.HealthChecks;
import dev.fjord.lb.core.RequestHead;
import dev.fjord.lb.core.Server;
import dev.fjord.lb.core.ServerSlots;
import dev.fjord.lb.core.Settings;
import dev.fjord.lb.core.Ticker;

/**
 * What every call of one {@link FjordHttpClient} shares: the backend with its run-time state, each server's slots
 * and queue ({@code maxconn}, {@code maxqueue}), the health checks that passive errors feed, and how a call's
 * affinity becomes a server. Thread-safe.
 */
final class ClientRuntime {
    /** What balancers see of a call without a sticky key: hash-based ones fall back as for a request without one. */
    private static final RequestHead NO_KEY = RequestHead.get("/");

    final Backend backend;
    final Settings settings;
    final Ticker ticker;
    final boolean retryNonIdempotent;
    private final Map<Server, ServerSlots> slots = new ConcurrentHashMap<>();
    private final Map<Server, InetSocketAddress> addresses = new ConcurrentHashMap<>();
    /** Active checks, and the passive ones that live calls feed ({@code reportError}, {@code reportSuccess}). */
    final HealthChecks healthChecks;

    ClientRuntime(Backend backend, HealthChecks healthChecks, Ticker ticker, boolean retryNonIdempotent) {
        this.backend = backend;
        this.healthChecks = healthChecks;
        this.settings = backend.config().settings();
        this.ticker = ticker;
        this.retryNonIdempotent = retryNonIdempotent;
    }

    ServerSlots slots(Server server) {
        return slots.computeIfAbsent(
                server, s -> new ServerSlots(s.config().maxConn(), s.config().maxQueue()));
    }

    /** Requests waiting for {@code server} now. */
    int queued(Server server) {
        ServerSlots found = slots.get(server);
        return found == null ? 0 : found.queued();
    }

    /** The most requests that waited for {@code server} at once. */
    int maxQueued(Server server) {
        ServerSlots found = slots.get(server);
        return found == null ? 0 : found.maxQueued();
    }

    /** Where to connect: unresolved, so that Reactor Netty's resolver (not this thread) resolves a host name. */
    InetSocketAddress address(Server server) {
        return addresses.computeIfAbsent(
                server,
                s -> InetSocketAddress.createUnresolved(
                        s.config().address().host(), s.config().address().port()));
    }

    /**
     * The server for one attempt: {@code same} on a retry without redispatch; else the server whose persistence
     * cookie value is {@code cookie}, if it accepts persistent traffic; else the backend's balancer, over the
     * {@code key} when there is one, never {@code avoid} when another server is usable.
     *
     * @throws FjordClientException when no server is usable, or {@code key} cannot be hashed by this backend
     */
    Server choose(@Nullable String key, @Nullable String cookie, @Nullable Server avoid, @Nullable Server same) {
        if (same != null) {
            return same;
        }
        if (cookie != null) {
            for (Server server : backend.servers()) {
                if (cookie.equals(server.config().cookie()) && server.acceptsPersistent() && server != avoid) {
                    return server;
                }
            }
        }
        RequestHead request = key == null ? NO_KEY : requestHashing(key);
        Server server = backend.pick(request, avoid);
        if (server == null && avoid != null) {
            server = backend.pick(request, null); // the server to avoid is the only one left: HAProxy retries it
        }
        if (server == null) {
            throw new FjordClientException(
                    FjordClientException.Reason.NO_SERVER,
                    backend.name(),
                    null,
                    "backend '"
                            + backend.name() + "': no server available (servers: "
                            + backend.servers().stream()
                                    .map(s -> s.name() + ' ' + s.operationalState() + ' ' + s.adminState())
                                    .toList()
                            + "; expected: one UP and READY with weight > 0)");
        }
        return server;
    }

    /** A request whose only content is {@code key}, where this backend's hash-based {@code balance} reads. */
    private RequestHead requestHashing(String key) {
        Balance balance = settings.balance();
        if (balance instanceof Balance.Hdr hdr) {
            return RequestHead.builder().header(hdr.name(), key).build();
        }
        String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8);
        if (balance instanceof Balance.UrlParam param) {
            return RequestHead.builder()
                    .uri("/?" + param.name() + '=' + encoded)
                    .build();
        }
        if (balance instanceof Balance.Uri) {
            return RequestHead.builder().uri('/' + encoded).build();
        }
        if (balance instanceof Balance.Source) {
            try {
                return RequestHead.builder().client(key, 0).build();
            } catch (IllegalArgumentException e) {
                throw notHashable(key, "balance source hashes client addresses: expected an IPv4 or IPv6 literal");
            }
        }
        throw notHashable(
                key,
                "balance " + balance + " hashes nothing; expected a hash-based balance (hdr, "
                        + "url_param, uri or source), e.g. Balance.hdr(\"X-Key\") with HashType.CONSISTENT");
    }

    private FjordClientException notHashable(String key, String why) {
        return new FjordClientException(
                FjordClientException.Reason.KEY_NOT_HASHABLE,
                backend.name(),
                null,
                "backend '" + backend.name() + "': sticky key '" + key + "' cannot be hashed (" + why + ")");
    }
}
