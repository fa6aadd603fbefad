package dev.fjord.lb.core;

import java.util.Objects;

import dev.fjord.lb.core.internal.InetAddresses;

/**
 * A host and port as written in a {@code bind} or {@code server} line: {@code 10.0.0.1:80}, {@code [::1]:8080},
 * {@code backend.local:80}, or for binds {@code *:80} and {@code :80} (every address). Never resolved here.
 *
 * @param host an IP literal (IPv6 without brackets), a host name, or {@code *} for every address
 * @param port 0-65535; 0 lets a bind pick a free port
 */
public record Address(String host, int port) {
    /** The {@link #host()} of an address that binds every local address. */
    public static final String ANY = "*";

    public Address {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty() || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '[' || c == ']')) {
            throw new IllegalArgumentException("host '" + host + "' (expected: an IP address, a host name or '*')");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " (expected: 0-65535)");
        }
    }

    /**
     * Parses {@code host:port}, {@code [v6]:port}, {@code *:port} or {@code :port}, and as HAProxy also an IPv6 host
     * without brackets, the port after its last colon ({@code :::80}, {@code 2001:db8::1:443}), and the address
     * family prefixes {@code ipv4@} and {@code ipv6@} ({@code ipv6@:80} binds every IPv6 address).
     *
     * @throws IllegalArgumentException naming the text and the expected form
     */
    public static Address parse(String text) {
        Objects.requireNonNull(text, "text");
        String expected = " (expected: host:port, [ipv6]:port, *:port or :port)";
        boolean ipv6 = text.startsWith("ipv6@");
        String address = ipv6 || text.startsWith("ipv4@") ? text.substring(5) : text;
        int at = address.indexOf('@');
        if (at >= 0) {
            throw new IllegalArgumentException("address '" + text + "': prefix '" + address.substring(0, at + 1)
                    + "' is not supported (expected: ipv4@, ipv6@ or none)");
        }
        int colon = address.lastIndexOf(':');
        if (colon < 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("address '" + text + "'" + expected);
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0 && !InetAddresses.isLiteral(host)) {
            throw new IllegalArgumentException("address '" + text + "': host '" + host
                    + "' is no IPv6 address (expected: an IPv6 address, its port after the last ':')");
        }
        if (host.isEmpty() || host.equals(ANY)) {
            host = ipv6 ? "::" : ANY;
        }
        String portText = address.substring(colon + 1);
        if (!portText.chars().allMatch(c -> c >= '0' && c <= '9') || portText.length() > 5) {
            throw new IllegalArgumentException("address '" + text + "': port '" + portText + "'" + expected);
        }
        int port = Integer.parseInt(portText);
        try {
            return new Address(host, port);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("address '" + text + "': " + e.getMessage(), e);
        }
    }

    /** Whether this address binds every local address ({@code *}). */
    public boolean isAny() {
        return host.equals(ANY);
    }

    /** The same host with another port, e.g. to move a configured address onto a test port. */
    public Address withPort(int port) {
        return new Address(host, port);
    }

    /** {@code host:port}, with brackets around an IPv6 host. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? '[' + host + ']' : host) + ':' + port;
    }

    /**
     * A server's address, {@code host:port} or a host alone (port 0: the client's destination port), as
     * {@code server} lines write it.
     *
     * @throws ConfigException naming {@code context} for a bad address, {@code *} or port 0
     */
    static Address ofServer(String context, String text) {
        Address parsed;
        try {
            boolean portless = text.indexOf(':') < 0 || (text.startsWith("[") && text.endsWith("]"));
            parsed = portless ? parse(text + ":0") : parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(context + ": " + e.getMessage());
        }
        if (parsed.isAny() || (parsed.port() == 0 && text.endsWith(":0"))) {
            throw new ConfigException(context + ": address '" + text
                    + "' (expected: a host and a port 1-65535, or a host alone for the client's port; not '*')");
        }
        return parsed;
    }
}
