package dev.fjord.lb.core;

import java.nio.charset.StandardCharsets;

/**
 * Reads a TLS ClientHello from the first bytes of a connection without terminating TLS: the {@code req.ssl_sni},
 * {@code req.ssl_hello_type} and {@code req.ssl_ver} fetches, as HAProxy's {@code payload.c} computes them. Each
 * answers {@link ContentSample#TOO_SHORT} while the bytes end before what it needs, and {@link ContentSample#NONE}
 * when they are not what it reads (another protocol, a malformed or SNI-less hello). Stateless and thread-safe.
 *
 * <p>Unlike HAProxy, which reads the ClientHello from the first record only, {@link #sni} reassembles a hello split
 * over several handshake records (RFC 8446 section 5.1 allows it).
 */
final class TlsHello {
    /** Content type of a handshake record. */
    private static final int HANDSHAKE = 0x16;
    /** Handshake type of a ClientHello. */
    private static final int CLIENT_HELLO = 1;
    /** A record's payload at most: 2^14, and the 2048 more HAProxy tolerates. */
    private static final int MAX_RECORD = (1 << 14) + 2048;
    /** The shortest ClientHello body with an extension: version, random, 3 lengths, a cipher, a method, 4 bytes. */
    private static final int MIN_HELLO_WITH_EXTENSION = 2 + 32 + 1 + 2 + 2 + 1 + 1 + 2 + 2;

    private TlsHello() {}

    /**
     * {@code req.ssl_hello_type}: the handshake type of the first record (1 for a ClientHello) once its whole
     * handshake message is there; HAProxy's loose check (any record type from 20 to 23, or 255) is kept.
     */
    static ContentSample helloType(byte[] data, int length) {
        if (length == 0) {
            return ContentSample.TOO_SHORT;
        }
        int type = u8(data, 0);
        if (!(type >= 0x14 && type <= 0x17) && type != 0xff) {
            return ContentSample.NONE;
        }
        if (length < 9) {
            return ContentSample.TOO_SHORT;
        }
        if ((u8(data, 1) << 16) + u8(data, 2) < 0x00030000 || u16(data, 3) < 4) {
            return ContentSample.NONE;
        }
        long handshakeLength = u24(data, 6);
        if (length < 9 + handshakeLength) {
            return ContentSample.TOO_SHORT;
        }
        return ContentSample.of((long) u8(data, 5));
    }

    /**
     * {@code req.ssl_ver}: the version the client offers, as {@code (major << 16) | minor} (TLS 1.2 is 3.3), from
     * the ClientHello's {@code client_version} (not the record's), once the whole first record is there. An
     * SSLv2-compatible hello (RFC 5246 appendix E.2) answers its own version field.
     */
    static ContentSample version(byte[] data, int length) {
        if (length == 0) {
            return ContentSample.TOO_SHORT;
        }
        int first = u8(data, 0);
        int version;
        int messageLength;
        int left;
        if ((first >= 0x14 && first <= 0x17) || first == 0xff) {
            if (length < 11) {
                return ContentSample.TOO_SHORT;
            }
            int recordVersion = (u8(data, 1) << 16) + u8(data, 2);
            messageLength = u16(data, 3);
            if (recordVersion < 0x00030000 || messageLength < 6 || messageLength > MAX_RECORD) {
                return ContentSample.NONE;
            }
            version = (u8(data, 9) << 16) + u8(data, 10);
            left = length - 5;
        } else {
            int offset;
            int padding;
            if ((first & 0x80) != 0) {
                if (length < 3) {
                    return ContentSample.TOO_SHORT;
                }
                offset = 2;
                padding = 0;
            } else {
                if (length < 4) {
                    return ContentSample.TOO_SHORT;
                }
                offset = 3;
                padding = u8(data, 2);
            }
            int recordLength = ((first & ((first & 0x80) != 0 ? 0x7f : 0x3f)) << 8) | u8(data, 1);
            if (u8(data, offset) != CLIENT_HELLO) {
                return ContentSample.NONE;
            }
            offset++;
            if (length - offset < 8) {
                return ContentSample.TOO_SHORT;
            }
            version = (u8(data, offset) << 16) + u8(data, offset + 1);
            int ciphers = u16(data, offset + 2);
            int sessionId = u16(data, offset + 4);
            int challenge = u16(data, offset + 6);
            if (ciphers % 3 != 0
                    || (sessionId != 0 && sessionId != 16)
                    || challenge < 16
                    || challenge > 32
                    || recordLength != 9 + ciphers + sessionId + challenge) {
                return ContentSample.NONE;
            }
            messageLength = ciphers + sessionId + challenge + padding;
            left = length - offset - 8;
        }
        if (left < Math.min(messageLength, RequestContent.LIMIT - (length - left))) {
            return ContentSample.TOO_SHORT;
        }
        return ContentSample.of((long) version);
    }

