package dev.fjord.lb.netty;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.fjord.lb.core.Address;
import dev.fjord.lb.core.FrontendConfig;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.Reconfiguration;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

/**
 * The frontends as the transport runs them: a {@link FrontendSlot} and the listening sockets of each, bound at
 * start and changed by a reconfiguration, which binds what is new before anything else changes (a bind that fails
 * leaves everything as it was), then lets the router switch, then resumes the new listeners and closes those no
 * longer configured. Thread-safe: changes are serialized.
 */
final class Frontends {
    private final ProxyRuntime runtime;
    private final EventLoops loops;
    private final EventLoop acceptLoop;
    private final Admission admission;
    private final ClientConnections connections;
    private final Map<String, FrontendSlot> slots = new LinkedHashMap<>();
    private final Map<String, Map<Address, Channel>> listeners = new LinkedHashMap<>();

    Frontends(
            ProxyRuntime runtime,
            EventLoops loops,
            EventLoop acceptLoop,
            Admission admission,
            ClientConnections connections) {
        this.runtime = runtime;
        this.loops = loops;
        this.acceptLoop = acceptLoop;
        this.admission = admission;
        this.connections = connections;
    }

    /**
     * Binds every frontend of {@code config}.
     *
     * @throws IllegalStateException naming the frontend and address of a bind that failed; nothing stays bound
     */
    synchronized void start(ProxyConfig config) {
        runtime.tls.prepare(config); // certificates read before anything listens
        Map<String, Map<Address, Channel>> bound = bindNew(config, false);
        listeners.putAll(bound);
        bound.forEach((name, channels) -> channels.values().forEach(channel -> admission.listener(name, channel)));
    }

    /**
     * Applies {@code next}: binds its new addresses paused, runs {@code switchRouter}, then updates what new
     * connections get, resumes the new listeners, closes the listeners no longer configured and retires the
     * connections of frontends removed (they finish the request in flight, then close).
     *
     * @throws IllegalStateException when a new address cannot be bound; then nothing changed
     */
    synchronized Reconfiguration reconfigure(
            ProxyConfig next, java.util.function.Function<ProxyConfig, Reconfiguration> switchRouter) {
        runtime.tls.prepare(next); // a certificate that cannot be read changes nothing
        Map<String, Map<Address, Channel>> bound = bindNew(next, true);
        Reconfiguration changes;
        try {
            changes = switchRouter.apply(next);
        } catch (RuntimeException e) {
            bound.values().forEach(channels -> channels.values().forEach(Channel::close));
            slots.keySet().retainAll(listeners.keySet());
            throw e;
        }
        Map<String, Integer> limits = new LinkedHashMap<>();
        for (FrontendConfig frontend : next.frontends().values()) {
            FrontendSlot slot = slots.get(frontend.name());
            RequestPolicy policy = RequestPolicy.of(next, frontend, runtime.limits);
            if (slot != null) {
                slot.replace(frontend, policy);
            }
            limits.put(frontend.name(), frontend.settings().maxConn());
            Map<Address, Channel> kept = listeners.computeIfAbsent(frontend.name(), name -> new LinkedHashMap<>());
            for (Map.Entry<Address, Channel> old : List.copyOf(kept.entrySet())) {
                if (!frontend.binds().contains(old.getKey())) {
                    kept.remove(old.getKey());
                    old.getValue().close();
                }
            }
            Map<Address, Channel> added = bound.getOrDefault(frontend.name(), Map.of());
            kept.putAll(added);
            added.values().forEach(channel -> admission.listener(frontend.name(), channel));
        }
        for (String removed : changes.frontendsRemoved()) {
            Map<Address, Channel> channels = listeners.remove(removed);
            if (channels != null) {
                channels.values().forEach(Channel::close);
            }
            slots.remove(removed);
            retireConnections(removed);
        }
        admission.reconfigure(next.global().maxConn(), limits); // resumes the new listeners with room
        return changes;
    }

    /** Binds what {@code config} has and is not bound yet; on a failure closes those and throws. */
    private Map<String, Map<Address, Channel>> bindNew(ProxyConfig config, boolean paused) {
        Map<String, Map<Address, Channel>> bound = new LinkedHashMap<>();
        try {
            for (FrontendConfig frontend : config.frontends().values()) {
                Map<Address, Channel> current = listeners.getOrDefault(frontend.name(), Map.of());
                FrontendSlot slot = slots.get(frontend.name());
                if (slot == null) {
                    slot = new FrontendSlot(frontend, RequestPolicy.of(config, frontend, runtime.limits));
                    slots.put(frontend.name(), slot);
                    AtomicInteger count = new AtomicInteger();
                    runtime.frontendConnections.put(frontend.name(), count);
                    admission.frontend(
                            frontend.name(), count, frontend.settings().maxConn());
                }
                for (Address bind : frontend.binds()) {
                    if (!current.containsKey(bind)) {
                        Channel channel = FrontendListener.bind(
                                runtime, loops, acceptLoop, slot, bind, admission, connections, paused);
                        bound.computeIfAbsent(frontend.name(), name -> new LinkedHashMap<>())
                                .put(bind, channel);
                    }
                }
            }
        } catch (RuntimeException e) {
            bound.values().forEach(channels -> channels.values().forEach(Channel::close));
            slots.keySet().retainAll(listeners.keySet()); // the slots of frontends that were to be added
            throw e;
        }
        return bound;
    }

    /** Connections of a frontend no longer configured: closed when idle, else after the request in flight. */
    private void retireConnections(String frontend) {
        for (Channel connection : connections) {
            if (!connection.isRegistered()) {
                continue; // admitted a moment ago: it gets the configuration of the moment it is set up
            }
            connection.eventLoop().execute(() -> {
                HttpProxyHandler handler = connection.pipeline().get(HttpProxyHandler.class);
                if (handler != null && handler.frontend.name().equals(frontend)) {
                    handler.retire();
                }
                Http2Session http2 = connection.pipeline().get(Http2Session.class);
                if (http2 != null && http2.frontend.name().equals(frontend)) {
                    http2.closeGracefully();
                }
            });
        }
    }

    /** Every address {@code frontend} listens on, in bind order, with the real port when a bind said 0. */
    synchronized List<InetSocketAddress> addresses(String frontend) {
        Map<Address, Channel> channels = listeners.get(frontend);
        if (channels == null) {
            throw new IllegalArgumentException(
                    "frontend '" + frontend + "' is not defined (defined: " + List.copyOf(listeners.keySet()) + ")");
        }
        List<InetSocketAddress> addresses = new ArrayList<>(channels.size());
        channels.values().forEach(channel -> addresses.add((InetSocketAddress) channel.localAddress()));
        return addresses;
    }

    /** The names of the frontends that listen, in configuration order. */
    synchronized List<String> names() {
        return List.copyOf(listeners.keySet());
    }

    /** Closes every listening socket, waiting for each. */
    synchronized void closeListeners() {
        listeners
                .values()
                .forEach(channels ->
                        channels.values().forEach(channel -> channel.close().syncUninterruptibly()));
    }
}
