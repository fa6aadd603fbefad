package dev.fjord.lb.netty;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.SharedTable;
import dev.fjord.lb.core.peers.PeerEncoder;
import dev.fjord.lb.core.peers.PeerHandshake;
import dev.fjord.lb.core.peers.PeerMessage;
import dev.fjord.lb.core.peers.PeerMessage.Control;
import dev.fjord.lb.core.peers.PeerMessage.Define;
import dev.fjord.lb.core.peers.PeerProtocolException;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * One connection with a peer, either way: the handshake (sent when connecting, checked when accepting), then
 * HAProxy's messages. It learns the updates the peer sends into the matching shared tables and acknowledges them
 * after each read; pushes local updates its {@link PeerGroup} hands it, defining each table once; teaches every
 * entry when the peer asks for a resync; sends a heartbeat after {@link #HEARTBEAT} without writing and closes after
 * {@link #SILENCE} without reading. New per connection; everything runs on the group's event loop.
 */
final class PeerSession extends ChannelInboundHandlerAdapter {
    /** HAProxy's {@code PEER_HEARTBEAT_TIMEOUT}: a heartbeat after 3 s without a message sent. */
    static final long HEARTBEAT = TimeUnit.SECONDS.toNanos(3);
    /** A peer silent this long (it heartbeats every 3 s) is gone; HAProxy allows 5 to 10 s. */
    static final long SILENCE = TimeUnit.SECONDS.toNanos(8);

    private final PeerGroup group;
    private final boolean outgoing;
    private PeerGroup.@Nullable Remote remote;
    private final List<String> hello = new ArrayList<>();
    private @Nullable Channel channel;
    private boolean established;
    /** What the peer defined, by its table id: the matching local table, or none (its updates are skipped). */
    private final Map<Integer, SharedTable> remoteTables = new HashMap<>();

    private int currentRemote = -1;
    private final Map<Integer, Integer> lastUpdates = new HashMap<>();
    private final Set<Integer> toAck = new LinkedHashSet<>();
    /** The tables defined to the peer on this connection, by name, and the one the last update was for. */
    private final Map<String, Define> defined = new HashMap<>();

    private @Nullable String currentLocal;
    private long lastRead = System.nanoTime();
    private long lastWrite = System.nanoTime();
    private @Nullable ScheduledFuture<?> timer;

    /** A connection to {@code remote} ({@code outgoing}) or from a peer not known until its hello. */
    PeerSession(PeerGroup group, PeerGroup.@Nullable Remote remote) {
        this.group = group;
        this.remote = remote;
        this.outgoing = remote != null;
    }

    PeerGroup.@Nullable Remote remote() {
        return remote;
    }

    boolean outgoing() {
        return outgoing;
    }

    boolean established() {
        return established;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        PeerGroup.Remote to = remote;
        if (to != null) {
            write(PeerHandshake.hello(
                            to.name(),
                            group.localPeer(),
                            ProcessHandle.current().pid())
                    .getBytes(StandardCharsets.US_ASCII));
            ctx.flush();
        }
        timer = ctx.executor().scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ScheduledFuture<?> running = timer;
        if (running != null) {
            running.cancel(false);
        }
        group.closed(this);
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        lastRead = System.nanoTime();
        if (message instanceof String line) {
            handshake(ctx, line);
        } else if (message instanceof PeerMessage peerMessage && established) {
            receive(ctx, peerMessage);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        for (int table : toAck) {
            write(PeerEncoder.ack(table, lastUpdates.getOrDefault(table, 0)));
        }
        toAck.clear();
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable reason = cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null
                ? cause.getCause()
                : cause;
        if (reason instanceof PeerProtocolException) {
            group.log().warn("peers '" + group.name() + "': " + describe() + ": " + reason.getMessage());
            if (established) {
                // protocol error, as HAProxy; closed once written (on io_uring the write completes later)
                ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1, 0}))
                        .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
                return;
            }
        }
        ctx.close();
    }

    private void handshake(ChannelHandlerContext ctx, String line) {
        if (outgoing) {
            if (!line.equals(String.valueOf(PeerHandshake.SUCCESS))) {
                group.log().warn("peers '" + group.name() + "': " + describe() + " answered " + line);
                ctx.close();
                return;
            }
            start(ctx);
            return;
        }
        hello.add(line);
        if (hello.size() < 3) {
            return;
        }
        PeerHandshake.Hello answer = PeerHandshake.accept(hello, group.localPeer(), group.remoteNames());
        ctx.writeAndFlush(Unpooled.copiedBuffer(PeerHandshake.status(answer.status()), StandardCharsets.US_ASCII));
        if (answer.status() != PeerHandshake.SUCCESS) {
            group.log()
                    .warn("peers '" + group.name() + "': refused "
                            + ctx.channel().remoteAddress() + " with " + answer.status() + " (hello " + hello + ")");
            ctx.channel().writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        remote = group.remote(answer.peer());
        start(ctx);
    }

    private void start(ChannelHandlerContext ctx) {
        PeerFrameDecoder frames = ctx.pipeline().get(PeerFrameDecoder.class);
        if (frames != null) {
            frames.messages();
        }
        established = true;
        group.established(this);
        ctx.flush();
    }

    private void receive(ChannelHandlerContext ctx, PeerMessage message) {
        if (message instanceof Control control) {
            control(control);
        } else if (message instanceof PeerMessage.Failure failure) {
            group.log().warn("peers '" + group.name() + "': " + describe() + " sent error " + failure.type());
            ctx.close();
        } else if (message instanceof Define define) {
            SharedTable local = group.table(define);
            if (local != null) {
                remoteTables.put(define.tableId(), local);
            } else {
                remoteTables.remove(define.tableId());
            }
            currentRemote = define.tableId();
        } else if (message instanceof PeerMessage.Switch to) {
            currentRemote = to.tableId();
        } else if (message instanceof PeerMessage.Update update) {
            SharedTable table = remoteTables.get(currentRemote);
            if (table != null) {
                table.learn(update);
            }
            lastUpdates.put(currentRemote, update.updateId());
            toAck.add(currentRemote);
        } else if (message instanceof PeerMessage.Ack ack) {
            group.acked(this, ack.tableId(), ack.updateId());
        }
    }

    private void control(Control control) {
        if (control.equals(Control.RESYNC_REQUEST)) {
            teach();
        } else if (control.equals(Control.RESYNC_FINISHED) || control.equals(Control.RESYNC_PARTIAL)) {
            write(PeerEncoder.control(Control.RESYNC_CONFIRM));
            group.learnt(this, control.equals(Control.RESYNC_FINISHED));
        }
    }

    /** Asks the peer for every entry it has. */
    void requestResync() {
        write(PeerEncoder.control(Control.RESYNC_REQUEST));
        flush();
    }

    /** Sends every entry of every shared table, then says whether this process is up to date. */
    private void teach() {
        for (SharedTable table : group.tables()) {
            for (Object key : table.keys()) {
                push(table, key);
            }
        }
        write(PeerEncoder.control(group.resynced() ? Control.RESYNC_FINISHED : Control.RESYNC_PARTIAL));
    }

    /** Writes the update of {@code key}'s entry of {@code table}, defining or switching to the table first. */
    void push(SharedTable table, Object key) {
        Define define = defined.get(table.name());
        if (define == null) {
            define = table.define(group.localId(table));
            defined.put(table.name(), define);
            write(PeerEncoder.define(define));
        } else if (!table.name().equals(currentLocal)) {
            write(PeerEncoder.define(define)); // a definition again: HAProxy's switch needs its table id kept
        }
        currentLocal = table.name();
        PeerMessage.Update update = table.update(define, key);
        if (update != null) {
            write(PeerEncoder.update(update));
        }
    }

    void flush() {
        Channel open = channel;
        if (open != null) {
            open.flush();
        }
    }

    void close() {
        Channel open = channel;
        if (open != null) {
            open.close();
        }
    }

    private void write(byte[] bytes) {
        Channel open = channel;
        if (open != null) {
            lastWrite = System.nanoTime();
            open.write(Unpooled.wrappedBuffer(bytes));
        }
    }

    private void tick() {
        long now = System.nanoTime();
        if (now - lastRead > SILENCE) {
            group.log()
                    .warn("peers '" + group.name() + "': " + describe() + " silent for "
                            + TimeUnit.NANOSECONDS.toMillis(now - lastRead) + " ms: closing");
            close();
        } else if (established && now - lastWrite >= HEARTBEAT) {
            write(PeerEncoder.control(Control.HEARTBEAT));
            flush();
        }
    }

    String describe() {
        PeerGroup.Remote peer = remote;
        Channel open = channel;
        return "peer " + (peer == null ? "?" : "'" + peer.name() + "'") + (outgoing ? " (to " : " (from ")
                + (open == null ? "?" : open.remoteAddress()) + ")";
    }

    @Override
    public String toString() {
        return "PeerSession[" + describe() + (established ? ", established" : "") + "]";
    }
}
