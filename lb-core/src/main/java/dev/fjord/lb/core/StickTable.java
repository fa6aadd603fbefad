package dev.fjord.lb.core;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A stick table, as HAProxy's {@code stick-table type ip|ipv6|integer|string [len N] size N [expire T] [nopurge]
 * [store ...] [peers NAME]}: entries by key (a client address, a header, ...) holding the server a {@code stick}
 * rule chose and the counters {@code track-sc} rules update. Declared by a frontend or a backend (one table each,
 * named after it), and shared with the peers of {@code peers NAME} ({@link PeersConfig}). An entry expires
 * {@code expire} after it was last updated, unless a connection tracks it; without {@code expire} entries stay
 * until the table is full. A full table drops entries to make room (the least used first), or with
 * {@code nopurge} takes no new ones. Immutable.
 *
 * <pre>{@code
 * StickTable.ip(100 * 1024).expire(Duration.ofSeconds(30)).store(StickData.HTTP_REQ_RATE, Duration.ofSeconds(10))
 * }</pre>
 *
 * @param type the type of the keys
 * @param keyLength the characters of a {@code string} key kept (longer keys are cut); 32 unless set
 * @param size the most entries, at least 1
 * @param expire how long an entry lives after its last update; null: until the table needs room
 * @param purge a full table drops entries to make room for new ones; false ({@code nopurge}): it refuses new ones
 * @param stored what each entry stores, with the period of each rate ({@link Duration#ZERO} for counters)
 * @param peers the {@code peers} section the entries are shared with ({@link PeersConfig}); null: none
 */
public record StickTable(
        Type type,
        int keyLength,
        int size,
        @Nullable Duration expire,
        boolean purge,
        Map<StickData, Duration> stored,
        @Nullable String peers) {

    /** The longest {@code expire} HAProxy takes: 2^31-1 ms, slightly above 24 days. */
    static final Duration MAX_EXPIRE = Duration.ofMillis(Integer.MAX_VALUE);

    /** The type of a table's keys ({@code type}). */
    public enum Type {
        /** IPv4 addresses; an IPv4-mapped IPv6 address is stored as its IPv4 address, other IPv6 ones not at all. */
        IP,
        /** IPv6 addresses; IPv4 addresses are stored IPv4-mapped ({@code ::ffff:a.b.c.d}). */
        IPV6,
        /** 32-bit unsigned integers. */
        INTEGER,
        /** Strings, cut at {@code len} characters. */
        STRING;

        /** The keyword, as {@code show table} prints it. */
        public String keyword() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public StickTable {
        Objects.requireNonNull(type, "type");
        Require.atLeast("stick-table", "size", size, 1);
        Require.range("stick-table", "len", keyLength, 1, 65535);
        if (expire != null) {
            Require.positive("stick-table", "expire", expire);
            if (expire.compareTo(MAX_EXPIRE) > 0) {
                throw new ConfigException("stick-table: expire " + expire + " (expected: at most 2147483647ms)");
            }
        }
        EnumMap<StickData, Duration> copy = new EnumMap<>(StickData.class);
        stored.forEach((data, period) -> copy.put(data, checkedPeriod(data, period)));
        stored = Collections.unmodifiableMap(copy);
        if (peers != null) {
            Require.name("stick-table", "peers", peers);
        }
    }

    /** A table shared with no peers. */
    public StickTable(
            Type type,
            int keyLength,
            int size,
            @Nullable Duration expire,
            boolean purge,
            Map<StickData, Duration> stored) {
        this(type, keyLength, size, expire, purge, stored, null);
    }

    private static Duration checkedPeriod(StickData data, Duration period) {
        Objects.requireNonNull(period, data.keyword());
        if (data.isRate()) {
            if (period.toMillis() < 1 || period.toMillis() > Integer.MAX_VALUE) {
                throw new ConfigException("stick-table: store " + data.keyword() + "(" + period.toMillis()
                        + "ms) (expected: a period of 1ms to 2147483647ms)");
            }
        } else if (!period.isZero()) {
            throw new ConfigException(
                    "stick-table: store " + data.keyword() + "(" + period.toMillis() + "ms) (expected: no period)");
        }
        return period;
    }

    /** {@code stick-table type ip size SIZE}: IPv4 keys, no expiry, nothing stored. */
    public static StickTable ip(int size) {
        return of(Type.IP, size);
    }

    /** {@code stick-table type ipv6 size SIZE}. */
    public static StickTable ipv6(int size) {
        return of(Type.IPV6, size);
    }

    /** {@code stick-table type integer size SIZE}. */
    public static StickTable integer(int size) {
        return of(Type.INTEGER, size);
    }

    /** {@code stick-table type string size SIZE}: keys cut at 32 characters unless {@link #keyLength(int)}. */
    public static StickTable string(int size) {
        return of(Type.STRING, size);
    }

    private static StickTable of(Type type, int size) {
        return new StickTable(type, 32, size, null, true, Map.of());
    }

    /** The same table keeping {@code length} characters of {@code string} keys ({@code len}). */
    public StickTable keyLength(int length) {
        if (type != Type.STRING) {
            throw new ConfigException("stick-table: len " + length + " (expected: only with type string)");
        }
        return new StickTable(type, length, size, expire, purge, stored, peers);
    }

    /** The same table with entries expiring {@code expire} after their last update ({@code expire}). */
    public StickTable expire(Duration expire) {
        return new StickTable(type, keyLength, size, Objects.requireNonNull(expire, "expire"), purge, stored, peers);
    }

    /** The same table refusing new entries when full ({@code nopurge}). */
    public StickTable noPurge() {
        return new StickTable(type, keyLength, size, expire, false, stored, peers);
    }

    /** The same table also storing the counter {@code data} ({@code store conn_cur}). */
    public StickTable store(StickData data) {
        if (data.isRate()) {
            throw new ConfigException(
                    "stick-table: store " + data.keyword() + " (expected: a period, " + data.keyword() + "(10s))");
        }
        return store(data, Duration.ZERO);
    }

    /** The same table also storing the rate {@code data} over {@code period} ({@code store http_req_rate(10s)}). */
    public StickTable store(StickData data, Duration period) {
        EnumMap<StickData, Duration> more = new EnumMap<>(StickData.class);
        more.putAll(stored);
        if (more.put(data, period) != null) {
            throw new ConfigException("stick-table: store " + data.keyword() + " is given twice");
        }
        return new StickTable(type, keyLength, size, expire, purge, more, peers);
    }

    /** The same table sharing its entries with the peers of the {@code peers} section {@code name}. */
    public StickTable peers(String name) {
        return new StickTable(type, keyLength, size, expire, purge, stored, Objects.requireNonNull(name, "name"));
    }

    /** Whether entries store {@code data}. */
    public boolean stores(StickData data) {
        return stored.containsKey(data);
    }

    /** The period of the rate {@code data} in milliseconds; 0 when not stored. */
    int periodMillis(StickData data) {
        Duration period = stored.get(data);
        return period == null ? 0 : (int) period.toMillis();
    }
}