    /**
     * {@code req.ssl_sni}: the {@code host_name} of the ClientHello's {@code server_name} extension (RFC 6066), as
     * sent (not lower-cased), once the whole hello is there.
     */
    static ContentSample sni(byte[] data, int length) {
        if (length >= 1 && u8(data, 0) != HANDSHAKE) {
            return ContentSample.NONE;
        }
        if (length >= 2 && u8(data, 1) < 3) {
            return ContentSample.NONE; // SSLv2 and other record formats carry no extension
        }
        byte[] message = new byte[length];
        int held = 0;
        int needed = -1;
        int position = 0;
        while (needed < 0 || held < needed) {
            if (length - position < 5) {
                return ContentSample.TOO_SHORT;
            }
            int recordLength = u16(data, position + 3);
            if (u8(data, position) != HANDSHAKE
                    || u8(data, position + 1) < 3
                    || recordLength == 0
                    || recordLength > MAX_RECORD) {
                return ContentSample.NONE;
            }
            if (length - position - 5 < recordLength) {
                return ContentSample.TOO_SHORT;
            }
            System.arraycopy(data, position + 5, message, held, recordLength);
            held += recordLength;
            position += 5 + recordLength;
            if (needed < 0 && held >= 4) {
                if (u8(message, 0) != CLIENT_HELLO) {
                    return ContentSample.NONE;
                }
                long declared = u24(message, 1);
                if (declared < MIN_HELLO_WITH_EXTENSION) {
                    return ContentSample.NONE;
                }
                if (declared > RequestContent.LIMIT) {
                    return ContentSample.NONE; // can never be held whole
                }
                needed = 4 + (int) declared;
            }
        }
        return serverName(message, 4, needed);
    }

    /** The host name in the ClientHello body {@code hello[start, end)}. */
    private static ContentSample serverName(byte[] hello, int start, int end) {
        int p = start;
        if (u8(hello, p) < 3 || u8(hello, p + 1) < 1) {
            return ContentSample.NONE; // older than TLS 1.0
        }
        p += 2 + 32;
        int sessionId = u8(hello, p);
        if (sessionId > 32) {
            return ContentSample.NONE;
        }
        p += 1 + sessionId;
        if (end - p < 2) {
            return ContentSample.NONE;
        }
        int ciphers = u16(hello, p);
        if (ciphers < 2 || end - p - 2 < ciphers) {
            return ContentSample.NONE;
        }
        p += 2 + ciphers;
        if (end - p < 1) {
            return ContentSample.NONE;
        }
        int methods = u8(hello, p);
        if (methods < 1 || end - p - 1 < methods) {
            return ContentSample.NONE;
        }
        p += 1 + methods;
        if (end - p < 2) {
            return ContentSample.NONE; // no extensions
        }
        int extensionsEnd = p + 2 + u16(hello, p);
        if (extensionsEnd > end) {
            return ContentSample.NONE;
        }
        p += 2;
        while (extensionsEnd - p >= 4) {
            int type = u16(hello, p);
            int extensionLength = u16(hello, p + 2);
            p += 4;
            if (extensionLength > extensionsEnd - p) {
                return ContentSample.NONE;
            }
            if (type == 0) {
                return hostName(hello, p, p + extensionLength);
            }
            p += extensionLength;
        }
        return ContentSample.NONE;
    }

    /** The first {@code host_name} entry of a {@code server_name} extension's data {@code [start, end)}. */
    private static ContentSample hostName(byte[] hello, int start, int end) {
        if (end - start < 2) {
            return ContentSample.NONE;
        }
        int listEnd = start + 2 + u16(hello, start);
        if (listEnd > end) {
            return ContentSample.NONE;
        }
        int p = start + 2;
        while (listEnd - p >= 3) {
            int nameType = u8(hello, p);
            int nameLength = u16(hello, p + 1);
            p += 3;
            if (nameLength > listEnd - p) {
                return ContentSample.NONE;
            }
            if (nameType == 0) {
                return nameLength == 0
                        ? ContentSample.NONE
                        : ContentSample.of(new String(hello, p, nameLength, StandardCharsets.ISO_8859_1));
            }
            p += nameLength;
        }
        return ContentSample.NONE;
    }

    private static int u8(byte[] data, int at) {
        return data[at] & 0xff;
    }

    private static int u16(byte[] data, int at) {
        return (u8(data, at) << 8) | u8(data, at + 1);
    }

    private static long u24(byte[] data, int at) {
        return ((long) u8(data, at) << 16) | (u8(data, at + 1) << 8) | u8(data, at + 2);
    }
}
