package dev.fjord.lb.benchmarks;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.fjord.lb.core.AccessLogEntry;
import dev.fjord.lb.core.AccessLogFormat;
import dev.fjord.lb.core.CustomLogFormat;
import dev.fjord.lb.core.LogFormat;
import dev.fjord.lb.core.LogMask;

/**
 * Formatting one access log line, as each logged request does: HAProxy's {@code httplog} and a custom
 * {@code log-format} with a sample expression. Run: {@code java -jar lb-benchmarks/target/benchmarks.jar
 * AccessLogBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AccessLogBenchmark {
    private AccessLogFormat httplog;
    private CustomLogFormat custom;
    private AccessLogEntry entry;
    private long accepted;

    @Setup
    public void setUp() throws UnknownHostException {
        httplog = new AccessLogFormat(LogFormat.HTTP, LogMask.NONE, ZoneOffset.UTC);
        custom = CustomLogFormat.parse("%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %tsc %{+Q}r");
        accepted = 1_795_534_788_123L;
        entry = entry(accepted);
    }

    private static AccessLogEntry entry(long accepted) throws UnknownHostException {
        return new AccessLogEntry(
                InetAddress.getByAddress(new byte[] {(byte) 203, 0, 113, 7}),
                51000,
                accepted,
                "main",
                "app",
                "web1",
                0,
                0,
                1,
                2,
                3,
                200,
                1345,
                "--NI",
                12,
                12,
                3,
                1,
                0,
                false,
                0,
                0,
                "GET /cart?id=1 HTTP/1.1");
    }

    /** HAProxy's httplog line. */
    @Benchmark
    public String httplog() {
        return httplog.format(entry);
    }

    /** The same fields through a custom log-format. */
    @Benchmark
    public String customFormat() {
        return custom.format(entry, LogMask.NONE, ZoneOffset.UTC, "lb1", 1234);
    }
}
