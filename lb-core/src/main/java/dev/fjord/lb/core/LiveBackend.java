package dev.fjord.lb.core;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.random.RandomGenerator;

import org.jspecify.annotations.Nullable;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.fjord.lb.core.internal.IpNetwork;

/**
 * The running {@link Backend}: servers with live state, and an immutable balancing snapshot rebuilt whenever a
 * server's state or weight changes, so picks never lock. The server lifecycle happens here, so its events are made
 * here too: {@link ServerEvent.Added}, {@link ServerEvent.Removed}, {@link ServerEvent.AdminChanged} and the
 * {@link ServerEvent.NoServerAvailable} an operator causes.
 */
final class LiveBackend implements Backend {
    private final BackendConfig config;
    private volatile List<LiveServer> servers;
    private final Map<String, LiveServer> byName;
    private final Map<String, LiveServer> byCookie;
    private final List<Membership> memberships = new CopyOnWriteArrayList<>();
    private final ServerEventListener events;
    private final Ticker ticker;
    private final RandomGenerator random;
    private final Counters counters = new Counters();
    private final @Nullable Cache<InetAddress, LiveServer> stickTable;
    private final @Nullable CookiePersistence cookiePersistence;
    private final @Nullable IpNetwork forwardForExcept;
    private volatile Snapshot snapshot = Snapshot.EMPTY;

    /** The pickers of one moment: over the usable active servers, and over the backups to use when none is. */
    private record Snapshot(ServerPicker active, ServerPicker backup) {
        static final Snapshot EMPTY = new Snapshot(ServerPicker.NONE, ServerPicker.NONE);
    }

    /**
     * @param events hears the lifecycle events of this backend's servers
     * @param ticker the time of stick-table expiry and of state changes in the servers' counters
     */
    LiveBackend(BackendConfig config, RandomGenerator random, Ticker ticker, ServerEventListener events) {
        this.config = config;
        this.random = random;
        this.ticker = ticker;
        this.events = events;
        Map<String, LiveServer> names = new ConcurrentHashMap<>();
        Map<String, LiveServer> cookies = new ConcurrentHashMap<>();
        List<LiveServer> ordered = new ArrayList<>();
        for (ServerConfig server : config.servers()) {
            LiveServer live = new LiveServer(server, this);
            names.put(server.name(), live);
            ordered.add(live);
            if (server.cookie() != null) {
                cookies.put(server.cookie(), live);
            }
        }
        this.byName = names;
        this.byCookie = cookies;
        this.servers = List.copyOf(ordered);
        StickTable table = config.stickTable();
        this.stickTable = table == null
                ? null
                : Caffeine.newBuilder()
                        .maximumSize(table.size())
                        .expireAfterAccess(table.expire())
                        .ticker(ticker::read)
                        .executor(Runnable::run)
                        .build();
        this.cookiePersistence = config.cookie() == null ? null : new CookiePersistence(config.cookie(), this);
        ForwardFor forwardFor = config.settings().forwardFor();
        this.forwardForExcept =
                forwardFor == null || forwardFor.except() == null ? null : IpNetwork.parse(forwardFor.except());
        refresh();
    }

    /** Cookie persistence, or null when the backend has none. */
    @Nullable
    CookiePersistence cookiePersistence() {
        return cookiePersistence;
    }

