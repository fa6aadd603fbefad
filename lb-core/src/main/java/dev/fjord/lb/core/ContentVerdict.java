package dev.fjord.lb.core;

/** What a frontend's {@code tcp-request content} rules say of the bytes held so far: see {@link Router#inspect}. */
public enum ContentVerdict {
    /** A rule lacks data that may still arrive: hold the bytes, read more, ask again (or when the delay expires). */
    WAIT,
    /** An {@code accept} rule applied, or none did: route the connection with the bytes held. */
    ACCEPT,
    /** A {@code reject} rule applied: close the connection without contacting a server. */
    REJECT
}
