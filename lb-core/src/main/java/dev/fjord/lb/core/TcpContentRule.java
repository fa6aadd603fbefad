package dev.fjord.lb.core;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A {@code tcp-request content} rule of a {@code mode tcp} frontend, evaluated in order on the bytes the client has
 * sent so far ({@link RequestHead#content()}), each time more arrive, until one whose condition holds accepts or
 * rejects: {@code accept} lets the connection be routed, {@code reject} closes it without contacting a server,
 * {@code track-sc0|1|2} tracks the connection in a stick table (until it closes) and goes on. A rule whose condition
 * lacks data that may still come stops the evaluation until more bytes arrive or {@code tcp-request inspect-delay}
 * expires (the rules then run again from the first; a counter tracked already is not tracked again); when no rule
 * accepts or rejects, the connection is accepted.
 *
 * <pre>{@code
 * frontend.inspectDelay(Duration.ofSeconds(5))
 *         .tcpContent(TcpContentRule.trackSc(0, "src"))
 *         .tcpContent(TcpContentRule.reject().when("{ sc0_conn_rate gt 20 }"))
 *         .tcpContent(TcpContentRule.accept().when("{ req.ssl_hello_type 1 }"))
 *         .tcpContent(TcpContentRule.reject());
 * }</pre>
 */
public sealed interface TcpContentRule {

    /** The condition under which the rule applies; null: always. */
    @Nullable
    Condition condition();

    /** The same rule applying only if {@code condition} holds ({@code if ...}). */
    TcpContentRule when(Condition condition);

    /** The same rule applying only if the HAProxy condition text holds, e.g. {@code "{ req.ssl_hello_type 1 }"}. */
    default TcpContentRule when(String condition) {
        return when(Condition.when(condition));
    }

    /** The same rule applying only if the HAProxy condition text does not hold ({@code unless ...}). */
    default TcpContentRule unless(String condition) {
        return when(Condition.unless(condition));
    }

    /** {@code tcp-request content accept}: stop inspecting, route the connection. */
    static TcpContentRule accept() {
        return new Accept(null);
    }

    /** {@code tcp-request content reject}: close the connection, no server contacted. */
    static TcpContentRule reject() {
        return new Reject(null);
    }

    /** {@code tcp-request content track-scN KEY}, in the frontend's own table. */
    static TcpContentRule trackSc(int counter, String key) {
        return new Track(new TrackSc(counter, key, null), null);
    }

    /** {@code tcp-request content track-scN KEY table TABLE}. */
    static TcpContentRule trackSc(int counter, String key, String table) {
        return new Track(new TrackSc(counter, key, table), null);
    }

    /** {@code tcp-request content accept [if|unless CONDITION]}. */
    record Accept(@Nullable Condition condition) implements TcpContentRule {
        @Override
        public TcpContentRule when(Condition condition) {
            return new Accept(condition);
        }

        @Override
        public String toString() {
            return "tcp-request content accept" + (condition == null ? "" : " if " + condition);
        }
    }

    /** {@code tcp-request content reject [if|unless CONDITION]}. */
    record Reject(@Nullable Condition condition) implements TcpContentRule {
        @Override
        public TcpContentRule when(Condition condition) {
            return new Reject(condition);
        }

        @Override
        public String toString() {
            return "tcp-request content reject" + (condition == null ? "" : " if " + condition);
        }
    }

    /** {@code tcp-request content track-scN KEY [table TABLE] [if|unless CONDITION]}. */
    record Track(TrackSc track, @Nullable Condition condition) implements TcpContentRule {
        public Track {
            Objects.requireNonNull(track, "track");
        }

        @Override
        public TcpContentRule when(Condition condition) {
            return new Track(track, condition);
        }

        @Override
        public String toString() {
            return "tcp-request content " + track + (condition == null ? "" : " if " + condition);
        }
    }
}
