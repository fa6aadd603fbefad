package dev.fjord.lb.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A scripted TCP health check for simple protocols, as HAProxy's {@code option tcp-check} with {@code tcp-check
 * send} and {@code tcp-check expect [!] string|rstring}: after connecting, the steps run in order; the check
 * passes when every expectation is met. Immutable.
 *
 * <pre>{@code
 * backend.tcpCheck(TcpCheck.create().send("PING\r\n").expectString("+PONG"));   // a Redis check
 * }</pre>
 *
 * @param steps what to send and what to expect, in order; empty: a plain connect check
 */
public record TcpCheck(List<Step> steps) {

    public TcpCheck {
        steps = List.copyOf(steps);
    }

    /** A check with no step yet ({@code option tcp-check}). */
    public static TcpCheck create() {
        return new TcpCheck(List.of());
    }

    /** Then sends {@code data} ({@code tcp-check send}). */
    public TcpCheck send(String data) {
        return with(new Send(data));
    }

    /** Then expects the received data to contain {@code text} ({@code tcp-check expect string}). */
    public TcpCheck expectString(String text) {
        return with(new Expect(false, false, text));
    }

    /** Then expects a regular expression to match the received data ({@code tcp-check expect rstring}). */
    public TcpCheck expectRegex(String regex) {
        return with(new Expect(true, false, regex));
    }

    /**
     * Then expects {@code count} complete MySQL protocol packets (a 3-byte length and a sequence byte each), none of
     * them an error packet ({@code 0xff}): the server's greeting, and the answer to a login ({@code option
     * mysql-check}).
     */
    public TcpCheck expectMysqlPackets(int count) {
        return with(new MysqlPackets(count));
    }

    /** Then expects the received data not to contain {@code text} ({@code tcp-check expect ! string}). */
    public TcpCheck expectNoString(String text) {
        return with(new Expect(false, true, text));
    }

    private TcpCheck with(Step step) {
        List<Step> more = new ArrayList<>(steps);
        more.add(step);
        return new TcpCheck(more);
    }

    /** One step of a TCP check. */
    public sealed interface Step permits Send, Expect, MysqlPackets {}

    /** Sends {@code data} (as ISO-8859-1 bytes). */
    public record Send(String data) implements Step {
        public Send {
            Objects.requireNonNull(data, "data");
            if (data.isEmpty()) {
                throw new ConfigException("tcp-check send: empty data (expected: something to send)");
            }
        }
    }

    /**
     * Waits for received data to match.
     *
     * @param regex {@code pattern} is a regular expression ({@code rstring}), else text ({@code string})
     * @param negated the step passes when the pattern is not found ({@code !})
     */
    public record Expect(boolean regex, boolean negated, String pattern) implements Step {
        public Expect {
            Objects.requireNonNull(pattern, "pattern");
            if (pattern.isEmpty()) {
                throw new ConfigException("tcp-check expect: empty pattern (expected: text or a regular expression)");
            }
            if (regex) {
                try {
                    Pattern.compile(pattern);
                } catch (PatternSyntaxException e) {
                    throw new ConfigException("tcp-check expect: rstring '" + pattern
                            + "' (expected: a regular expression; " + e.getDescription() + ")");
                }
            }
        }

        /** Whether {@code received} meets the expectation. */
        public boolean matches(String received) {
            boolean found = regex ? Pattern.compile(pattern).matcher(received).find() : received.contains(pattern);
            return found != negated;
        }
    }

    /**
     * Waits for {@code count} complete MySQL packets; fails on an error packet.
     *
     * @param count 1 or more
     */
    public record MysqlPackets(int count) implements Step {
        public MysqlPackets {
            if (count < 1) {
                throw new ConfigException("mysql packets: " + count + " (expected: 1 or more)");
            }
        }

        /**
         * What {@code received} (bytes as ISO-8859-1 characters) says: 1 when the packets are all there, -1 when one
         * is an error packet, 0 while more must come.
         */
        public int judge(CharSequence received) {
            int at = 0;
            for (int i = 0; i < count; i++) {
                if (received.length() < at + 5) {
                    return 0;
                }
                int length = received.charAt(at) | received.charAt(at + 1) << 8 | received.charAt(at + 2) << 16;
                if (received.charAt(at + 4) == 0xff) {
                    return -1;
                }
                at += 4 + length;
                if (received.length() < at) {
                    return 0;
                }
            }
            return 1;
        }
    }
}
