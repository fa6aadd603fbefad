package dev.fjord.lb.core.peers;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * HAProxy's encoded integers ({@code intencode}/{@code intdecode} of its peers protocol): values below 240 in one
 * byte; larger ones start with a byte of {@code 0xf0 | low 4 bits} then 7 bits per byte, the high bit set on each
 * byte but the last. At most 10 bytes (64 bits). Stateless.
 */
public final class PeerVarint {
    private static final int TWO_BYTES_MIN = 0xf0;
    private static final int MAX_BYTES = 10;

    private PeerVarint() {}

    /** Appends {@code value} (unsigned) to {@code out}. */
    public static void write(long value, ByteArrayOutputStream out) {
        if (Long.compareUnsigned(value, TWO_BYTES_MIN) < 0) {
            out.write((int) value);
            return;
        }
        out.write((int) (value | TWO_BYTES_MIN) & 0xff);
        long rest = (value - TWO_BYTES_MIN) >>> 4;
        while (Long.compareUnsigned(rest, 0x80) >= 0) {
            out.write((int) (rest | 0x80) & 0xff);
            rest = (rest - 0x80) >>> 7;
        }
        out.write((int) rest);
    }

    /**
     * Reads one encoded integer at the buffer's position, moving past it.
     *
     * @throws PeerProtocolException when the buffer ends inside it or it is longer than 10 bytes
     */
    public static long read(ByteBuffer in) {
        if (!in.hasRemaining()) {
            throw new PeerProtocolException("encoded integer: no byte left (expected: 1 to 10 bytes)");
        }
        long value = in.get() & 0xff;
        if (value < TWO_BYTES_MIN) {
            return value;
        }
        int shift = 4;
        for (int read = 1; ; read++) {
            if (!in.hasRemaining()) {
                throw new PeerProtocolException(
                        "encoded integer: ends after " + read + " bytes (expected: a last byte " + "below 0x80)");
            }
            if (read == MAX_BYTES) {
                throw new PeerProtocolException("encoded integer: longer than 10 bytes");
            }
            int next = in.get() & 0xff;
            value += (long) next << shift;
            shift += 7;
            if (next < 0x80) {
                return value;
            }
        }
    }
}
