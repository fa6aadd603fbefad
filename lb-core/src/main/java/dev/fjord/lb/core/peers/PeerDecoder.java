package dev.fjord.lb.core.peers;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.StickData;
import dev.fjord.lb.core.peers.PeerMessage.Datum;
import dev.fjord.lb.core.peers.PeerMessage.Define;

/**
 * Frames and decodes the messages one peer sends, after the handshake. Stateful, as the protocol is: updates refer to
 * the table last defined or switched to, incremental updates number on from the last, and {@code server_key} names
 * come through a per-connection cache of 128 entries. One per connection, not thread-safe.
 *
 * <pre>{@code
 * int length = PeerDecoder.frameLength(buffer);      // -1 until a whole message has arrived
 * PeerMessage message = decoder.decode(ByteBuffer.wrap(frame));
 * }</pre>
 */
public final class PeerDecoder {
    /** The longest message taken, header included (HAProxy's are at most its 16 kB buffer). */
    public static final int MAX_MESSAGE = 65536;

    private static final int CLASS_CONTROL = 0;
    private static final int CLASS_ERROR = 1;
    private static final int CLASS_TABLE = 10;
    private static final int DICT_ENTRIES = 128;

    private final Map<Integer, Define> tables = new HashMap<>();
    private final String[] names = new String[DICT_ENTRIES];
    private @Nullable Define current;
    private int lastUpdate;

    /**
     * The length of the message starting at {@code in}'s position, header included; -1 when more bytes are needed.
     * Does not move the position.
     *
     * @throws PeerProtocolException when the announced length is over {@link #MAX_MESSAGE}
     */
    public static int frameLength(ByteBuffer in) {
        ByteBuffer view = in.duplicate();
        if (view.remaining() < 2) {
            return -1;
        }
        view.get();
        int type = view.get() & 0xff;
        if (type < 128) {
            return 2;
        }
        long length;
        try {
            length = PeerVarint.read(view);
        } catch (PeerProtocolException e) {
            if (view.remaining() == 0 && in.remaining() < 12) {
                return -1; // the length itself is not all here yet
            }
            throw e;
        }
        if (length < 0 || length > MAX_MESSAGE) {
            throw new PeerProtocolException(
                    "message length " + Long.toUnsignedString(length) + " (expected: at most " + MAX_MESSAGE + ")");
        }
        int total = view.position() - in.position() + (int) length;
        return in.remaining() >= total ? total : -1;
    }

