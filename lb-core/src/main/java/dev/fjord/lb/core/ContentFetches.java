package dev.fjord.lb.core;

import java.util.Arrays;

/**
 * The fetches that read the bytes held by {@code tcp-request inspect-delay} ({@link RequestHead#content()}):
 * {@code req.len}, {@code req.payload(offset,length)}, {@code req.ssl_hello_type}, {@code req.ssl_sni} and
 * {@code req.ssl_ver}. Stateless and thread-safe.
 */
final class ContentFetches {
    private ContentFetches() {}

    /** Whether {@code fetch} reads the held bytes, and so may wait for more. */
    static boolean readsContent(AclFetch fetch) {
        return switch (fetch) {
            case REQ_LEN, PAYLOAD, SSL_HELLO_TYPE, SSL_SNI, SSL_VER -> true;
            default -> false;
        };
    }

    /**
     * Fetches from {@code content}; {@code payload} is the {@code [offset, length]} of {@code req.payload}.
     *
     * @throws IllegalArgumentException when {@code fetch} does not read content
     */
    static ContentSample fetch(AclFetch fetch, int[] payload, RequestContent content) {
        byte[] bytes = content.bytes();
        int length = bytes.length;
        return switch (fetch) {
            case REQ_LEN -> new ContentSample((long) length, true);
            case PAYLOAD -> payload(bytes, payload[0], payload[1]);
            case SSL_HELLO_TYPE -> TlsHello.helloType(bytes, length);
            case SSL_SNI -> TlsHello.sni(bytes, length);
            case SSL_VER -> TlsHello.version(bytes, length);
            default -> throw new IllegalArgumentException(fetch.keyword + " does not read the request content");
        };
    }

    /**
     * {@code req.payload(offset,length)}: {@code length} bytes from {@code offset}, or every byte from there when
     * {@code length} is 0 (which more bytes may change); never anything past {@link RequestContent#LIMIT}.
     */
    private static ContentSample payload(byte[] bytes, int offset, int length) {
        if ((long) offset + length > RequestContent.LIMIT) {
            return ContentSample.NONE;
        }
        if (offset + length > bytes.length) {
            return ContentSample.TOO_SHORT;
        }
        byte[] value = Arrays.copyOfRange(bytes, offset, length == 0 ? bytes.length : offset + length);
        return new ContentSample(new ContentSample.Bytes(value), length == 0);
    }

    /**
     * Parses {@code req.payload}'s argument {@code OFFSET,LENGTH}.
     *
     * @throws ConfigException naming the argument and what was expected
     */
    static int[] payloadArgument(String argument) {
        String[] parts = argument.split(",", -1);
        try {
            if (parts.length == 2) {
                int offset = Integer.parseInt(parts[0].strip());
                int length = Integer.parseInt(parts[1].strip());
                if (offset >= 0 && length >= 0) {
                    return new int[] {offset, length};
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException("req.payload(" + argument + ") (expected: req.payload(OFFSET,LENGTH), two integers "
                + ">= 0; LENGTH 0 reads to the end)");
    }
}
