package dev.fjord.lb.core.peers;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.fjord.lb.core.StickData;
import dev.fjord.lb.core.peers.PeerMessage.Datum;
import dev.fjord.lb.core.peers.PeerMessage.Define;

/**
 * Encodes messages of HAProxy's peers protocol, as HAProxy 2.6 writes them: every update carries its update id
 * (HAProxy's receivers take an id on any update), and a {@code server_key} always carries its name under cache id 1
 * (the receiver replaces that entry), so each message stands alone. Stateless.
 */
public final class PeerEncoder {
    private PeerEncoder() {}

    /** A control message (resync request, finished, partial, confirm, heartbeat): two bytes. */
    public static byte[] control(PeerMessage.Control control) {
        return new byte[] {0, (byte) control.type()};
    }

    /** A table definition, with the periods of its rates (HAProxy 2.6's form). */
    public static byte[] define(Define table) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        PeerVarint.write(table.tableId(), body);
        byte[] name = table.name().getBytes(StandardCharsets.UTF_8);
        PeerVarint.write(name.length, body);
        body.writeBytes(name);
        PeerVarint.write(table.keyType(), body);
        PeerVarint.write(table.keyLength(), body);
        PeerVarint.write(table.dataTypes(), body);
        PeerVarint.write(table.expireMillis(), body);
        for (int bit = 0; bit < 64; bit++) {
            Long period = table.periods().get(bit);
            if ((table.dataTypes() & (1L << bit)) != 0 && period != null) {
                PeerVarint.write(bit, body);
                PeerVarint.write(period, body);
            }
        }
        return message(0x82, body);
    }

    /** An acknowledgement of the updates of the sender's table {@code tableId} up to {@code updateId}. */
    public static byte[] ack(int tableId, int updateId) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        PeerVarint.write(tableId, body);
        body.writeBytes(ByteBuffer.allocate(4).putInt(updateId).array());
        return message(0x84, body);
    }

    /**
     * An entry update of {@code update.table()} with its id (type 128, or 133 when it has an expiry): the key, then
     * each datum the table's definition carries, in data type order; a datum missing from the update is sent as 0.
     */
    public static byte[] update(PeerMessage.Update update) {
        Define table = update.table();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(ByteBuffer.allocate(4).putInt(update.updateId()).array());
        Long expire = update.expireMillis();
        if (expire != null) {
            body.writeBytes(ByteBuffer.allocate(4).putInt((int) (long) expire).array());
        }
        key(table, update.key(), body);
        for (StickData data : StickData.values()) {
            if (table.carries(data)) {
                datum(data, update.data(), body);
            }
        }
        return message(expire != null ? 0x85 : 0x80, body);
    }

    private static void key(Define table, Object key, ByteArrayOutputStream body) {
        if (key instanceof String text) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            PeerVarint.write(bytes.length, body);
            body.writeBytes(bytes);
        } else if (key instanceof Long number) {
            body.writeBytes(ByteBuffer.allocate(4).putInt((int) (long) number).array());
        } else if (key instanceof PeerMessage.Bytes bytes && bytes.bytes().size() == table.keyLength()) {
            body.writeBytes(bytes.toArray());
        } else {
            throw new IllegalArgumentException(
                    "key " + key + " (expected: a key of table '" + table.name() + "', type " + table.keyType() + ")");
        }
    }

    private static void datum(StickData data, Map<StickData, Datum> values, ByteArrayOutputStream body) {
        Datum datum = values.get(data);
        if (data == StickData.SERVER_KEY) {
            if (!(datum instanceof PeerMessage.Name name)) {
                PeerVarint.write(0, body);
                return;
            }
            ByteArrayOutputStream entry = new ByteArrayOutputStream();
            PeerVarint.write(1, entry); // cache id 1, with its value: self-contained
            byte[] text = name.value().getBytes(StandardCharsets.UTF_8);
            PeerVarint.write(text.length, entry);
            entry.writeBytes(text);
            PeerVarint.write(entry.size(), body);
            body.writeBytes(entry.toByteArray());
        } else if (data.isRate()) {
            PeerMessage.Rate rate = datum instanceof PeerMessage.Rate r ? r : new PeerMessage.Rate(0, 0, 0);
            PeerVarint.write(rate.elapsedMillis() & 0xffff_ffffL, body);
            PeerVarint.write(rate.current(), body);
            PeerVarint.write(rate.previous(), body);
        } else {
            PeerVarint.write(datum instanceof PeerMessage.Count count ? count.value() : 0, body);
        }
    }

    private static byte[] message(int type, ByteArrayOutputStream body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.size() + 7);
        out.write(10);
        out.write(type);
        PeerVarint.write(body.size(), out);
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }
}
