package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.CompressionAlgorithm;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

/**
 * {@link BodyCompressor}: a body compressed in parts as it is relayed decompresses to the body, in each algorithm,
 * with the deflaters reused from one response to the next (empty parts and a last part with bytes included).
 */
class BodyCompressorTest {
    private static byte[] compress(CompressionAlgorithm algorithm, byte[] body, int parts) {
        ZlibBudget budget = new ZlibBudget(() -> 0);
        assertThat(budget.tryAcquire()).isTrue();
        BodyCompressor compressor = new BodyCompressor(algorithm, budget);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int step = Math.max(1, body.length / parts);
        for (int from = 0; from <= body.length; from += step) {
            int to = Math.min(body.length, from + step);
            boolean last = to == body.length;
            ByteBuf in = Unpooled.wrappedBuffer(body, from, to - from);
            ByteBuf compressed = compressor.compress(in, last, ByteBufAllocator.DEFAULT);
            byte[] bytes = new byte[compressed.readableBytes()];
            compressed.readBytes(bytes);
            compressed.release();
            out.writeBytes(bytes);
            if (last) {
                break;
            }
        }
        return out.toByteArray();
    }

    private static byte[] decompress(CompressionAlgorithm algorithm, byte[] data) throws IOException {
        try (InputStream in = switch (algorithm) {
            case GZIP -> new GZIPInputStream(new ByteArrayInputStream(data));
            case DEFLATE -> new InflaterInputStream(new ByteArrayInputStream(data));
            default -> new InflaterInputStream(new ByteArrayInputStream(data), new Inflater(true));
        }) {
            return in.readAllBytes();
        }
    }

    @Test
    void everyAlgorithmRoundTripsInPartsWithDeflatersReused() throws IOException {
        Random random = new Random(29);
        for (int response = 0; response < 5; response++) {
            for (CompressionAlgorithm algorithm : new CompressionAlgorithm[] {
                CompressionAlgorithm.GZIP, CompressionAlgorithm.DEFLATE, CompressionAlgorithm.RAW_DEFLATE
            }) {
                StringBuilder text = new StringBuilder();
                for (int i = 0; i < 2000 + random.nextInt(4000); i++) {
                    text.append("line ")
                            .append(random.nextInt(50))
                            .append(" of response ")
                            .append(response);
                }
                byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
                byte[] compressed = compress(algorithm, body, 1 + random.nextInt(7));

                assertThat(decompress(algorithm, compressed))
                        .as("%s, response %d", algorithm, response)
                        .isEqualTo(body);
                assertThat(compressed.length).isLessThan(body.length / 3);
            }
        }
    }

    @Test
    void anEmptyBodyIsAValidEmptyStream() throws IOException {
        for (CompressionAlgorithm algorithm : new CompressionAlgorithm[] {
            CompressionAlgorithm.GZIP, CompressionAlgorithm.DEFLATE, CompressionAlgorithm.RAW_DEFLATE
        }) {
            assertThat(decompress(algorithm, compress(algorithm, new byte[0], 1)))
                    .isEmpty();
        }
    }

    @Test
    void maxzlibmemBoundsTheResponsesCompressedAtOnce() {
        int[] megabytes = {1};
        ZlibBudget budget = new ZlibBudget(() -> megabytes[0]);
        int granted = 0;
        while (granted < 100 && budget.tryAcquire()) {
            granted++;
        }
        assertThat(granted).as("1 MB of ~262 KB states").isEqualTo(3);
        budget.release();
        assertThat(budget.tryAcquire()).isTrue();
        assertThat(budget.tryAcquire()).isFalse();
        megabytes[0] = 0; // a reconfiguration lifts the limit
        assertThat(budget.tryAcquire()).isTrue();
        assertThat(budget.inUse()).isEqualTo(4);
    }

    @Test
    void theEndOfAResponseGivesItsShareBack() {
        ZlibBudget budget = new ZlibBudget(() -> 0);
        assertThat(budget.tryAcquire()).isTrue();
        BodyCompressor compressor = new BodyCompressor(CompressionAlgorithm.GZIP, budget);
        compressor
                .compress(Unpooled.EMPTY_BUFFER, true, ByteBufAllocator.DEFAULT)
                .release();
        compressor.end(); // once only
        assertThat(budget.inUse()).isZero();
    }
}