    /** The network of {@code option forwardfor except}, or null. */
    @Nullable
    IpNetwork forwardForExcept() {
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
    public Counters counters() {
        return counters;
    }

    @Override
    public List<Server> servers() {
        return List.copyOf(servers); // the same immutable list, typed for the API: List.copyOf does not copy it
    }

    /** The servers, in declaration order, as the run-time model has them. */
    List<LiveServer> liveServers() {
        return servers;
    }

    @Override
    public @Nullable Server server(String name) {
        return byName.get(name);
    }

    /** The server whose persistence cookie value is {@code value}, or null. */
    @Nullable
    LiveServer serverByCookie(String value) {
        return byCookie.get(value);
    }

    /**
     * Told of servers added and removed at run time, before the events: what must follow the set of servers, such as
     * their health checks.
     */
    interface Membership {
        void added(LiveServer server);

        void removed(LiveServer server);
    }

    void observe(Membership membership) {
        memberships.add(membership);
    }

    /** Usable servers of the backend, as HAProxy's state-change lines count them. */
    record Usable(int active, int backup) {
        boolean none() {
            return active + backup == 0;
        }
    }

    /** The servers that take load-balanced traffic now, active and backup. */
    Usable usable() {
        int active = 0;
        int backup = 0;
        for (Server server : servers) {
            if (server.isBalanced()) {
                if (server.config().backup()) {
                    backup++;
                } else {
                    active++;
                }
            }
        }
        return new Usable(active, backup);
    }

    /** An operator changed {@code server}'s administrative state: counted, and told in HAProxy's words. */
    void adminChanged(LiveServer server, AdminState from, AdminState to) {
        if (from == to) {
            return;
        }
        server.counters().stateChanged(ticker.read(), server.operationalState() == OperationalState.DOWN);
        Usable left = usable();
        events.onEvent(new ServerEvent.AdminChanged(server, from, to, left.active(), left.backup()));
        if (to != AdminState.READY && left.none()) {
            events.onEvent(new ServerEvent.NoServerAvailable(this));
        }
    }

    @Override
    public Server addServer(String name, String address, java.util.function.Consumer<ServerConfig.Builder> spec) {
        ServerConfig.Builder builder = new ServerConfig.Builder("backend '" + name() + "'", name, address);
        spec.accept(builder);
        ServerConfig config = builder.build();
        LiveServer live;
        synchronized (this) {
            if (byName.containsKey(name)) {
                throw new ConfigException("backend '" + name() + "': server '" + name + "' is defined twice");
            }
            if (config.cookie() != null && byCookie.containsKey(config.cookie())) {
                throw new ConfigException("backend '" + name() + "': server '" + name + "': cookie '" + config.cookie()
                        + "' is already used by server '"
                        + byCookie.get(config.cookie()).name() + "'");
            }
            live = new LiveServer(config, this);
            if (config.check()) {
                live.markDownQuietly(); // checked before it takes traffic
            }
            List<LiveServer> more = new ArrayList<>(servers);
            more.add(live);
            byName.put(name, live);
            if (config.cookie() != null) {
                byCookie.put(config.cookie(), live);
            }
            servers = List.copyOf(more);
            refresh();
        }
        memberships.forEach(membership -> membership.added(live));
        events.onEvent(new ServerEvent.Added(live));
        return live;
    }

    @Override
    public void removeServer(String name) {
        LiveServer removed;
        synchronized (this) {
            removed = byName.remove(name);
            if (removed == null) {
                throw new IllegalArgumentException(
                        "backend '" + name() + "': server '" + name + "' is not defined (defined: "
                                + servers.stream().map(Server::name).toList() + ")");
            }
            if (removed.config().cookie() != null) {
                byCookie.remove(removed.config().cookie());
            }
            List<LiveServer> fewer = new ArrayList<>(servers);
            fewer.remove(removed);
            servers = List.copyOf(fewer);
            removed.adminState(AdminState.MAINT); // refreshes: no new requests, no persistent ones
        }
        memberships.forEach(membership -> membership.removed(removed));
        events.onEvent(new ServerEvent.Removed(removed));
    }

    /** A load-balanced server other than {@code avoid}: an active one, else a backup; null when none is usable. */
    @Override
    public @Nullable Server pick(RequestHead request, @Nullable Server avoid) {
        Snapshot current = snapshot;
        Server server = current.active.pick(request, avoid);
        return server != null ? server : current.backup.pick(request, avoid);
    }

    /** The live server the stick table pins {@code client} to, if it still accepts persistent traffic. */
    @Nullable
    Server stuck(InetAddress client) {
        if (stickTable == null) {
            return null;
        }
        LiveServer server = stickTable.getIfPresent(client);
        return server != null && server.acceptsPersistent() ? server : null;
    }

    /** Pins {@code client} to {@code server} in the stick table, if the backend has one. */
    void stick(InetAddress client, Server server) {
        if (stickTable != null) {
            stickTable.put(client, java.util.Objects.requireNonNull(byName.get(server.name()), server.name()));
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
        snapshot = new Snapshot(
                ServerPicker.of(settings.balance(), settings.hashType(), actives, random),
                ServerPicker.of(settings.balance(), settings.hashType(), backups, random));
    }

    @Override
    public String toString() {
        return "backend " + name() + ' ' + servers;
    }
}
