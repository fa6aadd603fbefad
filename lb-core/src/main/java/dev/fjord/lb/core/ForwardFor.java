package dev.fjord.lb.core;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.internal.InetAddresses;
import dev.fjord.lb.core.internal.IpNetwork;

/**
 * HAProxy's {@code option forwardfor [except NETWORK] [header NAME] [if-none]}: the client's address is added to
 * each request forwarded to a server, as a new header line (a client-sent value is never extended or trusted).
 *
 * <pre>{@code
 * defaults.forwardFor(ForwardFor.except("127.0.0.0/8"));
 * }</pre>
 *
 * @param header the header to add; default {@code X-Forwarded-For}
 * @param except clients from this network (an address or CIDR) get no header; null: every client gets one
 * @param onlyIfAbsent add the header only when the request has none ({@code if-none})
 */
public record ForwardFor(String header, @Nullable String except, boolean onlyIfAbsent) {
    /** The default header name. */
    public static final String X_FORWARDED_FOR = "X-Forwarded-For";

    public ForwardFor {
        Objects.requireNonNull(header, "header");
        if (header.isEmpty() || header.chars().anyMatch(c -> c <= ' ' || c >= 0x7f || c == ':')) {
            throw new ConfigException("forwardfor: header '" + header + "' (expected: a header name)");
        }
        if (header.equalsIgnoreCase("Content-Length")
                || header.equalsIgnoreCase("Transfer-Encoding")
                || header.equalsIgnoreCase("Host")) {
            throw new ConfigException("forwardfor: header '" + header
                    + "' (expected: a header other than Content-Length, Transfer-Encoding and Host)");
        }
        if (except != null) {
            try {
                Acl.src(except);
            } catch (ConfigException e) {
                throw new ConfigException("forwardfor: except '" + except + "' (expected: an IP address or CIDR)");
            }
        }
    }

    /** {@code option forwardfor}: every request gets {@code X-Forwarded-For}. */
    public static ForwardFor enabled() {
        return new ForwardFor(X_FORWARDED_FOR, null, false);
    }

    /** {@code option forwardfor except NETWORK}: clients from {@code network} (address or CIDR) get no header. */
    public static ForwardFor except(String network) {
        return new ForwardFor(X_FORWARDED_FOR, Objects.requireNonNull(network, "network"), false);
    }

    /** The same, adding {@code name} instead of {@code X-Forwarded-For} ({@code header NAME}). */
    public ForwardFor header(String name) {
        return new ForwardFor(name, except, onlyIfAbsent);
    }

    /** The same, adding the header only when the request has none ({@code if-none}). */
    public ForwardFor ifNone() {
        return new ForwardFor(header, except, true);
    }

    /**
     * The {@code X-Forwarded-For} (or named) field to add to {@code request} on its way to {@code backend}: the
     * backend's option, else the frontend's; none for clients in {@code except}, or with {@code if-none} when the
     * request has one.
     */
    static @Nullable HeaderEdit edit(CompiledFrontend frontend, LiveBackend backend, RequestHead request) {
        ForwardFor option = backend.config().settings().forwardFor();
        IpNetwork except = backend.forwardForExcept();
        if (option == null) {
            option = frontend.config().settings().forwardFor();
            except = option == null || option.except() == null ? null : IpNetwork.parse(option.except());
        }
        if (option == null
                || (except != null && except.contains(request.clientAddress()))
                || (option.onlyIfAbsent() && request.header(option.header()) != null)) {
            return null;
        }
        return new HeaderEdit.Add(option.header(), InetAddresses.toText(request.clientAddress()));
    }
}
