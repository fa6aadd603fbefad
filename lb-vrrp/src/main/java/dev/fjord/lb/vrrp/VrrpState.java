package dev.fjord.lb.vrrp;

/** The states of a VRRP instance (RFC 5798 section 6.4), plus keepalived's FAULT. */
public enum VrrpState {
    /** Not running. */
    INITIALIZE,
    /** Watching the master; takes over when it falls silent. */
    BACKUP,
    /** Holding the virtual addresses and advertising. */
    MASTER,
    /** Kept out of the election by a tracked failure. */
    FAULT
}
