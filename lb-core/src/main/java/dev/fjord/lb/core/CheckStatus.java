package dev.fjord.lb.core;

/**
 * The outcome of one health check, with HAProxy's code (as the stats page shows it) and description (as its logs
 * say it).
 */
public enum CheckStatus {
    /** A TCP connection could be established. */
    L4OK("Layer4 check passed", true),
    /** The connection did not establish in time. */
    L4TOUT("Layer4 timeout", false),
    /** The connection was refused or reset. */
    L4CON("Layer4 connection problem", false),
    /** The TLS handshake of a check over TLS ({@code check-ssl}) succeeded, and nothing more was asked. */
    L6OK("Layer6 check passed", true),
    /** The TLS handshake did not finish in time. */
    L6TOUT("Layer6 timeout", false),
    /** The TLS handshake failed (an untrusted certificate, no common protocol, ...). */
    L6RSP("Layer6 invalid response", false),
    /** A valid response with an accepted status. */
    L7OK("Layer7 check passed", true),
    /** A valid response whose status says the server should take no new traffic ({@code disable-on-404}). */
    L7OKC("Layer7 check conditionally passed", true),
    /** A valid response with a status the check does not accept. */
    L7STS("Layer7 wrong status", false),
    /** Not a valid HTTP response, or one that failed {@code http-check expect}. */
    L7RSP("Layer7 invalid response", false),
    /** No complete response in time. */
    L7TOUT("Layer7 timeout", false),
    /** A socket error before anything could be checked. */
    SOCKERR("Socket error", false);

    private final String description;
    private final boolean passed;

    CheckStatus(String description, boolean passed) {
        this.description = description;
        this.passed = passed;
    }

    /** HAProxy's words for it, e.g. {@code Layer7 wrong status}. */
    public String description() {
        return description;
    }

    /** Whether the check counts as passed. */
    public boolean passed() {
        return passed;
    }
}
