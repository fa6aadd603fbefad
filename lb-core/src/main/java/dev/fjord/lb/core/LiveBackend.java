package dev.fjord.lb.core;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.internal.IpNetwork;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The running {@link Backend}: servers with live state, and an immutable balancing snapshot rebuilt whenever a
 * server's state or weight changes, so picks never lock.
 */
final class LiveBackend implements Backend {
    private final BackendConfig config;
    private final List<Server> servers;
    private final Map<String, LiveServer> byName;
    private final Map<String, LiveServer> byCookie;
    private final RandomGenerator random;
    private final @Nullable Cache<InetAddress, LiveServer> stickTable;
    private final @Nullable CookiePersistence cookiePersistence;
    private final @Nullable IpNetwork forwardForExcept;
    private volatile Snapshot snapshot = Snapshot.EMPTY;

    /** The balancers of one moment: over the usable active servers, and over the backups to use when none is. */
    private record Snapshot(Balancer active, Balancer backup) {
        static final Snapshot EMPTY = new Snapshot((request, avoid) -> null, (request, avoid) -> null);
    }

    LiveBackend(BackendConfig config, RandomGenerator random, Ticker ticker) {
        this.config = config;
        this.random = random;
        Map<String, LiveServer> names = new LinkedHashMap<>();
        Map<String, LiveServer> cookies = new HashMap<>();
        for (ServerConfig server : config.servers()) {
            LiveServer live = new LiveServer(server, this);
            names.put(server.name(), live);
            if (server.cookie() != null) {
                cookies.put(server.cookie(), live);
            }
        }
        this.byName = names;
        this.byCookie = cookies;
        this.servers = List.copyOf(names.values());
        StickTable table = config.stickTable();
        this.stickTable = table == null ? null : Caffeine.newBuilder()
                .maximumSize(table.size())
                .expireAfterAccess(table.expire())
                .ticker(ticker::read)
                .executor(Runnable::run)
                .build();
        this.cookiePersistence = config.cookie() == null ? null : new CookiePersistence(config.cookie(), this);
        ForwardFor forwardFor = config.settings().forwardFor();
        this.forwardForExcept = forwardFor == null || forwardFor.except() == null ? null
                : IpNetwork.parse(forwardFor.except());
        refresh();
    }

    /** Cookie persistence, or null when the backend has none. */
    @Nullable CookiePersistence cookiePersistence() {
        return cookiePersistence;
    }

    /** The network of {@code option forwardfor except}, or null. */
    @Nullable IpNetwork forwardForExcept() {
        return forwardForExcept;
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public BackendConfig config() {
        return config;
    }

    @Override
    public List<Server> servers() {
        return servers;
    }

    @Override
    public @Nullable Server server(String name) {
        return byName.get(name);
    }

    /** The server whose persistence cookie value is {@code value}, or null. */
    @Nullable LiveServer serverByCookie(String value) {
        return byCookie.get(value);
    }

    /** A load-balanced server other than {@code avoid}: an active one, else a backup; null when none is usable. */
    @Nullable Server pick(RequestHead request, @Nullable Server avoid) {
        Snapshot current = snapshot;
        Server server = current.active.pick(request, avoid);
        return server != null ? server : current.backup.pick(request, avoid);
    }

    /** The live server the stick table pins {@code client} to, if it still accepts persistent traffic. */
    @Nullable Server stuck(InetAddress client) {
        if (stickTable == null) {
            return null;
        }
        LiveServer server = stickTable.getIfPresent(client);
        return server != null && server.acceptsPersistent() ? server : null;
    }

    /** Pins {@code client} to {@code server} in the stick table, if the backend has one. */
    void stick(InetAddress client, Server server) {
        if (stickTable != null) {
            stickTable.put(client, byName.get(server.name()));
        }
    }

    /** Rebuilds the balancing snapshot from the servers' current states and weights. */
    synchronized void refresh() {
        List<Server> actives = new ArrayList<>(servers.size());
        List<Server> backups = new ArrayList<>(2);
        for (Server server : servers) {
            if (server.isBalanced()) {
                (server.config().backup() ? backups : actives).add(server);
            }
        }
        if (!config.allBackups() && backups.size() > 1) {
            backups = List.of(backups.get(0));
        }
        Settings settings = config.settings();
        snapshot = new Snapshot(Balancers.create(settings.balance(), settings.hashType(), actives, random),
                Balancers.create(settings.balance(), settings.hashType(), backups, random));
    }

    @Override
    public String toString() {
        return "backend " + name() + ' ' + servers;
    }
}
