package dev.fjord.lb.core;

import java.util.Set;

/** The keywords of {@link SettingsBuilder} that HAProxy allows only in one kind of section. Immutable. */
final class SectionKeywords {
    /** Keywords a frontend may not set (HAProxy rejects them there too). */
    static final Set<String> BACKEND_ONLY = Set.of(
            "balance",
            "hash-type",
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
            "option log-health-checks");

    /** Keywords a backend may not set. */
    static final Set<String> FRONTEND_ONLY = Set.of(
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
            "option log-separate-errors",
            "log-format",
            "unique-id-format",
            "unique-id-header");

    private SectionKeywords() {}
}
