package dev.fjord.lb.core;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A frontend's {@code tcp-request connection} rule, evaluated in order when a connection is accepted, before a byte
 * is read, or its {@code tcp-request session} rule, evaluated the same way once the session starts (after the
 * connection rules and a PROXY header, whose source address {@code src} then is): {@code accept} stops the
 * evaluation and keeps the connection, {@code reject} closes it at once (no
 * response, no server contacted), {@code track-sc0|1|2} tracks the connection in a stick table and goes on,
 * {@code sc-inc-gpc0|1(N)} increments a tracked entry's counter and goes on. A connection no rule accepts or rejects
 * is accepted. Conditions may use what is known at that point only: {@code src}, {@code dst_port} and the stick
 * table fetches ({@code sc*_*}, {@code src_*}, {@code table_*}).
 *
 * <pre>{@code
 * frontend.stickTable(StickTable.ip(100_000).expire(Duration.ofMinutes(1)).store(StickData.CONN_RATE,
 *                 Duration.ofSeconds(10)))
 *         .tcpRequestConnection(TcpConnectionRule.trackSc(0, "src"))
 *         .tcpRequestConnection(TcpConnectionRule.reject().when("{ sc0_conn_rate gt 20 }"));
 * }</pre>
 */
public sealed interface TcpConnectionRule {

    /** The condition under which the rule applies; null: always. */
    @Nullable
    Condition condition();

    /** The same rule applying only if {@code condition} holds ({@code if ...}). */
    TcpConnectionRule when(Condition condition);

    /** The same rule applying only if the HAProxy condition text holds. */
    default TcpConnectionRule when(String condition) {
        return when(Condition.when(condition));
    }

    /** The same rule applying only if the HAProxy condition text does not hold ({@code unless ...}). */
    default TcpConnectionRule unless(String condition) {
        return when(Condition.unless(condition));
    }

    /** {@code tcp-request connection accept}. */
    static TcpConnectionRule accept() {
        return new Accept(null);
    }

    /** {@code tcp-request connection reject}. */
    static TcpConnectionRule reject() {
        return new Reject(null);
    }

    /** {@code tcp-request connection track-scN KEY}, in the frontend's own table. */
    static TcpConnectionRule trackSc(int counter, String key) {
        return new Track(new TrackSc(counter, key, null), null);
    }

    /** {@code tcp-request connection track-scN KEY table TABLE}. */
    static TcpConnectionRule trackSc(int counter, String key, String table) {
        return new Track(new TrackSc(counter, key, table), null);
    }

    /** {@code tcp-request connection sc-inc-gpc0(N)} ({@code gpc} 0) or {@code sc-inc-gpc1(N)} ({@code gpc} 1). */
    static TcpConnectionRule scIncGpc(int gpc, int counter) {
        return new IncGpc(gpc, counter, null);
    }

    /** {@code tcp-request connection accept}. */
    record Accept(@Nullable Condition condition) implements TcpConnectionRule {
        @Override
        public TcpConnectionRule when(Condition condition) {
            return new Accept(condition);
        }
    }

    /** {@code tcp-request connection reject}. */
    record Reject(@Nullable Condition condition) implements TcpConnectionRule {
        @Override
        public TcpConnectionRule when(Condition condition) {
            return new Reject(condition);
        }
    }

    /** {@code tcp-request connection track-scN KEY [table TABLE]}; KEY must be {@code src} or {@code dst_port}. */
    record Track(TrackSc track, @Nullable Condition condition) implements TcpConnectionRule {
        public Track {
            Objects.requireNonNull(track, "track");
            if (!track.fetch().connectionLevel()) {
                throw new ConfigException("tcp-request connection|session track-sc" + track.counter() + ": key '"
                        + track.key() + "' is not known when a connection is accepted (expected: src, src_port or "
                        + "dst_port)");
            }
        }

        @Override
        public TcpConnectionRule when(Condition condition) {
            return new Track(track, condition);
        }
    }

    /** {@code tcp-request connection sc-inc-gpc0|1(COUNTER)}. */
    record IncGpc(int gpc, int counter, @Nullable Condition condition) implements TcpConnectionRule {
        public IncGpc {
            Require.range("tcp-request connection sc-inc-gpc", "gpc", gpc, 0, 1);
            Require.range("tcp-request connection sc-inc-gpc" + gpc, "counter", counter, 0, TrackSc.COUNTERS - 1);
        }

        @Override
        public TcpConnectionRule when(Condition condition) {
            return new IncGpc(gpc, counter, condition);
        }
    }
}
