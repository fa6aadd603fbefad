package dev.fjord.lb.core;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.peers.PeerMessage;
import dev.fjord.lb.core.peers.PeerMessage.Define;
import dev.fjord.lb.core.peers.PeerMessage.Update;

/**
 * A live stick table shared with the peers of its {@code peers} section: what a transport running HAProxy's peers
 * protocol needs of it. It defines the table as HAProxy does ({@link #define}), tells of entries updated here
 * ({@link #onLocalUpdate}), writes an entry as an update ({@link #update}) and applies the updates peers send
 * ({@link #learn}). Keys are opaque objects (the table's own). Time comes from the router's ticker. Thread-safe.
 *
 * <pre>{@code
 * for (SharedTable table : router.sharedTables("mypeers")) {
 *     Runnable stop = table.onLocalUpdate(key -> session.push(table, key));
 * }
 * }</pre>
 */
public final class SharedTable {
    private final LiveStickTable table;

    SharedTable(LiveStickTable table) {
        this.table = table;
    }

    /** The table's name: its frontend's or backend's, as in HAProxy. */
    public String name() {
        return table.name();
    }

    /** The table's definition. */
    public StickTable definition() {
        return table.definition();
    }

    /**
     * This table as HAProxy 2.6 defines it to peers, under {@code tableId}: its key type and length (a string's
     * {@code len} plus one), each datum stored ({@code server_id} and {@code server_key} when {@code stick} rules
     * use it), {@code expire} and the periods of its rates.
     */
    public Define define(int tableId) {
        StickTable definition = table.definition();
        long types = 0;
        Map<Integer, Long> periods = new HashMap<>();
        for (StickData data : table.stored()) {
            types |= 1L << data.type();
            if (data.isRate()) {
                periods.put(data.type(), (long) definition.periodMillis(data));
            }
        }
        int[] key = switch (definition.type()) {
            case IP -> new int[] {Define.KEY_IPV4, 4};
            case IPV6 -> new int[] {Define.KEY_IPV6, 16};
            case INTEGER -> new int[] {Define.KEY_INTEGER, 4};
            case STRING -> new int[] {Define.KEY_STRING, definition.keyLength() + 1};
        };
        Duration expire = definition.expire();
        return new Define(
                tableId, name(), key[0], key[1], types, expire == null ? 0 : expire.toMillis(), periods, Map.of());
    }

    /** Whether updates a peer sends under {@code remote} are for this table: same name, key type and length. */
    public boolean accepts(Define remote) {
        Define local = define(0);
        return remote.name().equals(local.name())
                && remote.keyType() == local.keyType()
                && remote.keyLength() == local.keyLength();
    }

    /**
     * Tells {@code listener} the key of each entry updated here (made, tracked, counted, stuck to a server), from
     * the thread that updated it; entries learnt from peers are not told.
     *
     * @return stops telling
     */
    public Runnable onLocalUpdate(Consumer<Object> listener) {
        Objects.requireNonNull(listener, "listener");
        return table.onLocalUpdate(entry -> listener.accept(entry.key()));
    }

    /** The keys of the entries updated here after update number {@code after} (0: every one updated here). */
    public List<Object> keysUpdatedAfter(long after) {
        List<Object> keys = new ArrayList<>();
        for (StickEntry entry : table.entries()) {
            if (entry.localUpdate() > after) {
                keys.add(entry.key());
            }
        }
        return keys;
    }

    /** The keys of every entry, for a peer's full resync. */
    public List<Object> keys() {
        return table.entries().stream().map(StickEntry::key).toList();
    }

    /**
     * The entry of {@code key} as an update of {@code definedAs} (this table's {@link #define}), numbered with its
     * last local update; null when there is no such entry any more.
     */
    public @Nullable Update update(Define definedAs, Object key) {
        StickEntry entry = table.lookup(key);
        if (entry == null) {
            return null;
        }
        return new Update(definedAs, (int) entry.localUpdate(), null, peerKey(key), entry.peerData(table.nowMillis()));
    }

    /**
     * Applies an update a peer sent for this table (one it {@link #accepts}): the entry takes the data this table
     * stores and expires as the update says, or after {@code expire}.
     */
    public void learn(Update update) {
        Object key = key(update.key());
        if (key != null) {
            long now = table.nowMillis();
            table.learn(key, entry -> entry.learn(update.data(), now), update.expireMillis());
        }
    }

    private @Nullable Object key(Object peerKey) {
        if (peerKey instanceof PeerMessage.Bytes bytes) {
            byte[] raw = bytes.toArray();
            return raw.length == 4 ? StickKeys.Ipv4Key.of(raw) : raw.length == 16 ? StickKeys.Ipv6Key.of(raw) : null;
        }
        return table.key(peerKey);
    }

    private static Object peerKey(Object key) {
        if (key instanceof StickKeys.Ipv4Key ip) {
            return PeerMessage.Bytes.of(
                    ByteBuffer.allocate(4).putInt(ip.address()).array());
        }
        if (key instanceof StickKeys.Ipv6Key ip) {
            return PeerMessage.Bytes.of(
                    ByteBuffer.allocate(16).putLong(ip.high()).putLong(ip.low()).array());
        }
        return key;
    }

    @Override
    public String toString() {
        return "SharedTable[" + name() + " peers " + table.definition().peers() + "]";
    }
}
