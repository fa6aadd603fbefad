package dev.fjord.lb.netty;

/**
 * Why an exchange or a TCP session ended otherwise than normally, with the first of HAProxy's termination letters
 * (the cause); the second (the state) is {@link Phase}, where the exchange was. Replaces reasons told apart by
 * their text.
 */
enum Termination {
    /** The client closed its connection ({@code C}). */
    CLIENT_CLOSED('C', "client closed the connection"),
    /** {@code timeout client}: the client stopped sending its body or reading the response ({@code c}). */
    CLIENT_TIMEOUT('c', "timeout client"),
    /** {@code timeout server}: the server stopped answering ({@code s}). */
    SERVER_TIMEOUT('s', "timeout server"),
    /** The server closed the connection before the response was whole ({@code S}). */
    SERVER_CLOSED('S', "server closed the connection"),
    /** The server sent something that is not HTTP ({@code S}). */
    SERVER_INVALID('S', "invalid response"),
    /** No connection to the server could be made, retries included ({@code S}). */
    CONNECT_FAILED('S', "cannot connect to the server"),
    /** A retry found no other server to go to ({@code S}). */
    NO_OTHER_SERVER('S', "no other server to redispatch to"),
    /** The backend has no usable server ({@code S}). */
    NO_SERVER('S', "no server available"),
    /** The server's queue is full ({@code maxqueue}) ({@code s}). */
    QUEUE_FULL('s', "queue is full"),
    /** {@code timeout queue} passed before a slot was free ({@code s}). */
    QUEUE_TIMEOUT('s', "timeout queue"),
    /** {@code on-marked-down shutdown-sessions} closed the exchange ({@code K}). */
    SESSIONS_SHUT_DOWN('K', "server marked down: sessions shut down"),
    /** The proxy refused or answered the request itself: a deny, a redirect, a malformed request ({@code P}). */
    PROXY('P', "answered by the proxy"),
    /** The stats page answered ({@code L}). */
    LOCAL('L', "answered locally");

    /** HAProxy's first termination letter. */
    final char cause;
    /** What happened, for debug logs. */
    final String description;

    Termination(char cause, String description) {
        this.cause = cause;
        this.description = description;
    }

    /** Where an exchange was when it ended: HAProxy's second termination letter. */
    enum Phase {
        /** Reading the request head. */
        REQUEST('R'),
        /** Waiting in a server's queue. */
        QUEUE('Q'),
        /** Held by {@code http-request tarpit}. */
        TARPIT('T'),
        /** Connecting to the server. */
        CONNECT('C'),
        /** Waiting for the response head. */
        HEADERS('H'),
        /** Transferring a body. */
        DATA('D');

        final char letter;

        Phase(char letter) {
            this.letter = letter;
        }
    }
}
