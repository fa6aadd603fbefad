package dev.fjord.lb.netty;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import dev.fjord.lb.core.CompressionAlgorithm;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Compresses one response body as it is relayed: each part flushed ({@link Deflater#SYNC_FLUSH}) so the client gets
 * what has arrived, the end finished with the gzip trailer. Level 1, HAProxy's {@code tune.comp.maxlevel} default:
 * the fastest, which a proxy on the path of every response wants. Each response being compressed holds a zlib state
 * (about 256 KB of native memory); idle ones are reused on their event loop. Not thread-safe: one event loop.
 */
final class BodyCompressor {
    /** gzip's header (RFC 1952): deflate, no flags, no time, no extra flags, unknown OS. */
    private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private final Deflater deflater;
    private final boolean gzip;
    private final boolean raw;
    private final ZlibBudget budget;
    private final CRC32 crc = new CRC32();
    private boolean headerWritten;
    private boolean ended;

    /**
     * Each event loop's idle raw deflaters (gzip and raw-deflate), reset for the next response: a new one allocates
     * zlib's state (about 256 KB of native memory) again. At most {@link #KEPT} a loop.
     */
    private static final FastThreadLocal<ArrayDeque<Deflater>> IDLE = new FastThreadLocal<>() {
        @Override
        protected ArrayDeque<Deflater> initialValue() {
            return new ArrayDeque<>(KEPT);
        }
    };

    private static final int KEPT = 16;

    /** @param budget counted in already ({@link ZlibBudget#tryAcquire}); released at the {@link #end()} */
    BodyCompressor(CompressionAlgorithm algorithm, ZlibBudget budget) {
        this.budget = budget;
        this.gzip = algorithm == CompressionAlgorithm.GZIP;
        this.raw = algorithm != CompressionAlgorithm.DEFLATE; // zlib's wrapper for deflate only
        Deflater idle = raw ? IDLE.get().pollLast() : null;
        this.deflater = idle != null ? idle : new Deflater(1, raw);
    }

    /** The compressed form of {@code in} (not released), the body's end when {@code last}; may be empty. */
    ByteBuf compress(ByteBuf in, boolean last, ByteBufAllocator alloc) {
        int length = in.readableBytes();
        ByteBuf out = alloc.buffer(Math.max(64, length / 2 + 32));
        if (gzip && !headerWritten) {
            out.writeBytes(GZIP_HEADER);
            headerWritten = true;
        }
        if (length > 0) {
            ByteBuffer input = in.nioBufferCount() == 1 ? in.nioBuffer() : ByteBuffer.wrap(copy(in));
            if (gzip) {
                crc.update(input.duplicate());
            }
            deflater.setInput(input);
        }
        if (last) {
            deflater.finish();
            while (!deflater.finished()) {
                deflate(out, Deflater.NO_FLUSH);
            }
            if (gzip) {
                out.writeIntLE((int) crc.getValue());
                out.writeIntLE((int) deflater.getBytesRead()); // ISIZE: the input's length modulo 2^32
            }
            end();
        } else if (length > 0) {
            while (deflate(out, Deflater.SYNC_FLUSH) || !deflater.needsInput()) {
                // more output space, or input left: once more with the same flush
            }
        }
        return out;
    }

    /** One {@code deflate} into {@code out}'s free space; true when it filled that space (more may follow). */
    private boolean deflate(ByteBuf out, int flush) {
        out.ensureWritable(Math.max(256, out.writableBytes() == 0 ? 1024 : 0));
        int writable = out.writableBytes();
        ByteBuffer space = out.nioBuffer(out.writerIndex(), writable);
        int written = deflater.deflate(space, flush);
        out.writerIndex(out.writerIndex() + written);
        return written == writable;
    }

    private static byte[] copy(ByteBuf in) {
        byte[] bytes = new byte[in.readableBytes()];
        in.getBytes(in.readerIndex(), bytes);
        return bytes;
    }

    /** Frees the compressor, kept for the next response of this loop or its native memory released; once. */
    void end() {
        if (ended) {
            return;
        }
        ended = true;
        budget.release();
        ArrayDeque<Deflater> idle = IDLE.get();
        if (raw && idle.size() < KEPT) {
            deflater.reset();
            idle.addLast(deflater);
        } else {
            deflater.end();
        }
    }
}
