package dev.fjord.lb.core;

import java.util.Locale;

/** An algorithm of {@code compression algo}, with the content coding it answers ({@code Content-Encoding}). */
public enum CompressionAlgorithm {
    /** Nothing is compressed (HAProxy's algorithm for tests): a client that asks for it gets the body as it is. */
    IDENTITY("identity", "identity"),
    /** gzip (RFC 1952), {@code Content-Encoding: gzip}. */
    GZIP("gzip", "gzip"),
    /** zlib-wrapped deflate (RFC 1950), {@code Content-Encoding: deflate}, as the RFC defines the coding. */
    DEFLATE("deflate", "deflate"),
    /** Raw deflate (RFC 1951) sent as {@code Content-Encoding: deflate}, for clients that read it so. */
    RAW_DEFLATE("raw-deflate", "deflate");

    private final String keyword;
    private final String coding;

    CompressionAlgorithm(String keyword, String coding) {
        this.keyword = keyword;
        this.coding = coding;
    }

    /** The name in {@code compression algo}. */
    public String keyword() {
        return keyword;
    }

    /** The content coding: what {@code Accept-Encoding} asks for and {@code Content-Encoding} says. */
    public String coding() {
        return coding;
    }

    /**
     * The algorithm named {@code keyword} in {@code compression algo}.
     *
     * @throws IllegalArgumentException naming the algorithms known
     */
    public static CompressionAlgorithm of(String keyword) {
        for (CompressionAlgorithm algorithm : values()) {
            if (algorithm.keyword.equals(keyword.toLowerCase(Locale.ROOT))) {
                return algorithm;
            }
        }
        throw new IllegalArgumentException(
                "compression algo '" + keyword + "' (expected: identity, gzip, deflate or raw-deflate)");
    }
}
