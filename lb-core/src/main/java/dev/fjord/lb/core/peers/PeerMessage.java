package dev.fjord.lb.core.peers;

import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.StickData;

/**
 * One message of HAProxy's peers protocol after the handshake: a control message, an error, or one of the stick
 * table class (a table definition, a switch to a defined table, an entry update, an acknowledgement). Immutable.
 *
 * @see <a href="https://github.com/haproxy/haproxy/blob/master/doc/peers-v2.0.txt">doc/peers-v2.0.txt</a>, IV
 */
public sealed interface PeerMessage {

    /** Class 0: resync request (0), finished (1), partial (2), confirm (3), heartbeat (4). */
    record Control(int type) implements PeerMessage {
        public static final Control RESYNC_REQUEST = new Control(0);
        public static final Control RESYNC_FINISHED = new Control(1);
        public static final Control RESYNC_PARTIAL = new Control(2);
        public static final Control RESYNC_CONFIRM = new Control(3);
        public static final Control HEARTBEAT = new Control(4);
    }

    /** Class 1: protocol error (0) or size limit reached (1); the sender closes the connection after it. */
    record Failure(int type) implements PeerMessage {}

    /**
     * Class 10, type 130: the table the next updates are for, as the sender defines it.
     *
     * @param tableId the sender's id of the table, used by switches and acknowledgements
     * @param name the table's name, shared by the peers
     * @param keyType 2 integer, 4 IPv4, 5 IPv6, 6 string, 7 binary
     * @param keyLength 4, 16, or a string's maximum length plus one
     * @param dataTypes the data each update carries, one bit per HAProxy data type ({@code 1 << SERVER_ID.type()},
     *     ...), in bit order
     * @param expireMillis the table's {@code expire}
     * @param periods the period of each rate stored, by data type number
     * @param arrayLengths the element count of each array data type (HAProxy's {@code gpc}, {@code gpt}), by number
     */
    record Define(
            int tableId,
            String name,
            int keyType,
            int keyLength,
            long dataTypes,
            long expireMillis,
            Map<Integer, Long> periods,
            Map<Integer, Integer> arrayLengths)
            implements PeerMessage {
        public static final int KEY_INTEGER = 2;
        public static final int KEY_IPV4 = 4;
        public static final int KEY_IPV6 = 5;
        public static final int KEY_STRING = 6;
        public static final int KEY_BINARY = 7;

        public Define {
            Objects.requireNonNull(name, "name");
            periods = Map.copyOf(periods);
            arrayLengths = Map.copyOf(arrayLengths);
        }

        /** Whether updates carry {@code data}. */
        public boolean carries(StickData data) {
            return (dataTypes & (1L << data.type())) != 0;
        }
    }

    /** Class 10, type 131: the next updates are for the table the sender defined with {@code tableId}. */
    record Switch(int tableId) implements PeerMessage {}

    /** Class 10, type 132: the receiver of {@code tableId}'s updates has applied those up to {@code updateId}. */
    record Ack(int tableId, int updateId) implements PeerMessage {}

    /**
     * Class 10, types 128, 129, 133 and 134: one entry of the current table.
     *
     * @param table the definition of the table it belongs to (the last defined or switched to)
     * @param updateId the sender's update number (one more than the last for incremental updates)
     * @param expireMillis the time the entry has left, for timed updates; null: the table's {@code expire}
     * @param key a {@code Long} (integer), a 4 or 16 byte {@link Bytes} (addresses, binary), or a {@code String}
     * @param data the values, by data type; counts as {@link Count}, rates as {@link Rate}, {@code server_key} as
     *     {@link Name}
     */
    record Update(Define table, int updateId, @Nullable Long expireMillis, Object key, Map<StickData, Datum> data)
            implements PeerMessage {
        public Update {
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(key, "key");
            data = Map.copyOf(data);
        }
    }

    /** A key of bytes (an address), compared by content. */
    record Bytes(java.util.List<Byte> bytes) {
        public static Bytes of(byte[] raw) {
            Byte[] boxed = new Byte[raw.length];
            for (int i = 0; i < raw.length; i++) {
                boxed[i] = raw[i];
            }
            return new Bytes(java.util.List.of(boxed));
        }

        /** The bytes, in a new array. */
        public byte[] toArray() {
            byte[] raw = new byte[bytes.size()];
            for (int i = 0; i < raw.length; i++) {
                raw[i] = bytes.get(i);
            }
            return raw;
        }
    }

    /** One value of an update. */
    sealed interface Datum {}

    /** A counter ({@code conn_cnt}, {@code gpc0}, {@code server_id}, ...). */
    record Count(long value) implements Datum {}

    /**
     * A rate, as HAProxy's {@code freq_ctr}: {@code elapsedMillis} since its current period began, the events of that
     * period and of the previous one.
     */
    record Rate(long elapsedMillis, long current, long previous) implements Datum {}

    /** A name ({@code server_key}). */
    record Name(String value) implements Datum {}
}
