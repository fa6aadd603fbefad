package dev.fjord.lb.netty;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fjord.lb.core.CookieStatus;
import dev.fjord.lb.core.ProxyProtocol;
import dev.fjord.lb.core.RouteDecision;
import dev.fjord.lb.core.Server;
import dev.fjord.lb.core.ServerSlots;
import dev.fjord.lb.core.ServerTls;
import dev.fjord.lb.core.Settings;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * Gets a connection to the server a decision chose: waits for a slot ({@code maxconn}, {@code maxqueue},
 * {@code timeout queue}), reuses an idle kept-alive connection or connects ({@code timeout connect}), retries
 * ({@code retries}). With {@code option redispatch} a failed connection goes to another server at once, unless the
 * client's cookie pins it to this one and it is still in rotation: then it is retried here after HAProxy's
 * turn-around of min(timeout connect, 1 s), and redispatched on the last retry. Without it, every retry is here,
 * after the turn-around.
 *
 * <p>All calls on {@code loop}. The caller owns the slot from {@link Listener#connected} until {@link #release}.
 */
final class ServerConnector {
    private static final Logger log = LoggerFactory.getLogger(ServerConnector.class);

    /** What becomes of the attempt. */
    interface Listener {
        /** A connection to {@link #server()}; {@code reused}: an idle kept-alive one. */
        void connected(Channel channel, boolean reused);

        /** No connection could be had (the proxy answers 503): {@code why}, in the queue or connecting. */
        void failed(Termination why);
    }

    private final ProxyRuntime runtime;
    private final EventLoop loop;
    /** The client connection, whose addresses a PROXY protocol header tells the server. */
    private final Channel client;

    private final boolean poolable;
    private final Listener listener;
    private final @Nullable ExchangeRecord record;
    private RouteDecision.Forward decision;
    private Server server;
    private int retriesLeft;
    private ServerSlots.@Nullable Waiter waiter;
    private @Nullable ScheduledFuture<?> timer;
    private boolean holdsSlot;
    /** When a queued attempt must have its slot by ({@code System.nanoTime()}), if {@link #queueLimited}. */
    private long queueDeadline;

    private boolean queueLimited;
    private boolean counted;
    /** The pool of the last connection made or reused: its channel goes back there. */
    private @Nullable BackendPool pool;

    private boolean aborted;

    ServerConnector(
            ProxyRuntime runtime,
            Channel client,
            RouteDecision.Forward decision,
            boolean poolable,
            Listener listener,
            @Nullable ExchangeRecord record) {
        this.record = record;
        this.runtime = runtime;
        this.client = client;
        this.loop = client.eventLoop();
        this.decision = decision;
        this.server = decision.server();
        this.poolable = poolable;
        this.listener = listener;
        this.retriesLeft = settings().retries();
    }

    RouteDecision.Forward decision() {
        return decision;
    }

    Server server() {
        return server;
    }

    /** Whether the attempt waits in the server's queue. */
    boolean queued() {
        return waiter != null;
    }

    private Settings settings() {
        return decision.backend().config().settings();
    }

    void start() {
        ServerSlots slots = runtime.slots(server);
        if (slots.tryAcquire()) {
            holdsSlot = true;
            connect(true);
            return;
        }
        if (record != null) {
            record.queueing();
        }
        queueLimited = false;
        waiter = slots.enqueue(() -> loop.execute(this::slotGranted));
        if (waiter == null) {
            listener.failed(Termination.QUEUE_FULL);
            return;
        }
        Duration queueTimeout = settings().timeouts().effectiveQueue();
        if (queueTimeout != null && waiter != null) {
            queueDeadline = System.nanoTime() + queueTimeout.toNanos();
            queueLimited = true;
            ServerSlots.Waiter queued = waiter;
            timer = loop.schedule(
                    () -> {
                        if (queued.cancel()) {
                            waiter = null;
                            listener.failed(Termination.QUEUE_TIMEOUT);
                        }
                    },
                    queueTimeout.toNanos(),
                    TimeUnit.NANOSECONDS);
        }
    }

    private void slotGranted() {
        waiter = null;
        holdsSlot = true;
        cancelTimer();
        if (aborted) {
            release(null, false);
            return;
        }
        if (queueLimited && System.nanoTime() - queueDeadline > 0) {
            // granted on time but run late (a busy event loop): the client has waited beyond timeout queue, as
            // HAProxy counts it; the slot goes to the next waiter, the request gets its 503
            release(null, false);
            listener.failed(Termination.QUEUE_TIMEOUT);
            return;
        }
        connect(true);
    }

    /** Connects again, on a fresh connection, after a reused one died before anything came back. */
    void retryFresh() {
        release(null, false);
        if (!aborted) {
            start0(false);
        }
    }

    private void start0(boolean mayReuse) {
        ServerSlots slots = runtime.slots(server);
        if (slots.tryAcquire()) {
            holdsSlot = true;
            connect(mayReuse);
        } else {
            start();
        }
    }

    private void connect(boolean mayReuse) {
        server.connectionOpened();
        server.counters().sessionStarted();
        server.counters().balanced(dev.fjord.lb.core.Ticker.system().read());
        decision.backend().counters().sessionStarted();
        counted = true;
        if (record != null) {
            record.connecting();
        }
        BackendPool pool = runtime.pool(server, decision.request().localPort());
        this.pool = pool;
        ProxyProtocol sendProxy = server.config().sendProxy();
        // a connection that told the server one client's address is that client's only
        boolean pooled = poolable && sendProxy == ProxyProtocol.NONE;
        ServerTls tls = server.config().tls();
        boolean overTls = tls != null && tls.traffic();
        String sni = tls != null && overTls ? tls.sni(decision.forwardedRequest()) : null;
        if (pooled && mayReuse) {
            Channel idle = settings().httpReuse().shared()
                    ? pool.pollIdle(loop, sni) // a TLS connection only for requests sending its SNI
                    : PrivateConnection.take(client, pool, tls != null, sni);
            if (idle != null) {
                if (record != null) {
                    record.connected(idle);
                }
                listener.connected(idle, true);
                return;
            }
        }
        ChannelFuture future = pool.connect(loop, settings().timeouts().connect(), runtime.limits);
        future.addListener(f -> {
            if (!f.isSuccess()) {
                connectFailed(f.cause());
            } else if (aborted) {
                future.channel().close();
                release(null, false);
            } else {
                if (sendProxy != ProxyProtocol.NONE) {
                    ProxyHeaders.write(
                            future.channel(),
                            sendProxy.header(ClientAddresses.source(client), ClientAddresses.destination(client)));
                }
                if (tls != null && overTls) {
                    handshake(future.channel(), tls, sni);
                    return;
                }
                if (record != null) {
                    record.connected(future.channel());
                }
                listener.connected(future.channel(), false);
            }
        });
    }

    /** TLS to the server: connected once the handshake is done; a failed one is a failed connection. */
    private void handshake(Channel channel, ServerTls tls, @Nullable String sni) {
        io.netty.util.concurrent.Future<Channel> done;
        try {
            done = ServerTlsHandshake.start(
                    channel,
                    runtime.tls.server(tls),
                    tls,
                    sni,
                    settings().timeouts().connect());
        } catch (IllegalArgumentException e) { // a server added at run time whose files cannot be read
            channel.close();
            connectFailed(e);
            return;
        }
        done.addListener(f -> {
            if (!f.isSuccess()) {
                channel.close();
                connectFailed(f.cause());
            } else if (aborted) {
                channel.close();
                release(null, false);
            } else {
                if (record != null) {
                    record.connected(channel);
                }
                listener.connected(channel, false);
            }
        });
    }

    private void connectFailed(Throwable cause) {
        log.debug("connect to {}/{} failed: {}", decision.backend().name(), server.name(), cause.toString());
        runtime.reportConnectFailure(server);
        server.counters().connectionError();
        decision.backend().counters().connectionError();
        release(null, false);
        if (aborted) {
            return;
        }
        if (retriesLeft <= 0) {
            listener.failed(Termination.CONNECT_FAILED);
            return;
        }
        retriesLeft--;
        // another server at once, when redispatch is on: the turn-around only spares a restarting server, so it is
        // for retries on the same one (a client its cookie pins there, until the last retry)
        boolean pinned = decision.cookieStatus() == CookieStatus.VALID && server.acceptsPersistent();
        if (settings().redispatch() && (!pinned || retriesLeft == 0)) {
            if (!(runtime.router.redispatch(decision) instanceof RouteDecision.Forward other)) {
                listener.failed(Termination.NO_OTHER_SERVER);
                return;
            }
            decision = other;
            server = other.server();
            if (record != null) {
                record.retried(true);
            }
            server.counters().retried(true);
            decision.backend().counters().retried(true);
            start();
            return;
        }
        Duration connectTimeout = settings().timeouts().connect();
        long delay = Math.min(connectTimeout == null ? 1000 : connectTimeout.toMillis(), 1000);
        if (record != null) {
            record.retried(false);
        }
        server.counters().retried(false);
        decision.backend().counters().retried(false);
        timer = loop.schedule(this::start, delay, TimeUnit.MILLISECONDS);
    }

    /** Gives back the connection (to the idle pool when {@code reusable}), the slot and the connection count. */
    void release(@Nullable Channel channel, boolean reusable) {
        if (channel != null) {
            if (reusable && poolable && server.config().sendProxy() == ProxyProtocol.NONE && channel.isActive()) {
                // to the pool it came from: one retired since (the server moved or left) closes it
                BackendPool home = pool != null
                        ? pool
                        : runtime.pool(server, decision.request().localPort());
                if (settings().httpReuse().shared()) {
                    home.offerIdle(channel);
                } else {
                    PrivateConnection.keep(client, channel, home);
                }
            } else {
                channel.close();
            }
        }
        if (counted) {
            counted = false;
            server.connectionClosed();
            server.counters().sessionEnded();
            decision.backend().counters().sessionEnded();
        }
        if (holdsSlot) {
            holdsSlot = false;
            runtime.slots(server).release();
        }
    }

    /** Stops trying: leaves the queue, cancels a pending retry, frees what is held. */
    void abort() {
        aborted = true;
        cancelTimer();
        if (waiter != null && waiter.cancel()) {
            waiter = null;
        }
        release(null, false);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
