package dev.fjord.lb.core;

/**
 * The three-valued result of an ACL or condition evaluated on content that may still grow, as HAProxy's
 * {@code acl_exec_cond} computes it: {@link #MISS} when a fetch lacks data that may still arrive. AND and OR follow
 * HAProxy's bit arithmetic (FAIL 0, MISS 1, PASS 3), so FAIL wins an AND and PASS wins an OR; negation keeps MISS.
 */
enum AclResult {
    FAIL(0),
    MISS(1),
    PASS(3);

    private final int bits;

    AclResult(int bits) {
        this.bits = bits;
    }

    static AclResult of(boolean pass) {
        return pass ? PASS : FAIL;
    }

    AclResult and(AclResult other) {
        return ofBits(bits & other.bits);
    }

    AclResult or(AclResult other) {
        return ofBits(bits | other.bits);
    }

    AclResult negate() {
        return this == MISS ? MISS : this == PASS ? FAIL : PASS;
    }

    private static AclResult ofBits(int bits) {
        return bits == 0 ? FAIL : bits == 1 ? MISS : PASS;
    }
}
