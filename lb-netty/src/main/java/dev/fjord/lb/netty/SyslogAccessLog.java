package dev.fjord.lb.netty;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.AccessLogEntry;
import dev.fjord.lb.core.AccessLogSink;
import dev.fjord.lb.core.LogTarget;
import dev.fjord.lb.core.SyslogMessage;

/**
 * Sends access-log lines and server events to {@code log} targets as HAProxy does: each in its target's format
 * ({@code format local} by default, RFC 3164 without the host name; {@code raw}, {@code rfc3164}, {@code rfc5424},
 * {@code short}, {@code priority}, {@code timed}, {@code iso}), tag {@code fjord} and this process's PID; to a syslog
 * server over UDP, cut at the target's {@code len} (1024 bytes by default), or to {@code stdout} or {@code stderr}
 * whole. Access lines are sent at level {@code info} unless told otherwise; a target whose level is below a
 * message's gets nothing. A Unix-socket target ({@code /dev/log}) cannot be reached with Java 17's datagram sockets:
 * its lines go to SLF4J (logger {@code dev.fjord.lb.access}), with one warning at start. A datagram the socket
 * cannot take at once is dropped and counted, never waited for; console lines are written by a thread of their own,
 * so that a slow console never stalls an event loop, and dropped and counted beyond 65,536 waiting.
 * {@link FjordProxy} makes one from the configuration's global targets unless given another sink. Thread-safe.
 */
public final class SyslogAccessLog implements AccessLogSink, AutoCloseable {
    private static final OperatorLog log = OperatorLog.of(SyslogAccessLog.class.getName());
    private static final String SEVERITY = "info";

    /** A target whose level takes info lines, with its UDP address resolved once (null for the others). */
    private record Destination(
            LogTarget target, LogTarget.Kind kind, @Nullable InetSocketAddress address) {}

    private final List<LogTarget> targets;
    private final List<Destination> destinations;
    private final @Nullable DatagramChannel channel;
    private final ZoneId zone;
    private final String hostname = hostname();
    private final long pid = ProcessHandle.current().pid();
    private final LongAdder dropped = new LongAdder();
    private final Slf4jAccessLog fallback = new Slf4jAccessLog();
    /** Started for a {@code stdout} / {@code stderr} target only. */
    private final @Nullable ConsoleWriter stdout;

    private final @Nullable ConsoleWriter stderr;

    private SyslogAccessLog(
            List<LogTarget> targets, List<Destination> destinations, @Nullable DatagramChannel channel, ZoneId zone) {
        this.targets = targets;
        this.destinations = destinations;
        this.channel = channel;
        this.zone = zone;
        this.stdout = console(destinations, LogTarget.Kind.STDOUT, "fjord-log-stdout", () -> System.out);
        this.stderr = console(destinations, LogTarget.Kind.STDERR, "fjord-log-stderr", () -> System.err);
    }

    private @Nullable ConsoleWriter console(
            List<Destination> destinations,
            LogTarget.Kind kind,
            String name,
            java.util.function.Supplier<java.io.PrintStream> stream) {
        return destinations.stream().anyMatch(d -> d.kind() == kind)
                ? new ConsoleWriter(name, stream, dropped, ConsoleWriter.CAPACITY)
                : null;
    }

    /**
     * Resolves the UDP targets' hosts and opens one datagram socket for them; timestamps in the system's zone.
     *
     * @throws IllegalArgumentException naming the target whose host does not resolve
     * @throws java.io.UncheckedIOException when the socket cannot be opened
     */
    public static SyslogAccessLog open(List<LogTarget> targets) {
        List<Destination> destinations = new ArrayList<>();
        for (LogTarget target : targets) {
            InetSocketAddress address = null;
            if (target.kind() == LogTarget.Kind.UDP) {
                try {
                    address = new InetSocketAddress(InetAddress.getByName(target.host()), target.port());
                } catch (UnknownHostException e) {
                    throw new IllegalArgumentException("log: address '" + target.address() + "': unknown host");
                }
            } else if (target.kind() == LogTarget.Kind.UNIX) {
                log.warn("log " + target.address() + ": Unix datagram sockets are not available to Java 17; these "
                        + "lines go to logger dev.fjord.lb.access instead");
            }
            destinations.add(new Destination(target, target.kind(), address));
        }
        DatagramChannel channel = null;
        if (destinations.stream().anyMatch(d -> d.kind() == LogTarget.Kind.UDP)) {
            try {
                channel = DatagramChannel.open();
                channel.configureBlocking(false);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("opening the syslog socket", e);
            }
        }
        return new SyslogAccessLog(List.copyOf(targets), List.copyOf(destinations), channel, ZoneId.systemDefault());
    }

    @Override
    public void log(AccessLogEntry entry, String line) {
        log(entry, line, SEVERITY);
    }

    @Override
    public void log(AccessLogEntry entry, String line, String level) {
        for (Destination destination : destinations) {
            if (destination.target().accepts(level)) {
                if (destination.kind() == LogTarget.Kind.UNIX) {
                    fallback.log(entry, line);
                } else {
                    send(destination, level, line);
                }
            }
        }
    }

    /**
     * Sends a message that is not an access-log line (a server event) at {@code level} to the targets whose level
     * takes it; Unix-socket targets get none (they are on logger {@code dev.fjord.lb.health} already).
     */
    public void message(String level, String text) {
        for (Destination destination : destinations) {
            if (destination.target().accepts(level)) {
                if (destination.kind() != LogTarget.Kind.UNIX) { // EventLog writes them to SLF4J already
                    send(destination, level, text);
                }
            }
        }
    }

    private void send(Destination destination, String level, String line) {
        LogTarget target = destination.target();
        String message = SyslogMessage.format(target, level, ZonedDateTime.now(zone), hostname, "fjord", pid, line);
        switch (destination.kind()) {
            case STDOUT -> java.util.Objects.requireNonNull(stdout, "stdout").write(message);
            case STDERR -> java.util.Objects.requireNonNull(stderr, "stderr").write(message);
            default -> {
                byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
                send(ByteBuffer.wrap(bytes, 0, Math.min(bytes.length, target.maxLength())), destination.address());
            }
        }
    }

    /** This machine's name, for the {@code rfc3164} format and {@code %H}; {@code localhost} when it cannot be had. */
    static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private void send(ByteBuffer datagram, @Nullable InetSocketAddress address) {
        try {
            if (channel == null || address == null || channel.send(datagram, address) == 0) {
                dropped.increment(); // the socket's buffer is full: dropped rather than waited for
            }
        } catch (IOException e) {
            dropped.increment();
            log.debug("syslog to " + address + ": " + e);
        }
    }

    /**
     * Lines dropped so far: datagrams the socket could not take at once or failed to send, console lines beyond
     * those a slow console holds.
     */
    public long dropped() {
        return dropped.sum();
    }

    @Override
    public void close() {
        if (stdout != null) {
            stdout.close();
        }
        if (stderr != null) {
            stderr.close();
        }
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                log.debug("closing the syslog socket: " + e);
            }
        }
    }

    @Override
    public String toString() {
        return "SyslogAccessLog" + targets.stream().map(LogTarget::address).toList();
    }
}
