package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code log stdout} never makes its caller (an event loop) wait for a slow console: lines queue, beyond the queue
 * they are dropped and counted, and what was queued is written in order once the console reads again.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConsoleLogTest {

    @Test
    void aBlockedConsoleNeverBlocksTheWriterAndDropsOnlyBeyondTheQueue() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        PrintStream console = new PrintStream(
                new OutputStream() {
                    @Override
                    public void write(int b) throws java.io.IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws java.io.IOException {
                        try {
                            reading.await(); // a pipe nobody reads yet
                        } catch (InterruptedException e) {
                            throw new java.io.InterruptedIOException();
                        }
                        written.write(b, off, len);
                    }
                },
                false,
                StandardCharsets.UTF_8);
        LongAdder dropped = new LongAdder();
        int capacity = 100;
        int lines = 5_000;
        ConsoleWriter writer = new ConsoleWriter("test-console", () -> console, dropped, capacity);

        for (int i = 0; i < lines; i++) {
            writer.write("line " + i); // would hang here, and the test time out, if a write waited for the console
        }
        // the thread holds at most one batch outside the queue while blocked: the rest beyond the queue is dropped
        assertThat(dropped.sum()).isBetween((long) lines - capacity - 1025, (long) lines - capacity);

        reading.countDown();
        writer.close();
        String[] printed = written.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(printed).hasSize((int) (lines - dropped.sum()));
        assertThat(printed[0]).isEqualTo("line 0");
        for (int i = 1; i < printed.length; i++) {
            int previous = Integer.parseInt(printed[i - 1].substring(5));
            assertThat(Integer.parseInt(printed[i].substring(5))).isGreaterThan(previous);
        }
    }

    @Test
    void closeWritesWhatIsQueued() {
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        PrintStream console = new PrintStream(written, true, StandardCharsets.UTF_8);
        ConsoleWriter writer = new ConsoleWriter("test-console", () -> console, new LongAdder(), 10_000);
        for (int i = 0; i < 5_000; i++) {
            writer.write("line " + i);
        }
        writer.close();
        assertThat(written.toString(StandardCharsets.UTF_8).lines())
                .hasSize(5_000)
                .endsWith("line 4999");
    }
}