    /**
     * Decodes one whole message (as {@link #frameLength} delimits it).
     *
     * @throws PeerProtocolException when it is malformed, or an update comes before any table definition
     */
    public PeerMessage decode(ByteBuffer frame) {
        try {
            return decodeWhole(frame);
        } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new PeerProtocolException("message ends early (expected: every field its header announces)");
        }
    }

    private PeerMessage decodeWhole(ByteBuffer frame) {
        int messageClass = frame.get() & 0xff;
        int type = frame.get() & 0xff;
        ByteBuffer body = frame;
        if (type >= 128) {
            int length = (int) PeerVarint.read(frame);
            if (length > frame.remaining()) {
                throw new PeerProtocolException(
                        "message length " + length + " (expected: at most the " + frame.remaining() + " bytes left)");
            }
            body = frame.slice(frame.position(), length);
            frame.position(frame.position() + length);
        }
        return switch (messageClass) {
            case CLASS_CONTROL -> new PeerMessage.Control(type);
            case CLASS_ERROR -> new PeerMessage.Failure(type);
            case CLASS_TABLE -> table(type, body);
            default -> throw new PeerProtocolException("message class " + messageClass + " (expected: 0, 1 or 10)");
        };
    }

    private PeerMessage table(int type, ByteBuffer body) {
        return switch (type) {
            case 0x82 -> define(body);
            case 0x83 -> {
                int id = (int) PeerVarint.read(body);
                Define table = tables.get(id);
                if (table == null) {
                    throw new PeerProtocolException(
                            "switch to table id " + id + " (expected: a defined one, " + tables.keySet() + ")");
                }
                current = table;
                yield new PeerMessage.Switch(id);
            }
            case 0x84 -> new PeerMessage.Ack((int) PeerVarint.read(body), body.getInt());
            case 0x80, 0x81, 0x85, 0x86 -> update(type == 0x80 || type == 0x85, type == 0x85 || type == 0x86, body);
            default -> throw new PeerProtocolException("stick table message type " + type + " (expected: 128-134)");
        };
    }

    private Define define(ByteBuffer body) {
        int id = (int) PeerVarint.read(body);
        int nameLength = (int) PeerVarint.read(body);
        if (nameLength <= 0 || nameLength > body.remaining()) {
            throw new PeerProtocolException(
                    "table name length " + nameLength + " (expected: 1 to " + body.remaining() + ")");
        }
        byte[] name = new byte[nameLength];
        body.get(name);
        int keyType = (int) PeerVarint.read(body);
        int keyLength = (int) PeerVarint.read(body);
        long dataTypes = PeerVarint.read(body);
        long expire = body.hasRemaining() ? PeerVarint.read(body) : 0;
        Map<Integer, Long> periods = new HashMap<>();
        Map<Integer, Integer> arrays = new HashMap<>();
        for (int bit = 0; bit < 64 && body.hasRemaining(); bit++) {
            boolean array = bit >= 22 && bit <= 24;
            boolean rate = isRate(bit);
            if ((dataTypes & (1L << bit)) == 0 || !(array || rate)) {
                continue;
            }
            long prefix = PeerVarint.read(body);
            if (prefix != bit) {
                throw new PeerProtocolException(
                        "table definition: parameters of data type " + prefix + " (expected: " + bit + ")");
            }
            if (array) {
                arrays.put(bit, (int) PeerVarint.read(body));
            }
            if (rate) {
                periods.put(bit, PeerVarint.read(body));
            }
        }
        Define table = new Define(
                id, new String(name, StandardCharsets.UTF_8), keyType, keyLength, dataTypes, expire, periods, arrays);
        tables.put(id, table);
        current = table;
        return table;
    }

    /** Whether HAProxy's data type {@code bit} is a frequency counter (an array of them included). */
    static boolean isRate(int bit) {
        StickData data = StickData.ofType(bit);
        return data != null ? data.isRate() : bit == 24 || bit == 26;
    }

    private PeerMessage.Update update(boolean identified, boolean timed, ByteBuffer body) {
        Define table = current;
        if (table == null) {
            throw new PeerProtocolException("entry update before any table definition");
        }
        lastUpdate = identified ? body.getInt() : lastUpdate + 1;
        Long expire = timed ? Integer.toUnsignedLong(body.getInt()) : null;
        Object key = key(table, body);
        Map<StickData, Datum> data = new EnumMap<>(StickData.class);
        for (int bit = 0; bit < 64; bit++) {
            if ((table.dataTypes() & (1L << bit)) == 0) {
                continue;
            }
            int count = bit >= 22 && bit <= 24 ? table.arrayLengths().getOrDefault(bit, 0) : 1;
            for (int i = 0; i < count; i++) {
                Datum datum = datum(bit, body);
                StickData known = StickData.ofType(bit);
                if (known != null && datum != null) {
                    data.put(known, datum);
                }
            }
        }
        return new PeerMessage.Update(table, lastUpdate, expire, key, data);
    }

    private static Object key(Define table, ByteBuffer body) {
        switch (table.keyType()) {
            case Define.KEY_STRING -> {
                int length = (int) PeerVarint.read(body);
                if (length < 0 || length > body.remaining()) {
                    throw new PeerProtocolException(
                            "string key length " + length + " (expected: at most " + body.remaining() + ")");
                }
                byte[] text = new byte[length];
                body.get(text);
                return new String(text, StandardCharsets.UTF_8);
            }
            case Define.KEY_INTEGER -> {
                return Integer.toUnsignedLong(body.getInt());
            }
            default -> {
                if (table.keyLength() > body.remaining() || table.keyLength() <= 0) {
                    throw new PeerProtocolException(
                            "key of " + table.keyLength() + " bytes (expected: at most " + body.remaining() + ")");
                }
                byte[] raw = new byte[table.keyLength()];
                body.get(raw);
                return PeerMessage.Bytes.of(raw);
            }
        }
    }

    private @Nullable Datum datum(int bit, ByteBuffer body) {
        long first = PeerVarint.read(body);
        if (isRate(bit)) {
            return new PeerMessage.Rate(first, PeerVarint.read(body), PeerVarint.read(body));
        }
        if (bit != StickData.SERVER_KEY.type()) {
            return new PeerMessage.Count(first);
        }
        if (first == 0) {
            return null; // no name stored
        }
        ByteBuffer value = body.slice(body.position(), (int) first);
        body.position(body.position() + (int) first);
        int id = (int) PeerVarint.read(value);
        if (id < 1 || id > DICT_ENTRIES) {
            throw new PeerProtocolException("server_key cache id " + id + " (expected: 1-" + DICT_ENTRIES + ")");
        }
        if (value.hasRemaining()) {
            byte[] text = new byte[(int) PeerVarint.read(value)];
            value.get(text);
            names[id - 1] = new String(text, StandardCharsets.UTF_8);
        }
        String name = names[id - 1];
        return name == null ? null : new PeerMessage.Name(name);
    }
}
