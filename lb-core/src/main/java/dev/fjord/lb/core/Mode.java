package dev.fjord.lb.core;

/** What a frontend or backend proxies, as HAProxy's {@code mode}. HAProxy's default, and Fjord's, is {@link #TCP}. */
public enum Mode {
    /** Bytes, relayed both ways without looking at them. */
    TCP,
    /** HTTP/1.x requests, routed one by one through ACLs and rules. */
    HTTP
}
