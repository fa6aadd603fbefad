package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.random.RandomGenerator;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.internal.IpNetwork;

/**
 * The running {@link Backend}: servers with live state, and an immutable balancing snapshot rebuilt whenever a
 * server's state or weight changes, so picks never lock. The server lifecycle happens here, so its events are made
 * here too: {@link ServerEvent.Added}, {@link ServerEvent.Removed}, {@link ServerEvent.AdminChanged} and the
 * {@link ServerEvent.NoServerAvailable} an operator causes.
 */
final class LiveBackend implements Backend {
    private volatile BackendConfig config;
    private volatile List<LiveServer> servers;
    /** By name and by cookie value: immutable maps, replaced whole when servers join or leave. */
    private volatile Map<String, LiveServer> byName;

    private volatile Map<String, LiveServer> byCookie;
    private final List<Membership> memberships = new CopyOnWriteArrayList<>();
    private final ServerEventListener events;
    private final Ticker ticker;
    private final RandomGenerator random;
    private final Counters counters = new Counters();
    private final StickTables stickTables;
    private volatile BackendStickRules stickRules;
    private volatile @Nullable CookiePersistence cookiePersistence;
    private volatile @Nullable IpNetwork forwardForExcept;
    private volatile Snapshot snapshot = Snapshot.EMPTY;

    /** The pickers of one moment: over the usable active servers, and over the backups to use when none is. */
    private record Snapshot(ServerPicker active, ServerPicker backup) {
        static final Snapshot EMPTY = new Snapshot(ServerPicker.NONE, ServerPicker.NONE);
    }

    /**
     * @param events hears the lifecycle events of this backend's servers
     * @param ticker the time of state changes in the servers' counters
     * @param stickTables the router's stick tables, which the backend's {@code stick} rules use
     */
    LiveBackend(
            BackendConfig config,
            RandomGenerator random,
            Ticker ticker,
            ServerEventListener events,
            StickTables stickTables) {
        this.config = config;
        this.random = random;
        this.ticker = ticker;
        this.events = events;
        List<LiveServer> ordered = new ArrayList<>();
        for (ServerConfig server : config.servers()) {
            ordered.add(new LiveServer(server, this));
        }
        this.servers = List.copyOf(ordered);
        this.byName = byName(servers);
        this.byCookie = byCookie(servers);
        this.stickTables = stickTables;
        this.stickRules = new BackendStickRules(config, stickTables);
        this.cookiePersistence = config.cookie() == null ? null : new CookiePersistence(config.cookie(), this);
        this.forwardForExcept = forwardForExcept(config);
        refresh();
    }

    private static Map<String, LiveServer> byName(List<LiveServer> servers) {
        Map<String, LiveServer> names = new HashMap<>();
        servers.forEach(server -> names.put(server.name(), server));
        return Map.copyOf(names);
    }

    private static Map<String, LiveServer> byCookie(List<LiveServer> servers) {
        Map<String, LiveServer> cookies = new HashMap<>();
        for (LiveServer server : servers) {
            String cookie = server.config().cookie();
            if (cookie != null) {
                cookies.put(cookie, server);
            }
        }
        return Map.copyOf(cookies);
    }

