package dev.fjord.lb.netty;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.Address;
import dev.fjord.lb.core.PeersConfig;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.SharedTable;
import dev.fjord.lb.core.peers.PeerMessage.Define;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * One {@code peers} section at run time: a listener on the local peer's address, a connection to each other peer
 * (kept: reconnected after 50-550 ms, doubling to at most {@link #MAX_BACKOFF_MS}, as HAProxy retries), the tables
 * declared {@code peers NAME} and their local updates pushed to every connected peer. At start it asks the first peer
 * connected for a full resync, then another if that one was not up to date itself, and considers itself up to date
 * after {@link #RESYNC_TIMEOUT_MS} regardless, as HAProxy does. A new connection with a peer replaces the one it had
 * (HAProxy keeps the newest too). Everything runs on one event loop; local updates arrive from any thread.
 */
final class PeerGroup implements AutoCloseable {
    /** HAProxy's {@code PEER_RESYNC_TIMEOUT}. */
    static final long RESYNC_TIMEOUT_MS = 5000;
    /** HAProxy's {@code PEER_RECONNECT_TIMEOUT}: the longest wait before connecting again. */
    static final long MAX_BACKOFF_MS = 5000;

    private static final OperatorLog log = OperatorLog.of(PeerGroup.class.getName());

    /** A peer to connect to, and what it has acknowledged of each table. */
    static final class Remote {
        private final String name;
        private final Address address;
        private @Nullable PeerSession session;
        private int failures;
        private boolean notUpToDate;
        /** A connection attempt is scheduled or under way (one at a time). */
        private boolean connecting;

        private final Map<String, Long> acked = new HashMap<>();

        Remote(String name, Address address) {
            this.name = name;
            this.address = address;
        }

        String name() {
            return name;
        }
    }

    private final PeersConfig config;
    private final Router router;
    private final EventLoop loop;
    private final EventLoops loops;
    private final Map<String, Remote> remotes = new LinkedHashMap<>();
    private final Map<String, Set<Object>> pending = new ConcurrentHashMap<>();
    private final AtomicBoolean flushing = new AtomicBoolean();
    private final List<Runnable> stops = new ArrayList<>();
    private List<SharedTable> tables = List.of();
    private @Nullable Channel listener;
    private @Nullable PeerSession learning;
    private boolean resynced;
    private volatile boolean closed;
    private final ScheduledFuture<?> resyncTimer;

    private PeerGroup(PeersConfig config, Router router, EventLoops loops) {
        this.config = config;
        this.router = router;
        this.loops = loops;
        this.loop = loops.workers().next();
        config.remotePeers().forEach((name, address) -> remotes.put(name, new Remote(name, address)));
        this.resyncTimer = loop.schedule(() -> resynced = true, RESYNC_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Listens on the local peer's address and starts connecting to the others.
     *
     * @throws IllegalStateException naming the address when it cannot be bound
     */
    static PeerGroup start(PeersConfig config, Router router, EventLoops loops) {
        PeerGroup group = new PeerGroup(config, router, loops);
        Address local = config.localAddress();
        try {
            group.listener = new ServerBootstrap()
                    .group(group.loop, group.loop)
                    .channel(loops.serverChannelType())
                    .childHandler(group.initializer(null))
                    .bind(new InetSocketAddress(local.host(), local.port()))
                    .sync()
                    .channel();
        } catch (Exception e) {
            group.close();
            throw new IllegalStateException(
                    "peers '" + config.name() + "': cannot listen on " + local.host() + ":" + local.port()
                            + " for peer '" + config.localPeer() + "': " + e,
                    e);
        }
        group.loop.execute(() -> {
            group.tables(router.sharedTables(config.name()));
            group.remotes.values().forEach(remote -> group.reconnect(remote));
        });
        return group;
    }

    private ChannelInitializer<Channel> initializer(@Nullable Remote remote) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new PeerFrameDecoder(), new PeerSession(PeerGroup.this, remote));
            }
        };
    }

    PeersConfig config() {
        return config;
    }

    String name() {
        return config.name();
    }

    String localPeer() {
        return config.localPeer();
    }

    Collection<String> remoteNames() {
        return remotes.keySet();
    }

    OperatorLog log() {
        return log;
    }

    boolean resynced() {
        return resynced;
    }

    List<SharedTable> tables() {
        return tables;
    }

    /** The remote peer {@code name} (one the handshake checked). */
    Remote remote(String name) {
        return java.util.Objects.requireNonNull(remotes.get(name), name);
    }

    /** This process's id of {@code table} in its definitions: its place among the shared tables, from 1. */
    int localId(SharedTable table) {
        for (int i = 0; i < tables.size(); i++) {
            if (tables.get(i).name().equals(table.name())) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("table '" + table.name() + "' is not shared with peers '" + name() + "'");
    }

    /** The local table a peer's definition is for, or null (its updates are then skipped, as HAProxy does). */
    @Nullable
    SharedTable table(Define remote) {
        return tables.stream()
                .filter(table -> table.accepts(remote))
                .findFirst()
                .orElse(null);
    }

    /** Takes the shared tables now declared (after a reconfiguration), listening to their local updates. */
    void tables(List<SharedTable> next) {
        stops.forEach(Runnable::run);
        stops.clear();
        tables = List.copyOf(next);
        for (SharedTable table : tables) {
            stops.add(table.onLocalUpdate(key -> localUpdate(table, key)));
        }
    }

    /** Refreshes the tables from the router, on the loop. */
    void reconfigured() {
        loop.execute(() -> tables(router.sharedTables(config.name())));
    }

    private void localUpdate(SharedTable table, Object key) {
        pending.computeIfAbsent(table.name(), name -> ConcurrentHashMap.newKeySet())
                .add(key);
        if (flushing.compareAndSet(false, true)) {
            loop.execute(this::flush);
        }
    }

    private void flush() {
        flushing.set(false);
        List<PeerSession> sessions = new ArrayList<>();
        for (Remote remote : remotes.values()) {
            PeerSession session = remote.session;
            if (session != null && session.established()) {
                sessions.add(session);
            }
        }
        for (SharedTable table : tables) {
            Set<Object> keys = pending.get(table.name());
            if (keys == null) {
                continue;
            }
            for (var it = keys.iterator(); it.hasNext(); ) {
                Object key = it.next();
                it.remove(); // a concurrent update of the key adds it again, for the next flush
                sessions.forEach(session -> session.push(table, key));
            }
        }
        sessions.forEach(PeerSession::flush);
    }

    /** A session passed its handshake: it replaces the peer's other one, gets what was not acknowledged. */
    void established(PeerSession session) {
        Remote remote = java.util.Objects.requireNonNull(session.remote(), "remote");
        PeerSession before = remote.session;
        remote.session = session;
        remote.failures = 0;
        if (session.outgoing()) {
            remote.connecting = false;
        }
        if (before != null && before != session) {
            before.close();
        }
        log.info("peers '" + name() + "': connected with " + session.describe());
        for (SharedTable table : tables) {
            long after = remote.acked.getOrDefault(table.name(), 0L);
            table.keysUpdatedAfter(after).forEach(key -> session.push(table, key));
        }
        if (!resynced && learning == null && !remote.notUpToDate) {
            learning = session;
            session.requestResync();
        }
        session.flush();
    }

    /** The peer acknowledged our updates of table {@code localId} up to {@code updateId}. */
    void acked(PeerSession session, int localId, int updateId) {
        Remote remote = session.remote();
        if (remote != null && localId >= 1 && localId <= tables.size()) {
            remote.acked.put(tables.get(localId - 1).name(), Integer.toUnsignedLong(updateId));
        }
    }

    /** The peer asked for a resync finished teaching: up to date itself ({@code finished}) or not. */
    void learnt(PeerSession session, boolean finished) {
        if (session != learning) {
            return;
        }
        learning = null;
        if (finished) {
            resynced = true;
            resyncTimer.cancel(false);
            log.info("peers '" + name() + "': resynchronised from " + session.describe());
            return;
        }
        Remote remote = session.remote();
        if (remote != null) {
            remote.notUpToDate = true;
        }
        for (Remote other : remotes.values()) {
            PeerSession next = other.session;
            if (!other.notUpToDate && next != null && next.established()) {
                learning = next;
                next.requestResync();
                return;
            }
        }
    }

    /** A session closed: the peer is connected to again, unless another session took its place. */
    void closed(PeerSession session) {
        if (session == learning) {
            learning = null;
        }
        Remote remote = session.remote();
        if (remote == null || (remote.session != null && remote.session != session)) {
            return; // a refused caller, or a session another replaced
        }
        if (remote.session == session) {
            remote.session = null;
            log.info("peers '" + name() + "': lost " + session.describe());
        }
        if (session.outgoing()) {
            remote.connecting = false;
        }
        reconnect(remote);
    }

    private void reconnect(Remote remote) {
        if (closed || remote.connecting) {
            return;
        }
        remote.connecting = true;
        long base = Math.min(MAX_BACKOFF_MS, 50L << Math.min(remote.failures, 7));
        long delay = base + ThreadLocalRandom.current().nextLong(500);
        remote.failures++;
        loop.schedule(() -> connect(remote), Math.min(MAX_BACKOFF_MS, delay), TimeUnit.MILLISECONDS);
    }

    private void connect(Remote remote) {
        if (closed || remote.session != null) {
            remote.connecting = false;
            return;
        }
        new Bootstrap()
                .group(loop)
                .channel(loops.channelType())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000)
                .handler(initializer(remote))
                .connect(new InetSocketAddress(remote.address.host(), remote.address.port()))
                .addListener(future -> {
                    if (!future.isSuccess()) {
                        remote.connecting = false;
                        reconnect(remote);
                    }
                });
    }

    /** Stops listening and connecting and closes every session; the tables stay as they are. */
    @Override
    public void close() {
        closed = true;
        resyncTimer.cancel(false);
        Channel open = listener;
        if (open != null) {
            open.close().syncUninterruptibly();
        }
        loop.execute(() -> {
            tables(List.of());
            remotes.values().forEach(remote -> {
                PeerSession session = remote.session;
                if (session != null) {
                    session.close();
                }
            });
        });
    }

    @Override
    public String toString() {
        return "PeerGroup[" + name() + " as " + localPeer() + ", " + remotes.keySet() + "]";
    }
}
