package dev.fjord.lb.core;

/**
 * What a hash-based algorithm hashes: the client address ({@code source}), the path ({@code uri}), a query
 * parameter ({@code url_param}) or a header ({@code hdr}). The hash is sdbm (HAProxy's default) followed by a
 * 32-bit avalanche (murmur3's finalizer) so that close keys spread.
 */
@FunctionalInterface
interface HashKey {
    /** The request has no key (no such parameter or header): the algorithm falls back to round robin. */
    long ABSENT = Long.MIN_VALUE;

    /** The key's 32-bit hash (as a long), or {@link #ABSENT}. */
    long hash(RequestHead request);

    static HashKey of(Balance balance) {
        if (balance instanceof Balance.Source) {
            return request -> mix(sdbm(request.clientAddress().getAddress()));
        }
        if (balance instanceof Balance.Uri) {
            return request -> mix(sdbm(request.path()));
        }
        if (balance instanceof Balance.UrlParam param) {
            String name = param.name();
            return request -> {
                String value = AclMatcher.urlParam(request.query(), name);
                return value == null ? ABSENT : mix(sdbm(value));
            };
        }
        if (balance instanceof Balance.Hdr hdr) {
            String name = hdr.name();
            return request -> {
                String value = request.header(name);
                return value == null ? ABSENT : mix(sdbm(value));
            };
        }
        throw new IllegalArgumentException("not a hash-based algorithm: " + balance);
    }

    static int sdbm(String text) {
        int hash = 0;
        for (int i = 0; i < text.length(); i++) {
            hash = text.charAt(i) + (hash << 6) + (hash << 16) - hash;
        }
        return hash;
    }

    static int sdbm(byte[] bytes) {
        int hash = 0;
        for (byte b : bytes) {
            hash = (b & 0xff) + (hash << 6) + (hash << 16) - hash;
        }
        return hash;
    }

    /** murmur3's fmix32. */
    static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