    private static @Nullable IpNetwork forwardForExcept(BackendConfig config) {
        ForwardFor forwardFor = config.settings().forwardFor();
        return forwardFor == null || forwardFor.except() == null ? null : IpNetwork.parse(forwardFor.except());
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

        /** {@code server} stays with its state, but its configuration (or its backend's checks) changed. */
        void changed(LiveServer server);
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
            live = joining(config);
            List<LiveServer> more = new ArrayList<>(servers);
            more.add(live);
            replaceServers(more);
        }
        memberships.forEach(membership -> membership.added(live));
        events.onEvent(new ServerEvent.Added(live));
        return live;
    }

    /** A new server; checked ones start DOWN, to take traffic once their checks pass. */
    private LiveServer joining(ServerConfig config) {
        LiveServer live = new LiveServer(config, this);
        if (config.check()) {
            live.markDownQuietly();
        }
        return live;
    }

    /** Installs {@code next} as the servers, with their maps, and refreshes the snapshot; holding this lock. */
    private void replaceServers(List<LiveServer> next) {
        servers = List.copyOf(next);
        byName = byName(servers);
        byCookie = byCookie(servers);
        refresh();
    }

    @Override
    public void moveServer(String name, String address, String by) {
        LiveServer server = byName.get(name);
        if (server == null) {
            throw new IllegalArgumentException("backend '" + name() + "': server '" + name + "' is not defined");
        }
        ServerConfig before = server.config();
        ServerConfig moved = new ServerConfig.Builder("backend '" + name() + "'", name, address)
                .like(before)
                .build();
        if (moved.address().equals(before.address())) {
            return;
        }
        server.move(moved);
        events.onEvent(new ServerEvent.Moved(server, before.address(), moved.address(), by));
    }

    @Override
    public void removeServer(String name) {
        LiveServer removed;
        synchronized (this) {
            removed = byName.get(name);
            if (removed == null) {
                throw new IllegalArgumentException(
                        "backend '" + name() + "': server '" + name + "' is not defined (defined: "
                                + servers.stream().map(Server::name).toList() + ")");
            }
            List<LiveServer> fewer = new ArrayList<>(servers);
            fewer.remove(removed);
            replaceServers(fewer);
            removed.adminState(AdminState.MAINT); // refreshes: no new requests, no persistent ones
        }
        memberships.forEach(membership -> membership.removed(removed));
        events.onEvent(new ServerEvent.Removed(removed));
    }

    /**
     * Takes {@code next}, this backend's new configuration: servers of the same name and address stay with their
     * state and take their new configuration, others join or leave as {@link #addServer} and {@link #removeServer}
     * make them; its stick rules are compiled anew (the router keeps the tables). Reports to {@code changes}.
     */
    void reconfigure(BackendConfig next, Reconfiguration.Builder changes) {
        List<LiveServer> joined = new ArrayList<>();
        List<LiveServer> left = new ArrayList<>();
        List<LiveServer> changed = new ArrayList<>();
        synchronized (this) {
            BackendConfig before = config;
            config = next;
            stickRules = new BackendStickRules(next, stickTables);
            if (!java.util.Objects.equals(before.cookie(), next.cookie())) {
                cookiePersistence = next.cookie() == null ? null : new CookiePersistence(next.cookie(), this);
            }
            forwardForExcept = forwardForExcept(next);
            boolean checksChanged = !before.settings().equals(next.settings());
            Map<String, LiveServer> current = byName;
            List<LiveServer> ordered = new ArrayList<>();
            for (ServerConfig server : next.servers()) {
                LiveServer kept = current.get(server.name());
                if (kept != null && kept.config().address().equals(server.address())) {
                    if (!kept.config().equals(server)) {
                        kept.reconfigure(server);
                        changes.serverChanged(name(), server.name());
                        changed.add(kept);
                    } else if (checksChanged) {
                        changed.add(kept); // option httpchk, tcp-check: the same server, checked anew
                    }
                    ordered.add(kept);
                } else {
                    LiveServer live = joining(server); // new, or at another address: a server of its own
                    ordered.add(live);
                    joined.add(live);
                    changes.serverAdded(name(), server.name());
                }
            }
            for (LiveServer old : servers) {
                if (!ordered.contains(old) && next.isTemplateSlot(old.name())) {
                    ordered.add(old); // found by DNS: its server-template stays, so does it, until DNS says otherwise
                } else if (!ordered.contains(old)) {
                    left.add(old);
                    changes.serverRemoved(name(), old.name());
                }
            }
            replaceServers(ordered);
            left.forEach(old -> old.adminState(AdminState.MAINT));
        }
        announce(joined, left, changed);
    }

    /** The backend left the configuration: its servers leave (MAINT, no new request; requests in flight finish). */
    void retire() {
        List<LiveServer> left;
        synchronized (this) {
            left = servers;
            left.forEach(LiveServer::retireQuietly);
            replaceServers(List.of());
        }
        announce(List.of(), left, List.of());
    }

    private void announce(List<LiveServer> joined, List<LiveServer> left, List<LiveServer> changed) {
        for (LiveServer server : left) {
            memberships.forEach(membership -> membership.removed(server));
            events.onEvent(new ServerEvent.Removed(server));
        }
        for (LiveServer server : joined) {
            memberships.forEach(membership -> membership.added(server));
            events.onEvent(new ServerEvent.Added(server));
        }
        for (LiveServer server : changed) {
            memberships.forEach(membership -> membership.changed(server));
        }
    }

    /** A load-balanced server other than {@code avoid}: an active one, else a backup; null when none is usable. */
    @Override
    public @Nullable Server pick(RequestHead request, @Nullable Server avoid) {
        Snapshot current = snapshot;
        Server server = current.active.pick(request, avoid);
        return server != null ? server : current.backup.pick(request, avoid);
    }

    /** The backend's {@code stick} rules. */
    BackendStickRules stickRules() {
        return stickRules;
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
                ServerPicker.of(settings.balance(), settings.hashType(), settings.hashBalanceFactor(), actives, random),
                ServerPicker.of(
                        settings.balance(), settings.hashType(), settings.hashBalanceFactor(), backups, random));
    }

    @Override
    public String toString() {
        return "backend " + name() + ' ' + servers;
    }
}
