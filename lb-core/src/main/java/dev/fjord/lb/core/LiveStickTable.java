package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

/**
 * A stick table at run time: its entries in a Caffeine cache bounded by the table's {@code size}, each expiring
 * {@code expire} after its last update, as HAProxy's. An entry a tracker uses ({@code use}, a connection or a
 * request tracking it) neither expires nor is dropped for room until the last tracker releases it; then it expires
 * {@code expire} after that. When the table is full, Caffeine drops the entries least worth keeping (by frequency
 * and recency), where HAProxy drops the oldest; with {@code nopurge} new entries are refused instead. Thread-safe.
 */
final class LiveStickTable {
    private final String name;
    private final StickTable definition;
    private final boolean sticky;
    private final StickLayout layout;
    private final Ticker ticker;
    private final long expireNanos;
    private final Cache<Object, StickEntry> entries;
    /** Numbers local updates, for peers; see {@link #onLocalUpdate}. */
    private final java.util.concurrent.atomic.AtomicLong updates = new java.util.concurrent.atomic.AtomicLong();
    /** Told of each local update when the table is shared with peers. */
    private final List<java.util.function.Consumer<StickEntry>> updateListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * @param name the table's name: the frontend's or backend's that declares it
     * @param sticky whether {@code stick} rules use the table: its entries then store {@code server_id} and
     *     {@code server_key}
     */
    LiveStickTable(String name, StickTable definition, boolean sticky, Ticker ticker) {
        this.name = name;
        this.definition = definition;
        this.sticky = sticky;
        this.layout = new StickLayout(definition, sticky);
        this.ticker = ticker;
        this.expireNanos =
                definition.expire() == null ? -1 : definition.expire().toNanos();
        this.entries = Caffeine.newBuilder()
                .maximumWeight(definition.size())
                .weigher((Object key, StickEntry entry) -> entry.use() > 0 ? 0 : 1) // in use: never dropped
                .expireAfter(new Expiry<Object, StickEntry>() {
                    @Override
                    public long expireAfterCreate(Object key, StickEntry entry, long now) {
                        return lifetime(entry, now);
                    }

                    @Override
                    public long expireAfterUpdate(Object key, StickEntry entry, long now, long current) {
                        return lifetime(entry, now);
                    }

                    @Override
                    public long expireAfterRead(Object key, StickEntry entry, long now, long current) {
                        return current; // a lookup does not refresh an entry, as in HAProxy
                    }
                })
                .ticker(ticker::read)
                .executor(Runnable::run)
                .build();
    }

    private long lifetime(StickEntry entry, long now) {
        if (expireNanos < 0 || entry.use() > 0) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, entry.expiresAt() - now);
    }

    String name() {
        return name;
    }

    StickTable definition() {
        return definition;
    }

    boolean sticky() {
        return sticky;
    }

    /** The ticker's time in milliseconds, the clock of the entries' rates. */
    long nowMillis() {
        return ticker.read() / 1_000_000;
    }

    /** {@code sample} as a key of this table, or null when it cannot be one. */
    @Nullable
    Object key(@Nullable Object sample) {
        return StickKeys.key(definition, sample);
    }

    /** The entry of {@code key}, or null; its expiry is not refreshed (HAProxy's lookups do not). */
    @Nullable
    StickEntry lookup(Object key) {
        return entries.getIfPresent(key);
    }

    /**
     * The entry of {@code key}, made if there is none, refreshed and, when {@code track}, used by one more tracker;
     * null when the table is full and {@code nopurge}.
     */
    @Nullable
    StickEntry acquire(Object key, boolean track) {
        if (!definition.purge() && entries.getIfPresent(key) == null) {
            entries.cleanUp();
            if (entries.estimatedSize() >= definition.size()) {
                return null;
            }
        }
        StickEntry made = entries.asMap().compute(key, (k, existing) -> {
            StickEntry entry = existing != null ? existing : new StickEntry(k, layout);
            if (track) {
                entry.use(1);
            }
            refresh(entry);
            return entry;
        });
        if (made != null) {
            localUpdate(made);
        }
        return made;
    }

    /** A tracker stops using {@code entry}: it expires {@code expire} after its last update from then on. */
    void release(StickEntry entry) {
        boolean[] released = {false};
        entries.asMap().computeIfPresent(entry.key(), (k, existing) -> {
            if (existing == entry) {
                entry.use(-1); // weighed and timed again as this returns
                released[0] = true;
            }
            return existing;
        });
        if (!released[0]) {
            entry.use(-1); // removed from the table meanwhile (a reconfiguration replaced it)
        }
    }

    /** {@code entry} was updated: it expires {@code expire} from now (HAProxy's {@code stktable_touch_local}). */
    void touch(StickEntry entry) {
        entries.asMap().computeIfPresent(entry.key(), (k, existing) -> {
            if (existing == entry) {
                refresh(entry);
            }
            return existing;
        });
        localUpdate(entry);
    }

    /** Numbers the update of {@code entry} and tells the peers' listeners, when the table is shared. */
    private void localUpdate(StickEntry entry) {
        if (definition.peers() != null) {
            entry.localUpdate(updates.incrementAndGet());
            updateListeners.forEach(listener -> listener.accept(entry));
        }
    }

    /** Tells {@code listener} of each entry updated locally (any thread); the returned handle stops it. */
    Runnable onLocalUpdate(java.util.function.Consumer<StickEntry> listener) {
        updateListeners.add(listener);
        return () -> updateListeners.remove(listener);
    }

    /**
     * Applies what a peer sent about {@code key}: the entry is made if there is none (unless the table is full and
     * {@code nopurge}), takes the data and expires {@code expireMillis} from now, or {@code expire} when null.
     * Peers are not told: HAProxy does not send learnt entries on either.
     */
    void learn(Object key, java.util.function.Consumer<StickEntry> apply, @Nullable Long expireMillis) {
        if (!definition.purge() && entries.getIfPresent(key) == null) {
            entries.cleanUp();
            if (entries.estimatedSize() >= definition.size()) {
                return;
            }
        }
        entries.asMap().compute(key, (k, existing) -> {
            StickEntry entry = existing != null ? existing : new StickEntry(k, layout);
            apply.accept(entry);
            if (expireMillis != null) {
                entry.expiresAt(ticker.read() + expireMillis * 1_000_000);
            } else {
                refresh(entry);
            }
            return entry;
        });
    }

    /** What the entries store, {@code server_id} and {@code server_key} included when sticky. */
    java.util.Set<StickData> stored() {
        return layout.stored();
    }

    private void refresh(StickEntry entry) {
        if (expireNanos >= 0) {
            entry.expiresAt(ticker.read() + expireNanos);
        }
    }

    /** Entries now, expired ones left out. */
    int used() {
        entries.cleanUp();
        return (int) Math.min(Integer.MAX_VALUE, entries.estimatedSize());
    }

    /** The live entries, in no particular order. */
    List<StickEntry> entries() {
        entries.cleanUp();
        return new ArrayList<>(entries.asMap().values());
    }

    /** Removes the entries {@code which} selects and no tracker uses; returns how many in use stayed. */
    int remove(Predicate<StickEntry> which) {
        int kept = 0;
        for (StickEntry entry : entries()) {
            if (!which.test(entry)) {
                continue;
            }
            boolean[] inUse = {false};
            entries.asMap().computeIfPresent(entry.key(), (k, existing) -> {
                inUse[0] = existing.use() > 0;
                return inUse[0] ? existing : null;
            });
            if (inUse[0]) {
                kept++;
            }
        }
        return kept;
    }

    @Override
    public String toString() {
        return "stick-table " + name + " " + definition;
    }
}
