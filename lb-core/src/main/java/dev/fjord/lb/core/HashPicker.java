package dev.fjord.lb.core;

import org.jspecify.annotations.Nullable;

/**
 * The hash-based algorithms ({@code source}, {@code uri}, {@code url_param}, {@code hdr}): the request's key, hashed,
 * chooses the server through the {@link HashType}'s mapping ({@link MapBasedHash} or {@link ConsistentHash}); a
 * request without the key (no such parameter or header) goes round robin.
 */
final class HashPicker implements ServerPicker {
    private final HashKey key;
    private final Mapping mapping;
    private final ServerPicker withoutKey;

    /** How a hash maps to a server. */
    interface Mapping {
        /** The server for {@code hash}; another one than {@code avoid} when there is one. */
        @Nullable
        Server pick(int hash, @Nullable Server avoid);
    }

    HashPicker(HashKey key, HashType hashType, int balanceFactor, Server[] servers, ServerPicker withoutKey) {
        this.key = key;
        this.mapping = hashType == HashType.CONSISTENT
                ? new ConsistentHash(servers, balanceFactor)
                : new MapBasedHash(servers);
        this.withoutKey = withoutKey;
    }

    @Override
    public @Nullable Server pick(RequestHead request, @Nullable Server avoid) {
        long hash = key.hash(request);
        return hash == HashKey.ABSENT ? withoutKey.pick(request, avoid) : mapping.pick((int) hash, avoid);
    }
}
