package dev.fjord.lb.examples.faults;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link LoadClient} or {@link Probe} saw: one {@link Sample} a request, and the figures the suite reports
 * from them (errors by kind, slowest, p99, per server). Immutable, so thread-safe.
 */
public final class LoadReport {
    /** How a request ended. */
    public enum Kind {
        /** A 2xx whose body starts with the request's path. */
        OK,
        /** A complete answer with a status other than 2xx. */
        STATUS,
        /** A 2xx whose body starts with another path: an answer meant for another request. */
        MIXED_UP,
        /** The answer ended early: inside its head or body. */
        TRUNCATED,
        /** No answer within the socket's read (or connect) timeout. */
        TIMEOUT,
        /** Refused, reset, or closed before the first byte of an answer. */
        IO_ERROR
    }

    /**
     * One request.
     *
     * @param startNanos when it began ({@link System#nanoTime()})
     * @param latencyNanos how long until the answer was read, or the error came
     * @param kind how it ended
     * @param status the answer's status; 0 without one
     * @param server the answer's {@code X-Server}; null without one
     */
    public record Sample(
            long startNanos,
            long latencyNanos,
            Kind kind,
            int status,
            @Nullable String server) {
        /** When it ended ({@link System#nanoTime()}). */
        public long endNanos() {
            return startNanos + latencyNanos;
        }

        public long latencyMillis() {
            return TimeUnit.NANOSECONDS.toMillis(latencyNanos);
        }
    }

    private final List<Sample> samples;

    LoadReport(List<Sample> samples) {
        List<Sample> sorted = new ArrayList<>(samples);
        sorted.sort(Comparator.comparingLong(Sample::startNanos));
        this.samples = List.copyOf(sorted);
    }

    /** The requests, in the order they began. */
    public List<Sample> samples() {
        return samples;
    }

    public long total() {
        return samples.size();
    }

    public long count(Kind kind) {
        return samples.stream().filter(s -> s.kind() == kind).count();
    }

    /** Requests that did not end {@link Kind#OK}. */
    public long errors() {
        return total() - count(Kind.OK);
    }

    /** Answers with status {@code status}. */
    public long status(int status) {
        return samples.stream().filter(s -> s.status() == status).count();
    }

    /** The slowest request in milliseconds; 0 without requests. */
    public long slowestMillis() {
        return slowestMillis(s -> true);
    }

    /** The slowest request that {@code filter} accepts, in milliseconds; 0 without one. */
    public long slowestMillis(Predicate<Sample> filter) {
        return samples.stream()
                .filter(filter)
                .mapToLong(Sample::latencyMillis)
                .max()
                .orElse(0);
    }

    /** The slowest answer from {@code server}, in milliseconds. */
    public long slowestMillis(String server) {
        return slowestMillis(s -> server.equals(s.server()));
    }

    /** The 99th percentile of latency in milliseconds; 0 without requests. */
    public long p99Millis() {
        return percentileMillis(s -> true, 99);
    }

    /** The {@code percent} percentile of the latency of the requests {@code filter} accepts, in milliseconds. */
    public long percentileMillis(Predicate<Sample> filter, int percent) {
        long[] latencies = samples.stream()
                .filter(filter)
                .mapToLong(Sample::latencyMillis)
                .sorted()
                .toArray();
        if (latencies.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(percent / 100.0 * latencies.length) - 1;
        return latencies[Math.max(0, Math.min(latencies.length - 1, index))];
    }

    /** Answers by server name. */
    public Map<String, Long> byServer() {
        return samples.stream()
                .filter(s -> s.server() != null)
                .collect(Collectors.groupingBy(
                        s -> Objects.requireNonNull(s.server()), TreeMap::new, Collectors.counting()));
    }

    /** Errors by kind, and non-2xx answers by status, e.g. {@code {IO_ERROR=2, 503=10}}; empty without errors. */
    public Map<String, Long> errorsByKind() {
        Map<String, Long> errors = new TreeMap<>();
        for (Sample s : samples) {
            if (s.kind() == Kind.STATUS) {
                errors.merge(String.valueOf(s.status()), 1L, Long::sum);
            } else if (s.kind() != Kind.OK) {
                errors.merge(s.kind().name(), 1L, Long::sum);
            }
        }
        return errors;
    }

    /**
     * Milliseconds from {@code sinceNanos} until the first OK answer from {@code server} that ended after it; empty
     * when none did.
     */
    public OptionalLong firstAnswerAfter(String server, long sinceNanos) {
        return samples.stream()
                .filter(s -> s.kind() == Kind.OK && server.equals(s.server()) && s.endNanos() >= sinceNanos)
                .mapToLong(Sample::endNanos)
                .min()
                .stream()
                .map(end -> TimeUnit.NANOSECONDS.toMillis(end - sinceNanos))
                .findFirst();
    }

    /** The requests that began within [{@code fromNanos}, {@code toNanos}). */
    public LoadReport between(long fromNanos, long toNanos) {
        return new LoadReport(samples.stream()
                .filter(s -> s.startNanos() >= fromNanos && s.startNanos() < toNanos)
                .toList());
    }

    /** This report's requests and {@code other}'s. */
    public LoadReport plus(LoadReport other) {
        List<Sample> all = new ArrayList<>(samples);
        all.addAll(other.samples);
        return new LoadReport(all);
    }

    @Override
    public String toString() {
        return errors() + "/" + total() + " errors " + errorsByKind() + ", slowest " + slowestMillis() + " ms, p99 "
                + p99Millis() + " ms, by server " + byServer();
    }
}
