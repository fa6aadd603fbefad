package dev.fjord.lb.netty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.Address;
import dev.fjord.lb.core.Backend;
import dev.fjord.lb.core.BackendConfig;
import dev.fjord.lb.core.ConfigException;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.ResolversConfig;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.Server;
import dev.fjord.lb.core.ServerTemplate;

import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * Fills the {@code server-template}s of a running proxy from DNS. Each template is resolved on one event loop, again
 * {@code hold valid} after a valid answer and {@code timeout resolve} after a failed one. A target that appears is
 * added to its backend under the lowest free name (after its checks, when checked); one whose record left the answer is
 * removed once {@code hold obsolete} has passed (its requests in flight finish); a changed SRV weight is applied. While
 * resolutions fail, the servers found last stay for the matching hold ({@code nx} after NXDOMAIN, {@code refused},
 * {@code timeout}, else {@code other}), counted from the last valid answer, then leave. Servers are known by address
 * and port, so a new discovery (after a reconfiguration) adopts those already in the backend. Thread-safe: each
 * template's state lives on its event loop; {@link #close()} from any thread. A named server whose address changes
 * moves in place ({@link Backend#moveServer}), keeping its state.
 */
final class ServiceDiscovery implements AutoCloseable {
    private static final OperatorLog log = OperatorLog.of(ServiceDiscovery.class.getName());

    private final List<TemplateResolution> resolutions = new ArrayList<>();
    private final List<DnsQueries> clients = new ArrayList<>();

    private ServiceDiscovery() {}

    /**
     * Starts resolving every server template of {@code config}; none: nothing runs. A named server missing from its
     * backend that has an address in {@code initial} ({@link InitialAddresses}) joins at it first.
     */
    static ServiceDiscovery start(
            ProxyConfig config,
            Router router,
            EventLoops loops,
            Class<? extends DatagramChannel> datagramType,
            Map<String, String> initial) {
        ServiceDiscovery discovery = new ServiceDiscovery();
        for (BackendConfig backend : config.backends().values()) {
            for (ServerTemplate template : backend.serverTemplates()) {
                ResolversConfig resolvers = config.resolvers().get(template.resolvers());
                if (resolvers == null) {
                    throw new ConfigException("backend '" + backend.name() + "': server-template '" + template.prefix()
                            + "': resolvers '" + template.resolvers() + "' is not defined");
                }
                Backend running = router.backend(backend.name());
                String address = initial.get(InitialAddresses.key(backend.name(), template.prefix()));
                if (template.named() && address != null && running.server(template.prefix()) == null) {
                    running.addServer(template.prefix(), address, s -> s.like(template.prototype()));
                    log.info("backend " + backend.name() + ": server " + template.prefix() + " (" + address
                            + ") joined from init-addr");
                }
                EventLoop loop = loops.workers().next();
                DnsQueries queries = new DnsQueries(resolvers, loop, datagramType, template.preferIpv6());
                discovery.clients.add(queries);
                TemplateResolution resolution = new TemplateResolution(running, template, resolvers, queries, loop);
                discovery.resolutions.add(resolution);
                loop.execute(resolution::resolve);
            }
        }
        return discovery;
    }

    /** The datagram channel type that runs on {@code loops}: epoll's, io_uring's or NIO's. */
    static Class<? extends DatagramChannel> datagramType(EventLoops loops) {
        String socket = loops.channelType().getName();
        if (socket.contains(".epoll.")) {
            return io.netty.channel.epoll.EpollDatagramChannel.class;
        }
        if (socket.contains(".uring.")) {
            return io.netty.channel.uring.IoUringDatagramChannel.class;
        }
        return io.netty.channel.socket.nio.NioDatagramChannel.class;
    }

    /** Stops resolving; the servers found stay as they are. */
    @Override
    public void close() {
        resolutions.forEach(TemplateResolution::stop);
        for (DnsQueries client : clients) {
            try {
                client.close();
            } catch (RuntimeException e) {
                log.debug("closing a DNS client: " + e);
            }
        }
    }

    /** One template's resolution loop and what it has placed; on its event loop. */
    private static final class TemplateResolution {
        private final Backend backend;
        private final ServerTemplate template;
        private final ResolversConfig resolvers;
        private final DnsQueries queries;
        private final EventLoop loop;
        /** The servers placed, by target key ({@code ip:port}), with when their record was last seen. */
        private final Map<String, Placed> placed = new LinkedHashMap<>();

        private long lastValid = System.nanoTime();
        /** Whether the last resolution failed: a change is logged, not each failure. */
        private boolean failing;

        private volatile boolean stopped;
        private @Nullable ScheduledFuture<?> next;

        private record Placed(String name, long seenAt) {}

        TemplateResolution(
                Backend backend,
                ServerTemplate template,
                ResolversConfig resolvers,
                DnsQueries queries,
                EventLoop loop) {
            this.backend = backend;
            this.template = template;
            this.resolvers = resolvers;
            this.queries = queries;
            this.loop = loop;
            adoptExisting();
        }

        /** Takes the servers already in the template's names (a restart of discovery, a reconfiguration). */
        private void adoptExisting() {
            long now = System.nanoTime();
            for (int i = 1; i <= template.count(); i++) {
                Server server = backend.server(template.serverName(i));
                if (server != null) {
                    placed.put(
                            server.config().address().host() + ":"
                                    + server.config().address().port(),
                            new Placed(server.name(), now));
                }
            }
        }

        void resolve() {
            if (stopped) {
                return;
            }
            if (template.srv()) {
                queries.services(template.fqdn(), this::answered);
            } else {
                queries.addresses(template.fqdn(), template.port(), this::answered);
            }
        }

        private void answered(DnsQueries.Answer answer) {
            if (stopped) {
                return;
            }
            try {
                long now = System.nanoTime();
                if (answer.failure() == null) {
                    if (failing) {
                        log.info("backend " + backend.name() + ": " + template.fqdn() + " resolves again");
                        failing = false;
                    }
                    lastValid = now;
                    apply(answer.targets(), now);
                } else {
                    if (!failing) {
                        log.warn("backend " + backend.name() + ": " + template.fqdn() + " does not resolve ("
                                + answer.failure() + ": " + answer.why() + "); its servers stay for the hold");
                        failing = true;
                    }
                    Duration held = switch (answer.failure()) {
                        case NX -> resolvers.holdNx();
                        case REFUSED -> resolvers.holdRefused();
                        case TIMEOUT -> resolvers.holdTimeout();
                        case OTHER -> resolvers.holdOther();
                    };
                    if (now - lastValid > held.toNanos() && !placed.isEmpty()) {
                        log.warn("backend " + backend.name() + ": server-template " + template.prefix() + ": "
                                + template.fqdn() + " unresolved (" + answer.failure() + ") for longer than " + held
                                + ": its servers leave");
                        apply(List.of(), now);
                    }
                }
            } catch (RuntimeException e) {
                log.warn(
                        "backend " + backend.name() + ": server-template " + template.prefix() + ": " + e.getMessage());
            }
            // a valid answer holds for hold valid; after a failure, the next attempt comes at timeout resolve
            Duration wait = answer.failure() == null && resolvers.holdValid().compareTo(resolvers.timeoutResolve()) > 0
                    ? resolvers.holdValid()
                    : resolvers.timeoutResolve();
            next = loop.schedule(this::resolve, wait.toNanos(), TimeUnit.NANOSECONDS);
        }

        /** Makes the backend hold {@code targets}: new ones added, missing ones removed after hold obsolete. */
        private void apply(List<DnsQueries.Target> answer, long now) {
            List<DnsQueries.Target> targets = template.named() ? oneOf(answer) : answer;
            if (template.named() && movedInPlace(targets, now)) {
                return;
            }
            Map<String, DnsQueries.Target> wanted = new HashMap<>();
            targets.forEach(target -> wanted.putIfAbsent(target.key(), target));
            for (Map.Entry<String, Placed> entry : List.copyOf(placed.entrySet())) {
                DnsQueries.Target target = wanted.get(entry.getKey());
                Placed was = entry.getValue();
                if (target != null) {
                    placed.put(entry.getKey(), new Placed(was.name(), now));
                    Server server = backend.server(was.name());
                    if (server != null && target.weight() > 0 && server.weight() != Math.min(target.weight(), 256)) {
                        server.weight(Math.min(target.weight(), 256));
                    }
                } else if (now - was.seenAt() >= resolvers.holdObsolete().toNanos()) {
                    placed.remove(entry.getKey());
                    if (backend.server(was.name()) != null) {
                        backend.removeServer(was.name());
                        log.info("backend " + backend.name() + ": server " + was.name() + " (" + entry.getKey()
                                + ") left " + template.fqdn());
                    }
                }
            }
            for (DnsQueries.Target target : wanted.values()) {
                if (placed.containsKey(target.key())) {
                    continue;
                }
                String name = freeName();
                if (name == null) {
                    log.warn("backend " + backend.name() + ": server-template " + template.prefix() + ": no free "
                            + "name for " + target.key() + " (all " + template.count() + " taken)");
                    continue;
                }
                String address = addressOf(target);
                int weight = target.weight() > 0
                        ? Math.min(target.weight(), 256)
                        : template.prototype().weight();
                backend.addServer(
                        name, address, s -> s.like(template.prototype()).weight(weight));
                placed.put(target.key(), new Placed(name, now));
                log.info("backend " + backend.name() + ": server " + name + " (" + address + ") joined from "
                        + template.fqdn());
            }
        }

        /**
         * Moves a named server whose answer no longer holds its address to the new one, as HAProxy does: its state,
         * counters and persistent clients stay (requests in flight finish at the old address). False when there is
         * nothing to move.
         */
        private boolean movedInPlace(List<DnsQueries.Target> targets, long now) {
            if (targets.isEmpty()
                    || placed.size() != 1
                    || placed.containsKey(targets.get(0).key())) {
                return false;
            }
            Map.Entry<String, Placed> was = placed.entrySet().iterator().next();
            if (backend.server(was.getValue().name()) == null) {
                return false;
            }
            DnsQueries.Target target = targets.get(0);
            backend.moveServer(was.getValue().name(), addressOf(target), "DNS cache");
            placed.clear();
            placed.put(target.key(), new Placed(was.getValue().name(), now));
            log.info("backend " + backend.name() + ": server " + was.getValue().name() + " moved from " + was.getKey()
                    + " to " + target.key() + " (" + template.fqdn() + ")");
            return true;
        }

        private static String addressOf(DnsQueries.Target target) {
            return new Address(target.address().getHostAddress(), target.port()).toString();
        }

        /** A named server's one address: the one it has while the answer holds it, else the answer's first. */
        private List<DnsQueries.Target> oneOf(List<DnsQueries.Target> answer) {
            for (DnsQueries.Target target : answer) {
                if (placed.containsKey(target.key())) {
                    return List.of(target);
                }
            }
            return answer.isEmpty() ? answer : List.of(answer.get(0));
        }

        private @Nullable String freeName() {
            for (int i = 1; i <= template.count(); i++) {
                String name = template.serverName(i);
                if (backend.server(name) == null) {
                    return name;
                }
            }
            return null;
        }

        void stop() {
            stopped = true;
            loop.execute(() -> {
                if (next != null) {
                    next.cancel(false);
                }
            });
        }
    }
}
