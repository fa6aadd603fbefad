package dev.fjord.lb.core.internal;

import java.util.Set;

/**
 * The keywords of {@code SettingsBuilder} that HAProxy allows only in one kind of section, checked when a section is
 * built and, with the line, when a haproxy.cfg is imported. Immutable.
 */
public final class SectionKeywords {
    /** Keywords a frontend may not set (HAProxy rejects them there too). */
    public static final Set<String> BACKEND_ONLY = Set.of(
            "balance",
            "hash-type",
            "hash-balance-factor",
            "http-send-name-header",
            "retries",
            "option redispatch",
            "option abortonclose",
            "option httpchk",
            "option tcp-check",
            "retry-on",
            "timeout connect",
            "timeout server",
            "timeout queue",
            "timeout check",
            "timeout server-fin",
            "option allbackups",
            "option log-health-checks",
            "http-reuse");

    /** Keywords a backend may not set. */
    public static final Set<String> FRONTEND_ONLY = Set.of(
            "maxconn",
            "timeout client",
            "timeout http-request",
            "timeout client-fin",
            "option dontlognull",
            "option httplog",
            "option tcplog",
            "underscore-headers",
            "backlog",
            "option dontlog-normal",
            "option http-ignore-probes",
            "option log-separate-errors",
            "log-format",
            "unique-id-format",
            "unique-id-header");

    private SectionKeywords() {}
}
