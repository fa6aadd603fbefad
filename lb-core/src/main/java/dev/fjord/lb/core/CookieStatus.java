package dev.fjord.lb.core;

/**
 * What the persistence cookie of a request said, with the letter HAProxy logs for it (the {@code %CC}-side of the
 * termination state's third character).
 */
public enum CookieStatus {
    /** The backend has no cookie persistence: {@code -}. */
    NOT_CHECKED('-'),
    /** The request had no persistence cookie: {@code N}. */
    NONE('N'),
    /** The cookie named no server of the backend: {@code I}. */
    INVALID('I'),
    /** The cookie named a server that is DOWN or in MAINT; the request was balanced elsewhere: {@code D}. */
    DOWN('D'),
    /** The cookie named a server that took the request: {@code V}. */
    VALID('V'),
    /** The cookie was idle longer than {@code maxidle}; the request was balanced anew: {@code E}. */
    EXPIRED('E'),
    /** The cookie was older than {@code maxlife}; the request was balanced anew: {@code O}. */
    OLD('O');

    private final char code;

    CookieStatus(char code) {
        this.code = code;
    }

    /** HAProxy's log letter. */
    public char code() {
        return code;
    }
}
